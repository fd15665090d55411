"""Deleting providers, services and incidents: confirmation that says what goes, soft delete
with undo that restores exactly what went, gone from every list, total and scorecard, and
purge_deleted that really deletes (log files too)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from journal.housekeeping import purge, removal
from journal.housekeeping.models import Deletion
from journal.models import Incident, LogExcerpt, LogLine, Provider, Service, SupportContact, TimelineEvent
from journal.scorecard import build, provider_for_scorecard
from tests.factories import (
    EventFactory,
    IncidentFactory,
    LogExcerptFactory,
    NoticeFactory,
    ProviderFactory,
    ServiceFactory,
    SupportContactFactory,
    UserFactory,
)
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

DOWN = datetime(2024, 5, 10, 1, 0, tzinfo=UTC)


def outage(service, minutes: int, title: str = "", start: datetime = DOWN) -> Incident:
    incident = IncidentFactory(service=service, **({"title": title} if title else {}))
    EventFactory(incident=incident, type="down", at=start)
    EventFactory(incident=incident, type="up", at=start + timedelta(minutes=minutes))
    return incident


@pytest.fixture
def journal(db):
    """Hoster with two services (3 incidents), and Other with one incident."""
    hoster = ProviderFactory(name="Hoster")
    vps = ServiceFactory(provider=hoster, name="VPS", time_zone="UTC")
    mail = ServiceFactory(provider=hoster, name="Mail", time_zone="UTC")
    incidents = [
        outage(vps, 45, "Night outage"),
        outage(vps, 30, "VPS down again", DOWN + timedelta(days=3)),
        outage(mail, 20, "Mail down"),
    ]
    NoticeFactory(incident=incidents[0])
    SupportContactFactory(incident=incidents[0], helpfulness=2)
    other = outage(ServiceFactory(provider=ProviderFactory(name="Other"), name="Box", time_zone="UTC"), 10, "Box down")
    return {"hoster": hoster, "vps": vps, "mail": mail, "incidents": incidents, "other": other}


def test_the_confirmation_says_what_goes_with_a_provider(client_alice, journal):
    response = client_alice.get(f"/providers/{journal['hoster'].pk}/delete/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Delete provider “Hoster”?" in text
    assert "2 services: Mail, VPS" in text
    assert "3 incidents" in text and "6 timeline events" in text
    assert "1 provider notice" in text and "1 support contact" in text
    assert "For 30 days you can undo this" in text
    assert Provider.objects.count() == 2  # asking changes nothing


def test_deleting_a_provider_removes_its_services_and_incidents_and_says_so_with_undo(client_alice, journal):
    response = client_alice.post(f"/providers/{journal['hoster'].pk}/delete/", follow=True)
    text = text_of(response)
    assert response.redirect_chain[-1][0] == "/providers/"
    assert "Deleted provider “Hoster” with 2 services and 3 incidents." in text
    deletion = Deletion.objects.get()
    assert f'action="/deleted/{deletion.pk}/undo/"' in response.content.decode()
    assert 'id="messages" role="status" aria-live="polite"' in response.content.decode()
    assert list(Provider.objects.values_list("name", flat=True)) == ["Other"]
    assert Service.objects.filter(provider=journal["hoster"]).count() == 0
    assert Incident.objects.count() == 1
    assert Provider.all_objects.count() == 2 and Service.all_objects.count() == 3 and Incident.all_objects.count() == 4
    hoster = Provider.all_objects.get(name="Hoster")
    assert hoster.removed_by.username == "alice" and hoster.removal_reason == "Deleted"
    assert sorted(deletion.incidents) == sorted(i.pk for i in journal["incidents"])
    record = Incident.history.filter(id=journal["incidents"][0].pk).first()  # the newest: the delete, audited
    assert record.removed_at is not None and record.history_user.username == "alice"
    assert record.removal_reason == "Deleted with provider “Hoster”" and record.version == 2
    assert sorted(deletion.services) == sorted([journal["vps"].pk, journal["mail"].pk])


def test_a_deleted_incidents_downtime_leaves_the_totals_lists_and_scorecard(client_alice, journal):
    hoster, first = journal["hoster"], journal["incidents"][0]
    card = build(provider_for_scorecard(Provider.objects.filter(pk=hoster.pk)).get(), 2024)
    assert card.observed == timedelta(minutes=45 + 30 + 20) and card.contacts == 1
    assert hoster.downtime_in_year(2024) == timedelta(minutes=95)

    client_alice.post(f"/incidents/{first.pk}/delete/")

    hoster = Provider.objects.get(pk=hoster.pk)
    assert hoster.downtime_in_year(2024) == timedelta(minutes=50)
    card = build(provider_for_scorecard(Provider.objects.filter(pk=hoster.pk)).get(), 2024)
    assert card.observed == timedelta(minutes=50)
    assert card.incident_count == 2 and card.contacts == 0  # its support contact went with it
    assert card.mean_helpfulness is None
    assert "Night outage" not in [i.title for i in Incident.objects.all()]
    assert "Deleted incident “Night outage”. Undo" in text_of(client_alice.get("/incidents/"))  # the message
    listed = text_of(client_alice.get("/incidents/"))
    assert "Night outage" not in listed and "VPS down again" in listed
    assert "Hoster 2 2" in text_of(client_alice.get("/providers/"))  # services, incidents
    assert client_alice.get(first.get_absolute_url()).status_code == 404
    scorecard = text_of(client_alice.get(f"/providers/{hoster.pk}/scorecard/?year=2024"))
    assert "VPS down again" in scorecard and "Night outage" not in scorecard


def test_undo_restores_exactly_what_the_delete_removed(client_alice, journal):
    alone = journal["incidents"][1]
    client_alice.post(f"/incidents/{alone.pk}/delete/")  # deleted on its own first
    client_alice.post(f"/providers/{journal['hoster'].pk}/delete/")
    provider_deletion = Deletion.objects.get(what="provider")
    assert alone.pk not in provider_deletion.incidents

    response = client_alice.post(f"/deleted/{provider_deletion.pk}/undo/", follow=True)

    assert response.redirect_chain[-1][0] == journal["hoster"].get_absolute_url()
    assert "Restored provider “Hoster”." in text_of(response)
    assert Service.objects.filter(provider=journal["hoster"]).count() == 2
    assert set(Incident.objects.values_list("title", flat=True)) == {"Night outage", "Mail down", "Box down"}
    assert Incident.all_objects.get(pk=alone.pk).is_removed  # its own deletion still stands
    assert list(Deletion.objects.values_list("what", flat=True)) == ["incident"]
    restored = Provider.objects.get(pk=journal["hoster"].pk)
    assert restored.removed_at is None and restored.removed_by is None and restored.removal_reason == ""


def test_undoing_an_incident_whose_service_is_deleted_is_refused_clearly(client_alice, journal):
    incident = journal["incidents"][2]
    client_alice.post(f"/incidents/{incident.pk}/delete/")
    client_alice.post(f"/services/{journal['mail'].pk}/delete/")
    first = Deletion.objects.get(what="incident")
    text = text_of(client_alice.post(f"/deleted/{first.pk}/undo/", follow=True))
    assert (
        "Could not undo deleting “Mail down”. Its service “Hoster › Mail” is deleted: undo deleting that first." in text
    )
    assert Incident.all_objects.get(pk=incident.pk).is_removed


def test_undo_is_refused_when_the_name_was_taken_meanwhile(client_alice, journal):
    client_alice.post(f"/providers/{journal['other'].service.provider.pk}/delete/")
    ProviderFactory(name="OTHER")
    deletion = Deletion.objects.get()
    text = text_of(client_alice.post(f"/deleted/{deletion.pk}/undo/", follow=True))
    assert "A provider named “OTHER” exists now: rename it first." in text
    assert Provider.all_objects.get(name="Other").is_removed


def test_undo_after_thirty_days_is_refused_and_the_page_offers_none(client_alice, journal):
    deletion = removal.delete(journal["other"], None)
    Deletion.objects.filter(pk=deletion.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    page = client_alice.get("/deleted/").content.decode()
    assert "Incident “Box down”" in text_of(client_alice.get("/deleted/"))
    assert f"/deleted/{deletion.pk}/undo/" not in page
    text = text_of(client_alice.post(f"/deleted/{deletion.pk}/undo/", follow=True))
    assert "too late to undo" in text
    assert Incident.all_objects.get(pk=journal["other"].pk).is_removed


def test_the_recently_deleted_page_lists_what_went_with_each(client_alice, journal):
    client_alice.post(f"/services/{journal['vps'].pk}/delete/")
    text = text_of(client_alice.get("/deleted/"))
    assert "Service “Hoster › VPS” 2 incidents" in text
    assert "alice" in text


def test_a_viewer_can_neither_delete_nor_undo(client, journal):
    viewer = UserFactory(username="vera", role="viewer")
    client.force_login(viewer)
    assert client.get(f"/providers/{journal['hoster'].pk}/delete/").status_code == 403
    assert client.post(f"/providers/{journal['hoster'].pk}/delete/").status_code == 403
    deletion = removal.delete(journal["other"], None)
    assert client.post(f"/deleted/{deletion.pk}/undo/").status_code == 403
    assert "/undo/" not in client.get("/deleted/").content.decode()
    assert Provider.objects.count() == 2 and Incident.objects.count() == 3


def test_a_deleted_incidents_share_link_stops_working(client_alice, journal, client):
    from journal.sharing import ShareLink

    incident = journal["other"]
    _, token = ShareLink.create(incident, days=7)
    assert client.get(f"/share/{token}/").status_code == 200
    removal.delete(incident, None)
    assert client.get(f"/share/{token}/").status_code == 404


def test_purge_really_deletes_old_deletions_and_their_log_files(journal, settings):
    incident = journal["other"]
    excerpt = LogExcerptFactory(incident=incident, data=b"Jul 20 08:12:37 host kernel: bye\n")
    path = Path(excerpt.raw.path)
    kept = LogExcerptFactory(incident=journal["incidents"][0], data=b"another log\n")
    assert path.exists() and LogLine.objects.filter(excerpt=excerpt).exists()
    removal.delete(incident.service.provider, None)
    recent = removal.delete(journal["incidents"][0], None)
    Provider.all_objects.filter(name="Other").update(removed_at=timezone.now() - timedelta(days=40))
    Service.all_objects.filter(name="Box").update(removed_at=timezone.now() - timedelta(days=40))
    Incident.all_objects.filter(pk=incident.pk).update(removed_at=timezone.now() - timedelta(days=40))

    from django.test.utils import CaptureQueriesContext  # noqa: F401

    out = __import__("io").StringIO()
    with __import__("django.test", fromlist=["TestCase"]).TestCase.captureOnCommitCallbacks(execute=True):
        call_command("purge_deleted", "--older-than", "30d", stdout=out)

    assert "Purged 1 provider(s), 1 service(s) and 1 incident(s)" in out.getvalue()
    assert not Provider.all_objects.filter(name="Other").exists()
    assert not Incident.all_objects.filter(pk=incident.pk).exists()
    assert not LogExcerpt.all_objects.filter(pk=excerpt.pk).exists()
    assert not LogLine.objects.filter(excerpt_id=excerpt.pk).exists()
    assert not TimelineEvent.objects.filter(incident_id=incident.pk).exists()
    assert not path.exists()
    assert Path(kept.raw.path).exists()  # the recent deletion stays, undoable
    assert Deletion.objects.filter(pk=recent.pk).exists() and Deletion.objects.count() == 1
    assert Incident.history.filter(id=incident.pk, history_type="-").exists()  # the audit keeps it


def test_purge_keeps_a_log_file_another_excerpt_still_uses(journal):
    data = b"Jul 20 08:12:37 host kernel: shared bytes\n"
    gone = LogExcerptFactory(incident=journal["other"], data=data)
    LogExcerptFactory(incident=journal["incidents"][0], data=data)
    removal.delete(journal["other"], None)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        purge.purge(timezone.now() + timedelta(seconds=1))
    assert not LogExcerpt.all_objects.filter(pk=gone.pk).exists()
    assert Path(LogExcerpt.objects.get().raw.path).exists()


def test_purge_age_is_parsed_and_a_bad_one_refused():
    from django.core.management.base import CommandError

    from journal.management.commands.purge_deleted import parse_age

    assert parse_age("30d") == timedelta(days=30) and parse_age("12h") == timedelta(hours=12)
    assert parse_age("7") == timedelta(days=7) and parse_age("90m") == timedelta(minutes=90)
    with pytest.raises(CommandError, match="not an age like 30d"):
        parse_age("thirty days")


def test_support_contacts_of_deleted_incidents_leave_the_default_manager(journal):
    contact = SupportContact.objects.get()
    removal.delete(contact.incident, None)
    assert SupportContact.objects.count() == 0 and SupportContact.all_objects.count() == 1


def test_the_export_leaves_deleted_things_out_and_imports_back_cleanly(journal):
    import json

    from journal.portability import export_document, import_document

    SupportContactFactory(incident=None, provider=journal["other"].service.provider)
    removal.delete(journal["other"].service.provider, None)
    removal.delete(journal["incidents"][1], None)
    document = json.loads(json.dumps(export_document()))
    assert [p["name"] for p in document["providers"]] == ["Hoster"]
    assert sorted(i["title"] for i in document["incidents"]) == ["Mail down", "Night outage"]
    assert document["support_contacts"] == []  # the deleted provider's loose contact stays out
    counts = import_document(document)  # into the same journal: everything is there already
    assert counts["incidents_skipped"] == 2 and Provider.objects.count() == 1


def test_an_import_matches_names_as_people_read_them(journal):
    from journal.portability import export_document, import_document

    document = export_document()
    document["providers"] = [{**p, "name": p["name"].upper()} for p in document["providers"]]
    document["services"] = [
        {**s, "provider": s["provider"].upper(), "name": s["name"].lower()} for s in document["services"]
    ]
    for incident in document["incidents"]:
        incident["provider"], incident["service"] = incident["provider"].upper(), incident["service"].lower()
    counts = import_document(document)
    assert counts["providers"] == 0 and counts["services"] == 0  # “HOSTER” is the journal's “Hoster”
    assert Provider.objects.count() == 2 and Service.objects.count() == 3


def test_loading_the_seed_again_does_not_bring_back_a_deleted_seed_provider(seed):
    from journal import demo

    removal.delete(seed["vps"].service.provider, None)
    providers = Provider.all_objects.count()
    assert demo.load()["providers"] == 0
    assert Provider.all_objects.count() == providers and not Incident.objects.filter(pk=seed["vps"].pk).exists()


def test_deleting_what_another_request_deleted_first_is_refused(journal):
    incident = journal["other"]
    stale = Incident.objects.get(pk=incident.pk)  # as a second request fetched it
    removal.delete(incident, None)
    with pytest.raises(removal.AlreadyDeleted):
        removal.delete(stale, None)
    assert Deletion.objects.count() == 1


def test_a_deleted_incident_leaves_this_years_dashboard_and_the_comparison(client_alice):
    this_year = datetime.now(UTC).year
    service = ServiceFactory(provider__name="Hoster", time_zone="UTC")
    start = datetime(this_year, 1, 2, 10, 0, tzinfo=UTC)
    kept = outage(service, 45, "Kept outage", start)
    gone = outage(service, 30, "Gone outage", start + timedelta(days=1))
    other = ProviderFactory(name="Rival")
    assert "Hoster 1h 15m" in text_of(client_alice.get("/"))
    removal.delete(gone, None)
    dashboard = text_of(client_alice.get("/"))
    assert "Hoster 45m" in dashboard and "Gone outage" not in dashboard and "Kept outage" in dashboard
    compare = text_of(client_alice.get(f"/providers/compare/?p={service.provider.pk}&p={other.pk}"))
    assert "Incidents 1 0" in compare and "Observed down 45m" in compare
    assert kept.pk in Incident.objects.values_list("pk", flat=True)
