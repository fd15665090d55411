"""Stored totals (journal.totals): a cache written through journal.downtime that gives the same
Totals as the events, kept current in the transaction of every change, and read by the pages in
a number of queries that does not grow with the journal."""

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import downtime
from journal.models import Incident, ProviderNotice, Service, TimelineEvent
from journal.scorecard import build, provider_for_scorecard
from journal.totals.models import IncidentTotals, ServiceDowntime
from journal.totals.read import provider_years, providers_in_year, service_years
from journal.totals.store import check, deferred, incident_values, refresh_all
from tests import scorecard_oracle
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, ServiceFactory

T0 = datetime(2024, 3, 30, 22, 0, tzinfo=UTC)  # a DST change in Europe the next night
NOW = datetime(2026, 6, 1, tzinfo=UTC)

offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.tuples(st.integers(-3 * 24 * 60, 3 * 24 * 60), offsets).map(
    lambda pair: (T0 + timedelta(minutes=pair[0])).astimezone(pair[1])
)
kinds = st.sampled_from(["down", "up", "degraded", "noticed", "status_claimed", "action"])
event_lists = st.lists(st.tuples(moments, kinds), max_size=8)
claims = st.lists(
    st.tuples(moments, st.one_of(st.none(), moments), st.one_of(st.none(), moments)),
    max_size=3,
)


def from_stored(values: dict) -> IncidentTotals:
    return IncidentTotals(**values)


@given(event_lists, claims, st.one_of(st.none(), moments))
def test_stored_then_closed_equals_the_totals_from_the_events(events, notices, until):
    """For any events (open: until is now; resolved: its end; none), with or without claims."""
    values = incident_values(events, notices, T0)
    expected = downtime.totals(events, until, downtime.claimed_window(notices))
    assert from_stored(values).totals(until) == expected
    assert values["observed"] == downtime.totals(events, None).observed
    assert values["started_at"] == min((at for at, _ in events), default=T0)


@given(event_lists, st.one_of(st.none(), moments))
def test_close_is_the_one_implementation(events, until):
    assert downtime.close(downtime.state_intervals(events, None), until) == downtime.totals(events, until)
    closed = downtime.close(downtime.state_intervals(events, None), until)
    direct = downtime.state_intervals(events, until)
    assert closed.down == downtime.union(direct.down)
    assert closed.degraded == downtime.union(direct.degraded)


def _events_and_notices():
    return Incident.objects.prefetch_related("events", "notices")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=event_lists, notices=claims, is_open=st.booleans(), resolved=st.one_of(st.none(), moments))
def test_the_stored_row_gives_the_totals_of_the_events(events, notices, is_open, resolved):
    """Through the database: what pages read (stored) equals what the incident page computes."""
    incident = IncidentFactory(status="open" if is_open else "resolved", resolved_at=None if is_open else resolved)
    for at, kind in events:
        EventFactory(incident=incident, at=at, type=kind)
    for published, start, end in notices:
        if start and end and end < start:
            start, end = end, start
        NoticeFactory(incident=incident, retrieved_at=published, claimed_start=start, claimed_end=end)
    stored = Incident.objects.select_related("stored_totals").get(pk=incident.pk)
    fetched = _events_and_notices().get(pk=incident.pk)
    assert stored.stored is not None and fetched.stored is None
    assert stored.compute_totals(NOW) == fetched.compute_totals(NOW)
    assert stored.started_at == fetched.started_at
    assert stored.first_notice_at() == fetched.first_notice_at()


# ------------------------------------------------------------------ kept current


def _row(incident) -> IncidentTotals:
    return IncidentTotals.objects.get(pk=incident.pk)


def _years(service) -> dict:
    return ServiceDowntime.objects.get(pk=service.pk).years()


