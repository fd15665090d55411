"""Stored months (journal.totals.months, ServiceMonth): the scorecard and compare pages read one
row per service and month, and give exactly the figures computed from every incident's events
(tests/scorecard_oracle.py, the computation they replaced); the rows are kept current with the
evidence, checked and rebuilt by refresh_totals, and filled by the migration."""

import importlib
import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import downtime
from journal.models import Incident, Provider, SupportChannel, TimelineEvent
from journal.scorecard import build, latest_incidents, provider_for_scorecard
from journal.timezones import get_zone
from journal.totals.models import ServiceMonth
from journal.totals.read import provider_years, recent_resolved
from journal.totals.store import check
from tests import scorecard_oracle
from tests.factories import (
    EventFactory,
    IncidentFactory,
    NoticeFactory,
    ProviderFactory,
    ServiceFactory,
    SupportContactFactory,
)
from tests.test_totals import journal

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
START = datetime(2024, 1, 1, tzinfo=UTC)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]

# Minutes from START: two and a half years, around DST changes and month ends, some after NOW.
minutes = st.integers(0, 900 * 24 * 60)
stretch = st.tuples(minutes, st.integers(1, 40 * 24 * 60))
incidents = st.fixed_dictionaries(
    {
        "service": st.integers(0, 2),
        "kind": st.sampled_from(["outage", "outage", "degradation", "defect", "maintenance"]),
        "open": st.booleans(),
        "resolved_after": st.one_of(st.none(), st.integers(0, 3 * 24 * 60)),
        "downs": st.lists(stretch, max_size=3),
        "up_missing": st.booleans(),  # the last down has no up
        "degraded": st.one_of(st.none(), stretch),
        "claim": st.one_of(st.none(), st.tuples(minutes, st.integers(0, 24 * 60), st.integers(-600, 3000))),
        "contact": st.one_of(
            st.none(), st.tuples(minutes, st.one_of(st.none(), st.integers(1, 3000)), st.integers(1, 5))
        ),
    }
)
services = st.fixed_dictionaries(
    {
        "zone": st.sampled_from(ZONES),
        "started_on": st.one_of(st.none(), st.dates(date(2023, 11, 1), date(2025, 6, 1))),
        "ended_on": st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2026, 12, 1))),
        "is_trial": st.booleans(),
    }
)


def _at(offset: int) -> datetime:
    return START + timedelta(minutes=offset)


def _write(service_specs: list[dict], incident_specs: list[dict], hours: bool) -> Provider:
    provider = ProviderFactory()
    if hours:
        SupportChannel.objects.create(
            provider=provider, channel="phone", days="mon,tue,wed,thu,fri", opens=time(9), closes=time(18),
            time_zone="Asia/Tokyo",
        )  # fmt: skip
    written = []
    for spec in service_specs:
        ended_on = spec["ended_on"]
        if ended_on and spec["started_on"] and ended_on < spec["started_on"]:
            ended_on = None
        written.append(
            ServiceFactory(
                provider=provider,
                time_zone=spec["zone"],
                started_on=spec["started_on"],
                ended_on=ended_on,
                is_trial=spec["is_trial"],
                sla_uptime=Decimal("99.9"),
                sla_credits="99.9: 10, 99: 25",
                sla_claim_days=30,
            )
        )
    for spec in incident_specs:
        incident = IncidentFactory(service=written[spec["service"] % len(written)], kind=spec["kind"], status="open")
        last = None
        for begin, length in spec["downs"]:
            EventFactory(incident=incident, type="down", at=_at(begin))
            EventFactory(incident=incident, type="up", at=_at(begin + length))
            last = begin + length
        if spec["degraded"]:
            begin, length = spec["degraded"]
            EventFactory(incident=incident, type="degraded", at=_at(begin))
            EventFactory(incident=incident, type="up", at=_at(begin + length))
        if spec["up_missing"] and spec["downs"]:
            TimelineEvent.objects.filter(incident=incident, type="up").order_by("-at").first().delete()
        if spec["claim"]:
            published, start, length = spec["claim"]
            claimed_start = _at(published - start)
            NoticeFactory(
                incident=incident,
                retrieved_at=_at(published),
                claimed_start=claimed_start,
                claimed_end=claimed_start + timedelta(minutes=max(length, 0)),
            )
        if spec["contact"]:
            opened, answered, helpful = spec["contact"]
            SupportContactFactory(
                incident=incident,
                opened_at=_at(opened),
                first_response_at=_at(opened + answered) if answered else None,
                helpfulness=helpful,
                initiated_by="provider" if helpful % 2 else "user",
            )
        if not spec["open"]:
            incident.status = "resolved"
            if spec["resolved_after"] is not None and last is not None:
                incident.resolved_at = _at(last + spec["resolved_after"])
            incident.save()
    return provider


