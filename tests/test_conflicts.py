"""No lost writes: two people open the same form; the second save does not overwrite the first."""

import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test import Client

from journal.models import Incident, ProviderNotice, SupportContact, TimelineEvent, VersionConflict
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, SupportContactFactory, UserFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def alice_and_bob(db):
    clients = []
    for name in ("alice", "bob"):
        client = Client()
        client.force_login(UserFactory(username=name))
        clients.append(client)
    return clients


def opened_version(client, url, field="version", headers=None) -> str:
    """The version the form was opened at, as a browser would send it back."""
    html = client.get(url, headers=headers or {}).content.decode()
    return re.search(rf'name="{field}" value="(\d+)"', html).group(1)


def incident_data(incident, version, **changes):
    data = {
        "service": incident.service.pk,
        "title": incident.title,
        "kind": incident.kind,
        "status": incident.status,
        "zone": "UTC",
        "notes": incident.notes,
        "version": version,
    }
    return {**data, **changes}


def test_the_second_incident_save_is_a_conflict_showing_both_values(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(title="VPS down", service__time_zone="UTC")
    url = f"/incidents/{incident.pk}/edit/"
    alice_version, bob_version = opened_version(alice, url), opened_version(bob, url)
    assert alice_version == bob_version == "1"

    assert alice.post(url, incident_data(incident, alice_version, title="VPS down (host reboot)")).status_code == 302
    response = bob.post(url, incident_data(incident, bob_version, title="VPS unreachable"))

    assert response.status_code == 409
    incident.refresh_from_db()
    assert (incident.title, incident.version) == ("VPS down (host reboot)", 2)  # Bob's save did not land
    text = text_of(response)
    assert "Not saved: alice changed this" in text
    assert "Title VPS down (host reboot) VPS unreachable" in text  # field, now, yours
    assert "Overwrite with mine" in text and "Discard mine" in text
    assert 'name="version" value="2"' in response.content.decode()  # sending it again overwrites
    assert 'value="VPS unreachable"' in response.content.decode()  # what Bob typed is kept in the form


def test_overwriting_after_a_conflict_saves_and_records_both_in_history(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(title="VPS down", status="open", service__time_zone="UTC")
    url = f"/incidents/{incident.pk}/edit/"
    version = opened_version(bob, url)
    alice.post(url, incident_data(incident, version, status="resolved"))
    conflict = bob.post(url, incident_data(incident, version, title="VPS unreachable"))
    resent = re.search(r'name="version" value="(\d+)"', conflict.content.decode()).group(1)

    assert bob.post(url, incident_data(incident, resent, title="VPS unreachable")).status_code == 302

    incident.refresh_from_db()
    # Bob's form wins whole (his status too); Alice's change stays in the history.
    assert (incident.title, incident.status, incident.version) == ("VPS unreachable", "open", 3)
    assert incident.history.filter(status="resolved", history_user__username="alice").exists()
    users = [r.history_user.username for r in incident.history.filter(history_type="~")]
    assert users == ["bob", "alice"]  # newest first: nothing was lost from the record


def test_a_conflicting_save_with_the_same_values_says_so(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(title="VPS down", service__time_zone="UTC")
    url = f"/incidents/{incident.pk}/edit/"
    version = opened_version(bob, url)
    alice.post(url, incident_data(incident, version, title="Same"))
    response = bob.post(url, incident_data(incident, version, title="Same"))
    assert response.status_code == 409
    assert "What you typed is what it holds now." in text_of(response)


def event_data(version, **changes):
    data = {
        "events-at": "2024-03-01T09:00:00",
        "events-zone": "UTC",
        "events-type": "down",
        "events-source": "person",
        "events-text": "",
        "events-version": version,
    }
    return {**data, **changes}


def test_two_clients_editing_one_event_with_htmx(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(service__time_zone="UTC")
    event = EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, tzinfo=UTC), text="")
    url = f"/incidents/{incident.pk}/events/{event.pk}/edit/"
    version = opened_version(alice, url, "events-version", HX)
    assert opened_version(bob, url, "events-version", HX) == version

    first = alice.post(url, event_data(version, **{"events-text": "ping lost"}), headers=HX)
    second = bob.post(url, event_data(version, **{"events-at": "2024-03-01T08:55:00"}), headers=HX)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second["HX-Retarget"] == f"#edit-events-{event.pk}"  # the form is replaced in place
    event.refresh_from_db()
    assert (event.at, event.text) == (datetime(2024, 3, 1, 9, tzinfo=UTC), "ping lost")
    text = text_of(second)
    assert "Text ping lost —" in text  # now: "ping lost", Bob left it empty
    assert "When 2024-03-01 09:00:00 UTC 2024-03-01 08:55:00 UTC" in text


def test_a_conflict_on_a_support_contact_changes_nothing(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(service__time_zone="UTC")
    contact = SupportContactFactory(incident=incident, provider=incident.service.provider, summary="called")
    url = f"/incidents/{incident.pk}/contacts/{contact.pk}/edit/"
    version = opened_version(alice, url, "contacts-version")
    data = {
        "contacts-channel": contact.channel,
        "contacts-initiated_by": "user",
        "contacts-opened_at": f"{contact.opened_at:%Y-%m-%dT%H:%M:%S}",
        "contacts-zone": "UTC",
        "contacts-version": version,
    }
    assert alice.post(url, {**data, "contacts-summary": "called, told of the fault"}).status_code == 302
    assert bob.post(url, {**data, "contacts-summary": "called twice"}).status_code == 409
    assert SupportContact.objects.get().summary == "called, told of the fault"


def test_a_conflict_on_a_notice_makes_no_new_version(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(service__time_zone="UTC")
    notice = NoticeFactory(incident=incident, raw_text="Maintenance from 10:00")
    url = f"/incidents/{incident.pk}/notices/{notice.pk}/edit/"
    version = opened_version(alice, url, "notices-version")
    data = {
        "notices-retrieved_at": f"{notice.retrieved_at:%Y-%m-%dT%H:%M:%S}",
        "notices-zone": "UTC",
        "notices-raw_text": notice.raw_text,
        "notices-version": version,
    }
    assert alice.post(url, {**data, "notices-target": "cnode-a1104"}).status_code == 302
    response = bob.post(url, {**data, "notices-raw_text": "Maintenance from 11:00"})
    assert response.status_code == 409
    assert ProviderNotice.all_objects.count() == 1
    assert ProviderNotice.objects.get().target == "cnode-a1104"


def test_a_form_without_its_version_is_refused(client_alice):
    incident = IncidentFactory(title="VPS down", service__time_zone="UTC")
    data = incident_data(incident, "")
    response = client_alice.post(f"/incidents/{incident.pk}/edit/", data)
    assert response.status_code == 422
    assert Incident.objects.get().version == 1


def test_only_one_of_two_saves_from_the_same_version_claims_it(db):
    event = EventFactory()
    first, second = TimelineEvent.objects.get(), TimelineEvent.objects.get()
    first.claim_version(event.version)
    first.save()
    with pytest.raises(Exception, match="changed since the form was opened") as caught:
        second.claim_version(event.version)
    assert caught.value.current.version == event.version + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_concurrent_saves_from_one_version_on_postgresql_let_exactly_one_through():
    event = EventFactory(text="")
    barrier = threading.Barrier(4)
    outcomes = []

    def save(text: str) -> None:
        try:
            mine = TimelineEvent.objects.get(pk=event.pk)
            mine.text = text
            barrier.wait(10)
            try:
                with transaction.atomic():
                    mine.claim_version(1)
                    mine.save()
                outcomes.append(("saved", text))
            except VersionConflict:
                outcomes.append(("conflict", text))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f"writer {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    saved = [text for outcome, text in outcomes if outcome == "saved"]
    assert len(saved) == 1 and len(outcomes) == 4
    event.refresh_from_db()
    assert (event.text, event.version) == (saved[0], 2)
    assert TimelineEvent.history.filter(id=event.pk, history_type="~").count() == 1


def test_saving_a_notice_someone_removed_meanwhile_is_a_conflict(alice_and_bob):
    alice, bob = alice_and_bob
    incident = IncidentFactory(service__time_zone="UTC")
    notice = NoticeFactory(incident=incident, raw_text="Maintenance from 10:00")
    url = f"/incidents/{incident.pk}/notices/{notice.pk}/edit/"
    version = opened_version(bob, url, "notices-version", HX)
    alice.post(f"/incidents/{incident.pk}/notices/{notice.pk}/delete/", {"reason": "another customer's notice"})
    data = {
        "notices-retrieved_at": f"{notice.retrieved_at:%Y-%m-%dT%H:%M:%S}",
        "notices-zone": "UTC",
        "notices-raw_text": "Maintenance from 10:30",
        "notices-version": version,
    }
    response = bob.post(url, data, headers=HX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#edit-notices-{notice.pk}"
    assert "Removed by alice at" in text_of(response) and "another customer&#x27;s notice" in text_of(response)
    assert ProviderNotice.all_objects.get().raw_text == "Maintenance from 10:00"


def test_opening_a_superseded_notice_points_to_the_newer_version(client_alice):
    incident = IncidentFactory(service__time_zone="UTC")
    old = NoticeFactory(incident=incident, raw_text="v1")
    newer = ProviderNotice.objects.get(pk=old.pk)
    newer.raw_text = "v2"
    newer.save_as_new_version()
    response = client_alice.get(f"/incidents/{incident.pk}/notices/{old.pk}/edit/")
    assert response.status_code == 409
    assert "Someone saved a corrected version of its text" in text_of(response)
