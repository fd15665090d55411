"""The audit history: who changed what and when, with before and after, on the incident page."""

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import audit
from journal.models import (
    Incident,
    LogExcerpt,
    Provider,
    ProviderNotice,
    Service,
    SupportChannel,
    SupportContact,
    TimelineEvent,
)
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, NoticeFactory, SupportContactFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Provider, SupportChannel, Service, Incident, TimelineEvent, ProviderNotice, SupportContact, LogExcerpt]
)
def test_every_evidence_model_keeps_a_history(model):
    assert hasattr(model, "history")


def test_create_change_delete_are_recorded_with_before_and_after():
    event = EventFactory(text="ping lost")
    event.text = "ping lost from two places"
    event.save()
    pk = event.pk
    event.delete()
    records = list(TimelineEvent.history.filter(id=pk).order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert [r.text for r in records] == ["ping lost", "ping lost from two places", "ping lost from two places"]


def test_the_incident_page_lists_its_history_newest_first_with_user_and_values(client_alice, alice):
    incident = IncidentFactory(title="VPS down", status="open", service__time_zone="UTC")
    client_alice.post(
        f"/incidents/{incident.pk}/events/new/",
        {"events-at": "2012-07-20T08:12:00", "events-zone": "UTC", "events-type": "down", "events-source": "person"},
    )
    client_alice.post(
        f"/incidents/{incident.pk}/edit/",
        {
            "service": incident.service.pk,
            "title": "VPS down (cnode-a1104)",
            "kind": "outage",
            "status": "open",
            "zone": "UTC",
            "version": incident.version,
        },
    )
    response = client_alice.get(f"/incidents/{incident.pk}/")
    history = text_of(response).split("History", 1)[1]
    assert "3 changes to this incident and its evidence, newest first" in history
    changed = history.index("alice changed incident “VPS down (cnode-a1104)” Title: VPS down → VPS down (cnode-a1104)")
    created = history.index("alice created event “Down at 2012-07-20 08:12:00 UTC”")
    first = history.index("— created incident")  # made by the factory, no signed-in user
    assert changed < created < first


def test_the_history_counts_the_evidence_of_the_incident_only():
    incident, other = IncidentFactory(), IncidentFactory()
    EventFactory(incident=incident)
    NoticeFactory(incident=incident)
    SupportContactFactory(incident=incident)
    LogExcerptFactory(incident=incident)
    EventFactory(incident=other)
    nouns = sorted({entry.noun for entry in audit.incident_history(incident)})
    assert nouns == ["event", "incident", "log excerpt", "notice", "support contact"]
    assert len(audit.incident_history(other)) == 2  # the incident and its one event


def test_a_removal_and_a_restore_read_as_such(alice):
    notice = NoticeFactory()
    notice.remove(alice, "for another host")
    notice.restore()
    actions = [entry.action for entry in audit.incident_history(notice.incident) if entry.noun == "notice"]
    assert actions == ["restored", "removed (for another host)", "created"]


def test_the_history_is_paginated(client_alice):
    incident = IncidentFactory(title="Many", service__time_zone="UTC")
    for minute in range(30):
        EventFactory(incident=incident, at=datetime(2024, 1, 1, 0, minute, tzinfo=UTC), text=f"event {minute}")
    first = text_of(client_alice.get(f"/incidents/{incident.pk}/"))
    assert "31 changes" in first and "page 1 of 2" in first
    assert "event 29" in first and "created incident “Many”" not in first
    second = text_of(client_alice.get(f"/incidents/{incident.pk}/?history=2"))
    assert "page 2 of 2" in second and "created incident “Many”" in second


def test_user_text_in_the_history_is_escaped(client_alice):
    incident = IncidentFactory(title="<script>alert(1)</script>")
    html = client_alice.get(f"/incidents/{incident.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "created incident “&lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_accepting_log_suggestions_and_importing_a_journal_record_history(seed, client_alice, tmp_path):
    vps = seed["vps"]
    excerpt = vps.log_excerpts.get()
    vps.events.filter(source="log").delete()
    excerpt.suggestions.update(status="pending", event=None)
    client_alice.post(f"/incidents/{vps.pk}/suggestions/accept-all/")
    accepted = TimelineEvent.history.filter(incident_id=vps.pk, history_type="+", history_user__username="alice")
    assert sorted(r.type for r in accepted) == ["down", "down", "up", "up"]

    path = tmp_path / "journal.json"
    call_command("export_journal", str(path))
    Incident.objects.all().delete()
    before = Incident.history.filter(history_type="+").count()
    call_command("import_journal", str(path))
    # The importer saves row by row: every imported row has its "created" record.
    assert Incident.history.filter(history_type="+").count() == before + 2
    created = set(TimelineEvent.history.filter(history_type="+").values_list("id", flat=True))
    assert set(TimelineEvent.objects.values_list("id", flat=True)) <= created


def test_the_admin_shows_history_lists_removed_evidence_and_keeps_its_text_read_only(admin_client):
    notice = NoticeFactory(raw_text="Host under high load.")
    notice.remove(None, "duplicate")
    listing = admin_client.get("/admin/journal/providernotice/")
    assert f"/admin/journal/providernotice/{notice.pk}/change/" in listing.content.decode()
    change = admin_client.get(f"/admin/journal/providernotice/{notice.pk}/change/").content.decode()
    assert 'name="raw_text"' not in change and "Host under high load." in change
    history = admin_client.get(f"/admin/journal/providernotice/{notice.pk}/history/")
    assert history.status_code == 200
    assert text_of(history).count("Changed") + text_of(history).count("Created") >= 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30), max_size=6))
def test_the_history_chains_every_value_an_event_held(db, texts):
    event = EventFactory(text="first")
    for text in texts:
        event.text = text
        event.save()
    changes = [
        (change.old, change.new)
        for entry in reversed(audit.incident_history(event.incident))
        if entry.noun == "event"
        for change in entry.changes
        if change.field == "Text"
    ]
    held, field = ["first", *texts], TimelineEvent._meta.get_field("text")
    expected = [(audit.shown(field, a), audit.shown(field, b)) for a, b in pairwise(held) if a != b]
    assert changes == expected
    assert event.version == len(texts) + 1
