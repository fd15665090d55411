"""A provider's record, per year or all time: how often, how long, how honest, how helpful.

Computed in Python from one provider with its services' stored months (journal.totals.months),
their open incidents fetched up front and support contacts counted by the database (see
``provider_for_scorecard``): a fixed number of queries, and work that grows with the months and
services shown, not with the incidents.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from journal import availability, downtime, rental, sla
from journal.models import Incident, Provider, Service, SupportContact
from journal.timezones import get_zone
from journal.totals import months
from journal.totals.models import ServiceMonth, unpack

MICRO = timedelta(microseconds=1)


def provider_for_scorecard(queryset=None):
    """Providers with what a scorecard reads besides the stored months (``build`` reads those):
    each service's open incidents with their stored totals (the support contacts are counted by
    the database)."""
    still_open = (
        Incident.objects.filter(status=Incident.Status.OPEN)
        .select_related("stored_totals")
        .defer("notes", "uid", "updated_at")
    )
    services = Service.objects.prefetch_related(Prefetch("incidents", queryset=still_open, to_attr="open_incidents"))
    return (queryset or Provider.objects.all()).prefetch_related(Prefetch("services", queryset=services))


@dataclass
class ServiceCard:
    service: Service
    months: list[availability.Month]
    terms: list[tuple[availability.Month, sla.MonthTerms]] = field(default_factory=list)
    rental_note: str = ""  # how the months counted were decided (journal.rental)


@dataclass
class Scorecard:
    provider: Provider
    year: int | None
    incident_count: int  # that began in the period (the page lists the latest: latest_incidents)
    by_kind: dict[str, int]
    observed: timedelta
    maintenance: timedelta
    months: list[availability.Month]
    services: list[ServiceCard]
    stale: list[Incident]  # open incidents with a down and no up for longer than STALE_DOWN_AFTER_DAYS
    stale_down: timedelta  # the part of ``observed`` those open downs make
    mttr: timedelta | None
    notice_start_error: timedelta | None
    notice_end_error: timedelta | None
    notice_latency: timedelta | None
    contacts: int
    median_first_response: timedelta | None
    provider_initiated_share: float | None
    within_hours_share: float | None
    mean_helpfulness: float | None

    def as_json(self) -> dict:
        def seconds(value):
            return None if value is None else int(value.total_seconds())

        def share(value):
            return None if value is None else round(value, 3)

        return {
            "provider": self.provider.name,
            "year": self.year,
            "incidents": self.incident_count,
            "incidents_by_kind": self.by_kind,
            "observed_downtime_s": seconds(self.observed),
            "maintenance_s": seconds(self.maintenance),
            "stale_open_downs": len(self.stale),
            "stale_down_s": seconds(self.stale_down),
            "availability_by_month": {
                m.key: round(m.availability, 2) for m in self.months if m.availability is not None
            },
            "mttr_s": seconds(self.mttr),
            "support": {
                "contacts": self.contacts,
                "median_first_response_s": seconds(self.median_first_response),
                "provider_initiated_share": share(self.provider_initiated_share),
                "within_hours_share": share(self.within_hours_share),
                "mean_helpfulness": share(self.mean_helpfulness),
            },
            "notices": {
                "median_start_error_s": seconds(self.notice_start_error),
                "median_end_error_s": seconds(self.notice_end_error),
                "median_latency_s": seconds(self.notice_latency),
            },
        }


def _median(values: list[timedelta]) -> timedelta | None:
    return statistics.median(values) if values else None


def _median_of(micros: list[int]) -> timedelta | None:
    """The median of durations given in µs, as ``_median`` of the durations gives it (from the
    middle one or two)."""
    ordered, n = sorted(micros), len(micros)
    return _median([micro * MICRO for micro in ordered[max(n - 1, 0) // 2 : n // 2 + 1]])


def _window(year: int | None, zone) -> tuple[datetime, datetime] | None:
    if year is None:
        return None
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def stale_downs(incidents: list[Incident], now: datetime) -> list[Incident]:
    """Open incidents whose last down has had no up for longer than STALE_DOWN_AFTER_DAYS."""
    after = timedelta(days=settings.STALE_DOWN_AFTER_DAYS)
    return [i for i in incidents if i.is_open and i.compute_totals(now).stale(now, after)]


# What the scorecard reads of a stored month (journal.totals.models.ServiceMonth), as tuples.
MONTH_FIGURES = (
    "pk", "service_id", "year", "month", "down_us", "maintenance_us", "overlap_us", "by_kind", "spans_us", "spans",
    "start_errors", "end_errors", "latencies",
)  # fmt: skip


def _stored_months(provider: Provider, year: int | None) -> dict[int, dict[tuple[int, int], tuple]]:
    """The provider's stored months (of ``year`` in each service's zone), per service (one query)."""
    rows = ServiceMonth.objects.filter(service__provider=provider)
    if year is not None:
        rows = rows.filter(year=year)
    found: dict[int, dict[tuple[int, int], tuple]] = {}
    for row in rows.values_list(*MONTH_FIGURES, named=True):
        found.setdefault(row.service_id, {})[(row.year, row.month)] = row
    return found


def _incident_edges(provider: Provider) -> dict[int, tuple[datetime | None, datetime | None, datetime | None]]:
    """Per service, of its resolved incidents: the first start, the last start, the last event
    (what journal.rental reads; one query)."""
    rows = (
        ServiceMonth.objects.filter(service__provider=provider)
        .values("service_id")
        .annotate(first=Min("first_started"), last=Max("last_started"), seen=Max("last_event"))
        .values_list("service_id", "first", "last", "seen")
        .order_by()
    )
    return {service_id: edges for service_id, *edges in rows}


@dataclass
class _Reading:
    """One service as a scorecard reads it: its stored months (closed stretches, resolved
    incidents) and what its open incidents add at ``now``."""

    service: Service
    rows: dict[tuple[int, int], tuple]  # MONTH_FIGURES by (year, month)
    still_open: list[Incident]
    down: list[downtime.Interval]  # the open incidents' unplanned stretches, closed at now
    planned: list[downtime.Interval]  # and their maintenance's
    stale: list[Incident]  # open downs with no up for too long (not maintenance)
    stale_stretches: list[downtime.Interval]
    rented: rental.Rental | None
    windows: list[tuple[int, int, datetime, datetime, bool]]  # (year, month, start, end, whole month) measured

    def needs_stretches(self, year: int, month: int, start: datetime, end: datetime, whole: bool) -> int | None:
        """The stored month whose stretches a month's figures need (its pk): when only part of
        it is measured, or an open incident adds to it."""
        row = self.rows.get((year, month))
        if row is None or end <= start or not (row.down_us or row.maintenance_us):
            return None
        return None if whole and not self._open_parts(start, end) else row.pk

    def _open_parts(self, start: datetime, end: datetime) -> bool:
        return any(i.end > start and i.start < end for i in (*self.down, *self.planned, *self.stale_stretches))

    def month(self, year: int, month: int, start: datetime, end: datetime, stretches: dict) -> availability.Month:
        row = self.rows.get((year, month))
        if end <= start or not (row is not None and row.pk in stretches or self._open_parts(start, end)):
            if row is None:
                return availability.from_totals(year, month, start, end, downtime.ZERO, downtime.ZERO, downtime.ZERO)
            both = row.overlap_us * MICRO
            return availability.from_totals(
                year, month, start, end, row.down_us * MICRO, row.maintenance_us * MICRO, both
            )
        down, planned = stretches.get(row.pk if row is not None else None, ([], []))
        return availability.measured(
            year,
            month,
            start,
            end,
            downtime.clip([*unpack(down), *self.down], start, end),
            downtime.clip([*unpack(planned), *self.planned], start, end),
            downtime.clip(self.stale_stretches, start, end),
        )


def _read(service: Service, rows: dict, edges: tuple, year: int | None, now: datetime) -> _Reading:
    zone = get_zone(service.time_zone)
    still_open = list(service.open_incidents)
    down, planned = [], []
    for incident in still_open:
        (planned if incident.kind == Incident.Kind.MAINTENANCE else down).extend(incident.compute_totals(now).down)
    stale = [i for i in stale_downs(still_open, now) if i.kind != Incident.Kind.MAINTENANCE]
    # Only months inside the rental (journal.rental): a trial ends at its last event.
    first, last, seen = edges
    starts = [at for at in (first, *(i.started_at for i in still_open)) if at]
    events = [at for at in (seen, *(i.last_event_at() for i in still_open)) if at]
    last_starts = [at for at in (last, *(i.started_at for i in still_open)) if at]
    rented = rental.rental(
        service, zone, now, min(starts, default=None), max(events or last_starts, default=None), bool(still_open)
    )
    windows = []
    if span := rental.month_range(rented, zone, year, now):
        key, last_key = span
        while key <= last_key:
            bounds = availability.month_bounds(*key, zone)
            start, end = availability.window(bounds, rented.interval, now)
            windows.append((*key, start, end, (start, end) == bounds))
            key = months.next_month(*key)
    stretches = [downtime.Interval(i.compute_totals(now).open_since, now) for i in stale]
    return _Reading(service, rows, still_open, down, planned, stale, stretches, rented, windows)


def _stretches(readings: list[_Reading]) -> dict[int, tuple[list, list]]:
    """The stored stretches of the months that need them (one query)."""
    wanted = [pk for r in readings for window in r.windows if (pk := r.needs_stretches(*window))]
    # Asked even when none is wanted (``pk__in=[]`` alone skips the query): the same queries for any data.
    rows = ServiceMonth.objects.filter(Q(pk__in=wanted) | Q(pk__isnull=True)).values_list("pk", "down", "maintenance")
    return {pk: (down, planned) for pk, down, planned in rows}


def build(provider: Provider, year: int | None = None, now: datetime | None = None) -> Scorecard:
    """The scorecard from the stored months of the provider's services and their open
    incidents (``provider_for_scorecard``): work grows with months and services, not incidents."""
    now = now or timezone.now()
    stored, edges = _stored_months(provider, year), _incident_edges(provider)
    readings = [
        _read(service, stored.get(service.pk, {}), edges.get(service.pk, (None, None, None)), year, now)
        for service in provider.services.all()
    ]
    stretches = _stretches(readings)
    cards: list[ServiceCard] = []
    stale: list[Incident] = []
    kinds: Counter[str] = Counter()
    spans = [0, 0]  # µs, count
    starts, ends, latencies = [], [], []
    observed = maintenance_total = stale_total = downtime.ZERO
    for reading in readings:
        service = reading.service
        for row in reading.rows.values():
            kinds.update(row.by_kind)
            spans[0] += row.spans_us
            spans[1] += row.spans
            starts += row.start_errors
            ends += row.end_errors
            latencies += row.latencies
        window = _window(year, get_zone(service.time_zone))
        for incident in reading.still_open:
            if window is not None and not window[0] <= incident.started_at < window[1]:
                continue
            kinds[incident.kind] += 1
            stale += [incident] if incident in reading.stale else []
            if incident.kind == Incident.Kind.MAINTENANCE:
                continue
            figures = months.outage_figures(incident.compute_totals(now), incident.first_notice_at())
            if figures.span is not None:
                spans[0] += figures.span // MICRO
                spans[1] += 1
            for found, value in (
                (starts, figures.start_error),
                (ends, figures.end_error),
                (latencies, figures.latency),
            ):
                if value is not None:
                    found.append(value // MICRO)
        month_figures = [reading.month(*part[:4], stretches) for part in reading.windows]
        card = ServiceCard(service, month_figures, rental_note=reading.rented.note if reading.rented else "")
        for m in month_figures:
            card.terms.append(
                (
                    m,
                    sla.month_terms(
                        m.year, m.month, m.availability, service.sla_uptime, service.sla_credits, service.sla_claim_days
                    ),
                )
            )
        cards.append(card)
        observed += sum((m.down for m in month_figures), downtime.ZERO)
        maintenance_total += sum((m.maintenance for m in month_figures), downtime.ZERO)
        stale_total += sum((m.stale_down for m in month_figures), downtime.ZERO)

    services = list(provider.services.all())
    contact_zone = get_zone(services[0].time_zone if services else "UTC")  # a year of contacts, in its zone
    support = _support(provider, year, contact_zone)
    return Scorecard(
        provider=provider,
        year=year,
        incident_count=kinds.total(),
        by_kind={kind: kinds[kind] for kind in Incident.Kind.values if kinds[kind]},
        observed=observed,
        maintenance=maintenance_total,
        months=availability.combined([card.months for card in cards]),
        services=cards,
        stale=stale,
        stale_down=stale_total,
        mttr=spans[0] * MICRO / spans[1] if spans[1] else None,
        notice_start_error=_median_of(starts),
        notice_end_error=_median_of(ends),
        notice_latency=_median_of(latencies),
        **support,
    )


def _support(provider: Provider, year: int | None, zone: tzinfo) -> dict:
    """The support figures of the contacts opened in the period, counted by the database: the
    medians from the middle rows; whether each contact was opened within its channel's hours and
    how long its first response took are stored (journal.totals.contacts)."""
    contacts = SupportContact.objects.filter(provider=provider).filter(_opened_in(year, zone))
    rated = Q(helpfulness__isnull=False) & ~Q(helpfulness=0)
    counted = contacts.aggregate(
        contacts=Count("pk"),
        by_provider=Count("pk", filter=Q(initiated_by=SupportContact.InitiatedBy.PROVIDER)),
        answered=Count("pk", filter=Q(stored_totals__response_us__isnull=False)),
        rated=Count("pk", filter=rated),
        rating=Sum("helpfulness", filter=rated),
        hours_known=Count("pk", filter=Q(stored_totals__within_hours__isnull=False)),
        within_hours=Count("pk", filter=Q(stored_totals__within_hours=True)),
    )
    n, answered = counted["contacts"], counted["answered"]
    responses = (
        contacts.filter(stored_totals__response_us__isnull=False)
        .order_by("stored_totals__response_us")
        .values_list("stored_totals__response_us", flat=True)
    )
    middle = responses[max(answered - 1, 0) // 2 : answered // 2 + 1]
    known = counted["hours_known"]
    return {
        "contacts": n,
        "median_first_response": _median([micro * MICRO for micro in middle]),
        "provider_initiated_share": counted["by_provider"] / n if n else None,
        "within_hours_share": counted["within_hours"] / known if known else None,
        "mean_helpfulness": counted["rating"] / counted["rated"] if counted["rated"] else None,
    }


def _opened_in(year: int | None, zone: tzinfo) -> Q:
    """Contacts opened in ``year`` in ``zone`` (a moment past the arithmetic's edges,
    journal.downtime.as_utc, counts at that edge)."""
    if year is None:
        return Q()
    start, end = _window(year, zone)
    period = Q()
    if downtime.as_utc(start) > downtime.FLOOR:
        period &= Q(opened_at__gte=start)
    if end <= downtime.CEILING:
        period &= Q(opened_at__lt=end)
    return period


def latest_incidents(provider: Provider, year: int | None, limit: int) -> list[Incident]:
    """The ``limit`` latest incidents of the period (each service's year in its zone), newest first."""
    incidents = Incident.objects.filter(service__provider=provider, stored_totals__isnull=False)
    if year is not None:
        periods = [
            Q(service=service, stored_totals__started_at__gte=start, stored_totals__started_at__lt=end)
            for service in provider.services.all()
            for start, end in [_window(year, get_zone(service.time_zone))]
        ]
        incidents = incidents.filter(reduce(or_, periods)) if periods else incidents.none()
    latest = incidents.select_related("service__provider", "stored_totals").order_by(
        "-stored_totals__started_at", "-pk"
    )
    return list(latest[:limit])


def incident_years(provider: Provider) -> list[int]:
    """The years (UTC) its incidents began in, newest first."""
    incidents = Incident.objects.filter(service__provider=provider, stored_totals__isnull=False)
    began = incidents.annotate(year=ExtractYear("stored_totals__started_at", tzinfo=UTC)).values_list("year", flat=True)
    return sorted(set(began.distinct().order_by()), reverse=True)
