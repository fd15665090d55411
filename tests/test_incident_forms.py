"""Creating and editing providers, services and incidents in the browser."""

from datetime import UTC, datetime

import pytest

from journal.models import Incident, Provider, Service
from tests.factories import EventFactory, IncidentFactory, ProviderFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_provider_is_created_and_shown(client_alice):
    response = client_alice.post("/providers/new/", {"name": "Sakura", "url": "https://sakura.example/"})
    provider = Provider.objects.get(name="Sakura")
    assert response["Location"] == provider.get_absolute_url()
    assert "Sakura" in client_alice.get("/providers/").content.decode()


def test_a_duplicate_provider_name_is_refused(client_alice):
    sakura = ProviderFactory(name="Sakura")
    response = client_alice.post("/providers/new/", {"name": "Sakura"})
    assert response.status_code == 422
    expected = f'A provider named “<a href="{sakura.get_absolute_url()}">Sakura</a>” already exists.'
    assert expected in response.content.decode()


def test_a_service_with_an_unknown_zone_is_refused_next_to_the_field(client_alice):
    provider = ProviderFactory()
    response = client_alice.post("/services/new/", {"provider": provider.pk, "name": "VPS", "time_zone": "Mars/Base"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "“Mars/Base” is not a time zone. Use an IANA name such as Asia/Tokyo" in html
    assert 'list="zone-names"' in html and '<option value="Asia/Tokyo">' in html
    assert not Service.objects.exists()


def test_a_service_is_created_in_its_zone(client_alice):
    provider = ProviderFactory()
    response = client_alice.post("/services/new/", {"provider": provider.pk, "name": "VPS", "time_zone": "Asia/Tokyo"})
    service = Service.objects.get()
    assert response["Location"] == service.get_absolute_url()
    assert service.time_zone == "Asia/Tokyo"


def test_an_incident_without_a_title_is_refused(client_alice):
    service = ServiceFactory()
    response = client_alice.post(
        "/incidents/new/",
        {"service": service.pk, "title": "   ", "kind": "outage", "status": "open", "zone": "service"},
    )
    assert response.status_code == 422
    assert "Give the incident a title." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_new_incident_can_record_when_it_went_down_in_the_services_zone(client_alice):
    service = ServiceFactory(time_zone="Asia/Tokyo")
    response = client_alice.post(
        "/incidents/new/",
        {
            "service": service.pk,
            "title": "VPS unreachable",
            "kind": "outage",
            "status": "open",
            "zone": "service",
            "down_at": "2012-07-20T08:12",
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == incident.get_absolute_url()
    down = incident.events.get()
    assert (down.type, down.at) == ("down", datetime(2012, 7, 19, 23, 12, tzinfo=UTC))


def test_the_new_incident_form_preselects_the_service(client_alice):
    service = ServiceFactory()
    html = client_alice.get(f"/incidents/new/?service={service.pk}").content.decode()
    assert f'<option value="{service.pk}" selected>' in html


def test_an_incident_cannot_end_before_its_first_event(client_alice):
    incident = IncidentFactory(service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, tzinfo=UTC))
    data = {
        "service": incident.service.pk,
        "title": incident.title,
        "kind": "outage",
        "status": "resolved",
        "zone": "UTC",
        "resolved_at": "2024-03-01T08:00",
        "version": "1",
    }
    response = client_alice.post(f"/incidents/{incident.pk}/edit/", data)
    assert response.status_code == 422
    assert "The incident cannot end before its first event (2024-03-01 09:00:00 UTC)." in response.content.decode()
    data["resolved_at"] = "2024-03-01T10:00"
    assert client_alice.post(f"/incidents/{incident.pk}/edit/", data).status_code == 302
    incident.refresh_from_db()
    assert incident.resolved_at == datetime(2024, 3, 1, 10, tzinfo=UTC)


def test_the_edit_form_shows_the_end_in_the_services_zone(client_alice):
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", resolved_at=datetime(2012, 7, 20, 3, 33, tzinfo=UTC))
    html = client_alice.get(f"/incidents/{incident.pk}/edit/").content.decode()
    assert 'value="2012-07-20T12:33:00"' in html