@pytest.mark.django_db
def test_events_saved_edited_and_deleted_change_the_row_at_once():
    incident = IncidentFactory(status="resolved")
    assert _row(incident).observed == timedelta(0) and _row(incident).event_count == 0
    down = EventFactory(incident=incident, type="down", at=T0)
    up = EventFactory(incident=incident, type="up", at=T0 + timedelta(minutes=45))
    assert _row(incident).observed == timedelta(minutes=45)
    assert _years(incident.service) == {2024: timedelta(minutes=45)}
    up.at = T0 + timedelta(hours=2)
    up.save()
    assert _row(incident).observed == timedelta(hours=2)
    assert _years(incident.service) == {2024: timedelta(hours=2)}
    EventFactory(incident=incident, type="status_claimed", at=T0 + timedelta(minutes=5), text="Operational")
    assert _row(incident).event_count == 3
    down.delete()
    row = _row(incident)
    assert row.observed == timedelta(0) and row.down == [] and row.event_count == 2
    assert _years(incident.service) == {}


@pytest.mark.django_db
def test_notices_removed_restored_and_superseded_change_the_claim(alice):
    incident = IncidentFactory()
    notice = NoticeFactory(
        incident=incident, retrieved_at=T0, claimed_start=T0, claimed_end=T0 + timedelta(hours=1), raw_text="v1"
    )
    assert _row(incident).claimed_end == T0 + timedelta(hours=1)
    notice.remove(alice, "pasted into the wrong incident")
    assert _row(incident).claimed_start is None and _row(incident).notice_count == 0
    notice.restore()
    assert _row(incident).notice_count == 1
    notice.raw_text, notice.claimed_end = "v2", T0 + timedelta(hours=3)
    notice.save_as_new_version()
    row = _row(incident)
    assert row.notice_count == 1 and row.claimed_end == T0 + timedelta(hours=3)


@pytest.mark.django_db
def test_status_end_and_service_changes_refresh_both_services():
    before, after = ServiceFactory(time_zone="UTC"), ServiceFactory(time_zone="UTC")
    incident = IncidentFactory(service=before, status="open")
    EventFactory(incident=incident, type="down", at=T0)
    assert _years(before) == {}  # still down: runs to now, added when read
    assert service_years(before, now=T0 + timedelta(hours=1)) == {2024: timedelta(hours=1)}
    incident.status, incident.resolved_at = "resolved", T0 + timedelta(hours=3)
    incident.save()
    assert _years(before) == {2024: timedelta(hours=3)}
    incident.service = after
    incident.save()
    assert _years(before) == {} and _years(after) == {2024: timedelta(hours=3)}
    incident.delete()
    assert _years(after) == {}


@pytest.mark.django_db
def test_a_new_zone_splits_the_years_again():
    service = ServiceFactory(time_zone="UTC")
    incident = IncidentFactory(service=service, status="resolved")
    EventFactory(incident=incident, type="down", at=datetime(2024, 12, 31, 14, 0, tzinfo=UTC))
    EventFactory(incident=incident, type="up", at=datetime(2024, 12, 31, 16, 0, tzinfo=UTC))
    assert _years(service) == {2024: timedelta(hours=2)}
    service.time_zone = "Asia/Tokyo"  # 15:00 UTC is midnight there
    service.save()
    assert _years(service) == {2024: timedelta(hours=1), 2025: timedelta(hours=1)}


@pytest.mark.django_db
def test_writing_the_cache_bumps_no_version_and_adds_no_history():
    incident = IncidentFactory()
    version, history = Incident.objects.get(pk=incident.pk).version, incident.history.count()
    EventFactory(incident=incident, type="down", at=T0)
    NoticeFactory(incident=incident, claimed_start=T0, claimed_end=T0 + timedelta(hours=1))
    assert Incident.objects.get(pk=incident.pk).version == version
    assert incident.history.count() == history