def _assert_same_as_the_events(provider: Provider, years=(None, 2024, 2025, 2026)) -> None:
    stored = provider_for_scorecard().get(pk=provider.pk)
    from_events = scorecard_oracle.providers_with_events().get(pk=provider.pk)
    for year in years:
        card = build(stored, year, now=NOW)
        assert card == scorecard_oracle.build(from_events, year, NOW), year
        latest = [(i.started_at, i.pk) for i in latest_incidents(stored, year, 25)]
        assert latest == scorecard_oracle.latest(from_events, year)[:25]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    service_specs=st.lists(services, min_size=1, max_size=3),
    incident_specs=st.lists(incidents, max_size=6),
    hours=st.booleans(),
)
def test_the_scorecard_from_stored_months_equals_the_scorecard_from_the_events(service_specs, incident_specs, hours):
    """Random journals: overlapping downs, maintenance, open and stale downs, trials, rentals
    starting and ending mid-month, months with a DST change, claims, contacts: every figure
    (each month of each service, SLA terms, medians, means, counts) is the same."""
    provider = _write(service_specs, incident_specs, hours)
    _assert_same_as_the_events(provider)
    assert check() == []


@pytest.mark.django_db
def test_the_seed_and_the_scale_journal_give_the_same_scorecards(seed, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    journal(60, start=0)
    for provider in Provider.objects.all():
        _assert_same_as_the_events(provider, years=(None, 2012, 2023))


@pytest.mark.django_db
def test_an_event_changes_its_months_at_once_and_only_those():
    service = ServiceFactory(time_zone="Europe/Berlin")
    incident = IncidentFactory(service=service)
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 31, 21, tzinfo=UTC))  # 23:00 in Berlin
    up = EventFactory(incident=incident, type="up", at=datetime(2024, 4, 1, 1, tzinfo=UTC))
    rows = {(r.year, r.month): r for r in ServiceMonth.objects.filter(service=service)}
    assert set(rows) == {(2024, 3), (2024, 4)}
    assert rows[(2024, 3)].down_us == timedelta(hours=1) // timedelta(microseconds=1)
    assert rows[(2024, 4)].down_us == timedelta(hours=3) // timedelta(microseconds=1)
    assert rows[(2024, 3)].incidents == 1 and rows[(2024, 3)].by_kind == {"outage": 1}
    assert rows[(2024, 3)].spans_us == timedelta(hours=4) // timedelta(microseconds=1)
    march = rows[(2024, 3)].pk

    up.at = datetime(2024, 3, 31, 21, 30, tzinfo=UTC)
    up.save()
    rows = {(r.year, r.month): r for r in ServiceMonth.objects.filter(service=service)}
    assert set(rows) == {(2024, 3)} and rows[(2024, 3)].pk == march  # April left, March rewritten in place
    assert rows[(2024, 3)].down_us == timedelta(minutes=30) // timedelta(microseconds=1)

    NoticeFactory(
        incident=incident,
        retrieved_at=datetime(2024, 3, 31, 22, tzinfo=UTC),
        claimed_start=datetime(2024, 3, 31, 21, 10, tzinfo=UTC),
        claimed_end=datetime(2024, 3, 31, 21, 20, tzinfo=UTC),
    )
    row = ServiceMonth.objects.get(service=service)
    minute = timedelta(minutes=1) // timedelta(microseconds=1)
    assert (row.start_errors, row.end_errors, row.latencies) == ([10 * minute], [-10 * minute], [60 * minute])
    incident.kind = "maintenance"
    incident.save()
    row = ServiceMonth.objects.get(service=service)
    assert row.down_us == 0 and row.maintenance_us == 30 * minute and row.start_errors == []
    incident.delete()
    assert not ServiceMonth.objects.filter(service=service).exists()
    assert check() == []


