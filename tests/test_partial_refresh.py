"""A change to one incident rewrites only the months it reaches (journal.totals.store): what
it reached before and after, from its start to its last event or end. Whatever the edits, the
stored months and years then equal those computed from all the service's incidents (``check``),
and the other months are not read or written."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import Incident, TimelineEvent
from journal.totals.models import ServiceDowntime, ServiceMonth
from journal.totals.store import check
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, ServiceFactory

START = datetime(2023, 10, 1, tzinfo=UTC)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
minutes = st.integers(0, 600 * 24 * 60)  # twenty months, across DST changes and year ends

edits = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), st.sampled_from(["down", "up", "degraded", "noticed"]), minutes),
    st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 50), minutes),
    st.tuples(st.just("delete"), st.integers(0, 3), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("resolve"), st.integers(0, 3), st.booleans(), minutes),
    st.tuples(st.just("claim"), st.integers(0, 3), st.integers(0, 3 * 24 * 60), minutes),
)


def at(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    kinds=st.lists(st.sampled_from(["outage", "maintenance"]), min_size=4, max_size=4),
    steps=st.lists(edits, min_size=1, max_size=12),
)
def test_after_any_edits_the_months_written_in_part_equal_the_months_from_every_incident(zone, kinds, steps):
    service = ServiceFactory(time_zone=zone)
    incidents = [IncidentFactory(service=service, kind=kind, status="open") for kind in kinds]
    for step, (edit, which, detail, minute) in enumerate(steps):
        incident = incidents[which]
        events = list(TimelineEvent.objects.filter(incident=incident).order_by("pk"))
        if edit == "add":
            EventFactory(incident=incident, type=detail, at=at(minute))
        elif edit == "move" and events:
            event = events[detail % len(events)]
            event.at = at(minute)
            event.save()
        elif edit == "delete" and events:
            events[detail % len(events)].delete()
        elif edit == "resolve":
            incident = Incident.objects.get(pk=incident.pk)
            incident.status = "resolved" if detail else "open"
            incident.resolved_at = at(minute) if detail else None
            incident.save()
        elif edit == "claim":
            NoticeFactory(incident=incident, claimed_start=at(minute), claimed_end=at(minute + detail))
        assert check() == [], f"after step {step}: {edit}"


@pytest.mark.django_db
def test_an_event_added_in_one_month_reads_and_writes_only_the_months_its_incident_reaches():
    service = ServiceFactory(time_zone="Europe/Berlin")
    for month in range(1, 13):  # a year of other incidents, one a month
        incident = IncidentFactory(service=service, status="resolved", resolved_at=datetime(2024, month, 3, tzinfo=UTC))
        EventFactory(incident=incident, type="down", at=datetime(2024, month, 2, tzinfo=UTC))
        EventFactory(incident=incident, type="up", at=datetime(2024, month, 2, 1, tzinfo=UTC))
    june = Incident.objects.get(resolved_at=datetime(2024, 6, 3, tzinfo=UTC))
    before = {(row.year, row.month): (row.pk, row.down_us) for row in ServiceMonth.objects.filter(service=service)}
    with CaptureQueriesContext(connection) as ctx:
        EventFactory(incident=june, type="down", at=datetime(2024, 6, 2, 5, tzinfo=UTC))
    read = [q["sql"] for q in ctx.captured_queries if '"journal_incidenttotals"."started_at" <' in q["sql"]]
    assert len(read) == 1  # the incidents reaching into June, not the whole service
    after = {(row.year, row.month): (row.pk, row.down_us) for row in ServiceMonth.objects.filter(service=service)}
    assert (
        after[(2024, 6)][1] == before[(2024, 6)][1] + 19 * 3600 * 10**6
    )  # down again from 07:00 to its end, Berlin time
    assert {key: value for key, value in after.items() if key != (2024, 6)} == {
        key: value for key, value in before.items() if key != (2024, 6)
    }
    assert ServiceDowntime.objects.get(service=service).by_year == {"2024": (12 * 3600 + 19 * 3600) * 10**6}
    assert check() == []