@pytest.mark.django_db
def test_deferred_refreshes_each_incident_once_at_the_end(django_assert_max_num_queries):
    incident = IncidentFactory(status="resolved")
    with deferred():
        for minute in range(0, 200, 10):
            TimelineEvent.objects.create(incident=incident, at=T0 + timedelta(minutes=minute), type="down")
            TimelineEvent.objects.create(incident=incident, at=T0 + timedelta(minutes=minute + 5), type="up")
        assert _row(incident).event_count == 0  # not yet
    assert _row(incident).event_count == 40
    assert _row(incident).observed == timedelta(minutes=100)
    assert check() == []


@pytest.mark.django_db
def test_import_and_demo_leave_rows_that_agree_with_the_evidence(seed, tmp_path):
    path = tmp_path / "journal.json"
    call_command("export_journal", str(path), stderr=io.StringIO())
    Incident.objects.all().delete()
    call_command("import_journal", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert IncidentTotals.objects.count() == Incident.objects.count() >= 2
    assert check() == []


@pytest.mark.django_db
def test_refresh_totals_check_finds_a_row_written_around_the_app_and_refresh_mends_it(seed):
    out = io.StringIO()
    call_command("refresh_totals", "--check", stdout=out)
    assert "agree" in out.getvalue()
    vps = seed["vps"]
    TimelineEvent.objects.filter(incident=vps, type="up").update(at=T0)  # no signal
    out = io.StringIO()
    with pytest.raises(CommandError, match="disagree"):
        call_command("refresh_totals", "--check", stdout=out)
    assert f"incident {vps.pk}:" in out.getvalue() and "down" in out.getvalue()
    call_command("refresh_totals", stdout=io.StringIO())
    assert check() == []


# ------------------------------------------------------------- the pages' figures


@pytest.mark.django_db
def test_stored_figures_equal_the_figures_from_the_events(seed, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)  # open downs run to the same now
    journal(40, start=0)
    for provider in scorecard_oracle.providers_with_events():
        stored = provider_for_scorecard().get(pk=provider.pk)
        assert provider_years(provider) == provider.downtime_by_year()
        for year in (None, 2024, 2025):
            assert build(stored, year, now=NOW) == scorecard_oracle.build(provider, year, NOW)
        for service in provider.services.all():
            assert service_years(service) == service.downtime_by_year()
    by_provider = dict(providers_in_year(2025))
    from_events = scorecard_oracle.providers_with_events()
    assert {p.pk: total for p, total in by_provider.items()} == {p.pk: p.downtime_in_year(2025) for p in from_events}


# ------------------------------------------------------------- queries at scale


def journal(count: int, start: int) -> list[Incident]:
    """``count`` incidents over two providers and four services (zones with and without DST),
    each with down/up pairs, a degraded stretch, status claims while down and a notice with a
    claimed window; one in ten maintenance, the last few still open and down. Written with
    bulk_create (then refresh_all), as benchmarks/journal_gen.py does."""
    from journal.models import Provider

    services = list(Service.objects.filter(name__startswith="scale-"))
    if not services:
        for p, zone_pair in enumerate([("Europe/Berlin", "UTC"), ("Asia/Tokyo", "America/New_York")]):
            provider = Provider.objects.create(name=f"Scale host {p}")
            services += [
                Service.objects.create(provider=provider, name=f"scale-{p}-{z}", time_zone=zone)
                for z, zone in enumerate(zone_pair)
            ]
    incidents = Incident.objects.bulk_create(
        Incident(
            service=services[n % 4],
            title=f"scale {n}",
            kind="maintenance" if n % 10 == 0 else "outage",
            status="open" if n % 97 == 5 else "resolved",
        )
        for n in range(start, start + count)
    )
    events, notices = [], []
    for incident, n in zip(incidents, range(start, start + count), strict=True):
        began = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(hours=7 * n)
        events += [
            TimelineEvent(incident=incident, at=began, type="down"),
            TimelineEvent(
                incident=incident, at=began + timedelta(minutes=10), type="status_claimed", text="Operational"
            ),
            TimelineEvent(incident=incident, at=began + timedelta(minutes=30), type="noticed"),
        ]
        if incident.status == "resolved":
            events += [
                TimelineEvent(incident=incident, at=began + timedelta(minutes=50), type="up"),
                TimelineEvent(incident=incident, at=began + timedelta(minutes=70), type="degraded"),
                TimelineEvent(incident=incident, at=began + timedelta(minutes=95), type="up"),
            ]
        notices.append(
            ProviderNotice(
                incident=incident,
                raw_text=f"Maintenance notice {n}",
                sha256="0" * 64,
                retrieved_at=began + timedelta(hours=1),
                claimed_start=began + timedelta(minutes=5),
                claimed_end=began + timedelta(minutes=40),
            )
        )
    TimelineEvent.objects.bulk_create(events)
    ProviderNotice.objects.bulk_create(notices)
    refresh_all()
    return incidents


def _page_queries(client, urls: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_every_page_costs_the_same_queries_at_10_and_1000_incidents(client_alice):
    journal(10, start=0)
    first, second = Service.objects.filter(name__startswith="scale-").order_by("pk")[:2]

    def urls():
        p1, p2 = first.provider_id, Service.objects.filter(name__startswith="scale-").order_by("pk").last().provider_id
        return {
            "dashboard": "/",
            "incident list": "/incidents/",
            "incident list, filtered": f"/incidents/?provider={p1}&year=2023&page=2",
            "provider list": "/providers/",
            "provider page": f"/providers/{p1}/",
            "provider page 2": f"/providers/{p1}/?page=2",
            "service page": f"/services/{second.pk}/",
            "scorecard": f"/providers/{p1}/scorecard/",
            "scorecard 2023": f"/providers/{p1}/scorecard/?year=2023",
            "compare": f"/providers/compare/?p={p1}&p={p2}",
        }

    small = _page_queries(client_alice, urls())
    journal(990, start=10)
    assert Incident.objects.count() == 1000
    assert TimelineEvent.objects.filter(type="status_claimed").count() == 1000
    large = _page_queries(client_alice, urls())
    assert large == small
    # the provider page's status sources add a fixed few, and every page one for the viewer's
    # language and zone (journal.preferences)
    assert max(large.values()) <= 21, large


@pytest.mark.django_db
def test_the_provider_page_paginates_and_keeps_its_place(client_alice):
    journal(60, start=0)
    provider = Service.objects.filter(name__startswith="scale-").order_by("pk").first().provider
    page = client_alice.get(f"/providers/{provider.pk}/").content.decode()
    assert "Page 1 of 2 (30 incidents)" in page
    assert 'href="?page=2#incidents"' in page
    second = client_alice.get(f"/providers/{provider.pk}/?page=2").content.decode()
    assert "Page 2 of 2 (30 incidents)" in second and second.count('<td data-label="Started"><time') == 5
    assert 'href="?page=1#incidents"' in second
    listing = client_alice.get(f"/incidents/?provider={provider.pk}&kind=outage").content.decode()
    assert f"provider={provider.pk}&amp;kind=outage&amp;page=2" in listing


@pytest.mark.django_db
def test_a_large_deferred_block_is_refreshed_in_chunks_and_agrees():
    service = ServiceFactory(time_zone="Europe/Berlin")
    with deferred():
        incidents = [IncidentFactory(service=service, status="resolved") for _ in range(60)]
        for n, incident in enumerate(incidents):
            TimelineEvent.objects.create(incident=incident, at=T0 + timedelta(hours=n), type="down")
            TimelineEvent.objects.create(incident=incident, at=T0 + timedelta(hours=n, minutes=n + 1), type="up")
    assert IncidentTotals.objects.count() == 60
    assert [_row(i).observed for i in incidents] == [timedelta(minutes=n + 1) for n in range(60)]
    assert sum(_years(service).values(), timedelta(0)) == timedelta(minutes=sum(range(1, 61)))
    assert check() == []