@pytest.mark.django_db
def test_an_open_incident_is_counted_when_read_and_stored_once_resolved():
    service = ServiceFactory(time_zone="UTC")
    incident = IncidentFactory(service=service, status="open")
    EventFactory(incident=incident, type="down", at=datetime(2026, 5, 31, 12, tzinfo=UTC))
    assert ServiceMonth.objects.filter(service=service).count() == 0  # still running: nothing fixed
    card = build(provider_for_scorecard().get(pk=service.provider_id), now=NOW)
    assert card.observed == timedelta(days=1) and card.incident_count == 1
    incident.status = "resolved"
    incident.resolved_at = datetime(2026, 5, 31, 18, tzinfo=UTC)
    incident.save()
    row = ServiceMonth.objects.get(service=service)
    assert (row.year, row.month, row.down_us, row.incidents) == (2026, 5, 6 * 3600 * 10**6, 1)
    card = build(provider_for_scorecard().get(pk=service.provider_id), now=NOW)
    assert card.observed == timedelta(hours=6) and card.incident_count == 1


@pytest.mark.django_db
def test_refresh_totals_check_finds_a_month_written_around_the_app_and_refresh_mends_it(seed):
    row = ServiceMonth.objects.filter(down_us__gt=0).first()
    ServiceMonth.objects.filter(pk=row.pk).update(down_us=1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="disagree"):
        call_command("refresh_totals", "--check", stdout=out)
    assert f"service {row.service_id}: months {row.year:04d}-{row.month:02d} differ" in out.getvalue()
    ServiceMonth.objects.filter(pk=row.pk).delete()
    call_command("refresh_totals", stdout=io.StringIO())
    assert check() == []
    assert ServiceMonth.objects.get(service_id=row.service_id, year=row.year, month=row.month).down_us == row.down_us


@pytest.mark.django_db
def test_the_migration_fills_the_months_of_an_existing_journal(seed):
    journal(30, start=0)
    expected = sorted(ServiceMonth.objects.values_list("service_id", "year", "month", "down_us", "incidents"))
    ServiceMonth.objects.all().delete()
    importlib.import_module("journal.migrations.0010_monthly").fill(apps, connection.schema_editor())
    assert sorted(ServiceMonth.objects.values_list("service_id", "year", "month", "down_us", "incidents")) == expected
    assert check() == []


@pytest.mark.django_db
def test_the_scorecard_reads_months_not_incidents(seed):
    """Queries name no event or notice table, and the rows read do not grow with incidents."""
    journal(10, start=0)
    provider = Provider.objects.get(name="Scale host 0")

    def reading():
        with CaptureQueriesContext(connection) as ctx:
            card = build(provider_for_scorecard().get(pk=provider.pk), now=NOW)
        return card, [q["sql"] for q in ctx.captured_queries]

    small_card, small = reading()
    journal(400, start=10)
    large_card, large = reading()
    assert len(large) == len(small)
    assert not any("journal_timelineevent" in sql or "journal_providernotice" in sql for sql in large)
    assert large_card.incident_count > small_card.incident_count


@pytest.mark.django_db
def test_the_latest_resolved_skip_open_and_removed_incidents():
    service = ServiceFactory(time_zone="UTC")
    made = []
    for n in range(6):
        incident = IncidentFactory(service=service, status="open" if n in (4, 5) else "resolved")
        EventFactory(incident=incident, type="down", at=datetime(2025, 1, 1 + n, tzinfo=UTC))
        made.append(incident)
    Incident.objects.filter(pk=made[3].pk).update(removed_at=NOW)
    assert recent_resolved(2, open_count=2) == [made[2].pk, made[1].pk]
    assert recent_resolved(10, open_count=2) == [made[2].pk, made[1].pk, made[0].pk]


@pytest.mark.django_db
def test_a_running_down_adds_to_the_stored_years_month_by_month():
    service = ServiceFactory(time_zone="America/New_York")
    closed = IncidentFactory(service=service)
    EventFactory(incident=closed, type="down", at=datetime(2025, 12, 31, 20, tzinfo=UTC))
    EventFactory(incident=closed, type="up", at=datetime(2026, 1, 2, tzinfo=UTC))
    running = IncidentFactory(service=service, status="open")
    EventFactory(incident=running, type="down", at=datetime(2026, 1, 1, tzinfo=UTC))  # overlaps the closed one
    events = list(TimelineEvent.objects.filter(incident__service=service).values_list("incident_id", "at", "type"))
    stretches = [
        stretch
        for incident in (closed, running)
        for stretch in downtime.totals([(at, kind) for pk, at, kind in events if pk == incident.pk], NOW).down
    ]
    assert provider_years(service.provider, NOW) == downtime.by_year(stretches, get_zone(service.time_zone))
