"""Merging two providers or two services: a confirmation with counts, everything moves,
the merged-away one goes (its history stays), colliding service names are refused."""

from datetime import UTC, datetime, timedelta

import pytest

from journal.models import Incident, Provider, Service, SupportChannel, SupportContact
from tests.factories import (
    EventFactory,
    IncidentFactory,
    ProviderFactory,
    ServiceFactory,
    SupportContactFactory,
    UserFactory,
)
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

DOWN = datetime(2024, 5, 10, 1, 0, tzinfo=UTC)


def outage(service, minutes: int) -> Incident:
    incident = IncidentFactory(service=service)
    EventFactory(incident=incident, type="down", at=DOWN)
    EventFactory(incident=incident, type="up", at=DOWN + timedelta(minutes=minutes))
    return incident


@pytest.fixture
def two(db):
    keep = ProviderFactory(name="Hetzner", url="")
    dupe = ProviderFactory(name="Hetzner Online", url="https://hetzner.example/", notes="Phone: support line")
    keep_vps = ServiceFactory(provider=keep, name="CX22", time_zone="UTC")
    dupe_box = ServiceFactory(provider=dupe, name="Storage Box", time_zone="UTC")
    incidents = [outage(dupe_box, 30), outage(dupe_box, 15)]
    SupportContactFactory(incident=incidents[0])
    SupportContactFactory(incident=None, provider=dupe)
    SupportChannel.objects.create(provider=dupe, channel="phone")
    return {"keep": keep, "dupe": dupe, "keep_vps": keep_vps, "dupe_box": dupe_box, "incidents": incidents}


def test_the_merge_page_asks_which_then_says_what_moves(client_alice, two):
    page = client_alice.get(f"/providers/{two['dupe'].pk}/merge/")
    assert page.status_code == 200 and "Merge provider “Hetzner Online” into another" in text_of(page)
    confirm = text_of(client_alice.get(f"/providers/{two['dupe'].pk}/merge/?into={two['keep'].pk}"))
    assert (
        "This moves 1 service, 2 incidents, 2 support contacts and 1 support hours entry "
        "from “Hetzner Online” to “Hetzner”." in confirm
    )
    assert Provider.objects.count() == 2  # asking changes nothing


def test_merging_providers_moves_everything_and_keeps_history(client_alice, two):
    keep, dupe = two["keep"], two["dupe"]
    response = client_alice.post(f"/providers/{dupe.pk}/merge/", {"into": keep.pk}, follow=True)
    assert response.redirect_chain[-1][0] == keep.get_absolute_url()
    assert "Merged provider “Hetzner Online” into “Hetzner”: moved 1 service, 2 incidents" in text_of(response)
    assert list(Provider.objects.values_list("name", flat=True)) == ["Hetzner"]
    assert set(Service.objects.filter(provider=keep).values_list("name", flat=True)) == {"CX22", "Storage Box"}
    assert SupportContact.objects.filter(provider=keep).count() == 2
    assert SupportChannel.objects.filter(provider=keep).count() == 1
    keep.refresh_from_db()
    assert keep.url == "https://hetzner.example/" and "From Hetzner Online:\n\nPhone: support line" in keep.notes
    assert keep.downtime_in_year(2024) == timedelta(minutes=30)  # the overlapping outages count once
    assert Provider.history.filter(id=dupe.pk, history_type="-").exists()
    moved = Service.objects.get(name="Storage Box")
    assert moved.history.filter(provider_id=dupe.pk).exists() and moved.history.first().provider_id == keep.pk


def test_merging_providers_with_a_same_named_service_is_refused_with_a_way_out(client_alice, two):
    clash = ServiceFactory(provider=two["dupe"], name="cx22")
    confirm = client_alice.get(f"/providers/{two['dupe'].pk}/merge/?into={two['keep'].pk}")
    text = text_of(confirm)
    assert "Both have a service named “cx22”." in text
    assert f"/services/{clash.pk}/merge/?into={two['keep_vps'].pk}" in confirm.content.decode()
    response = client_alice.post(f"/providers/{two['dupe'].pk}/merge/", {"into": two["keep"].pk})
    assert response.status_code == 409
    assert "Both have a service named “cx22”: merge that service into Hetzner’s first, or rename it." in text_of(
        response
    )
    assert Provider.objects.count() == 2 and Service.objects.get(pk=clash.pk).provider_id == two["dupe"].pk


def test_merging_services_moves_incidents_and_their_contacts(client_alice, two):
    box, vps = two["dupe_box"], two["keep_vps"]
    confirm = text_of(client_alice.get(f"/services/{box.pk}/merge/?into={vps.pk}"))
    assert "This moves 2 incidents from “Hetzner Online › Storage Box” to “Hetzner › CX22”." in confirm
    response = client_alice.post(f"/services/{box.pk}/merge/", {"into": vps.pk}, follow=True)
    assert "Merged service “Storage Box” into “CX22”: moved 2 incidents." in text_of(response)
    assert not Service.all_objects.filter(pk=box.pk).exists()
    assert Incident.objects.filter(service=vps).count() == 2
    assert SupportContact.objects.get(incident=two["incidents"][0]).provider_id == two["keep"].pk
    assert two["incidents"][0].history.first().service_id == vps.pk


def test_a_service_cannot_be_merged_into_itself_and_a_viewer_cannot_merge(client, two):
    editor = UserFactory(username="ed")
    client.force_login(editor)
    response = client.post(f"/services/{two['dupe_box'].pk}/merge/", {"into": two["dupe_box"].pk})
    assert response.status_code == 422 and "Select a valid choice" in text_of(response)
    client.force_login(UserFactory(username="vic", role="viewer"))
    assert client.get(f"/providers/{two['dupe'].pk}/merge/").status_code == 403
    assert client.post(f"/providers/{two['dupe'].pk}/merge/", {"into": two["keep"].pk}).status_code == 403
    assert Provider.objects.count() == 2
