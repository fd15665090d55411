"""What the pages read from the stored totals, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from journal import downtime
from journal.availability import month_bounds
from journal.models import Incident, Provider, Service
from journal.timezones import get_zone
from journal.totals import months
from journal.totals.models import IncidentTotals, ServiceMonth, unpack


def services_with_downtime(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services with their stored per-year downtime."""
    return services.select_related("stored_downtime")


def running_downs(service_ids: Iterable[int], now: datetime) -> dict[int, list[downtime.Interval]]:
    """The stretches of open incidents still down at their last event, running to ``now``, per
    service: the only part of the downtime that grows with time (one query)."""
    running: dict[int, list[downtime.Interval]] = {}
    rows = Incident.objects.filter(
        service_id__in=list(service_ids), status=Incident.Status.OPEN, stored_totals__final=downtime.DOWN
    ).values_list("service_id", "stored_totals__since")
    for service_id, since in rows:
        if downtime.as_utc(now) > since:
            running.setdefault(service_id, []).append(downtime.Interval(since, now))
    return running


def years_by_service(services: list[Service], now: datetime | None = None) -> dict[int, timedelta]:
    """Each service's observed downtime per year in its zone, as Service.downtime_by_year gives
    it, from the stored rows (``services_with_downtime``) and the stretches still running."""
    now = now or timezone.now()
    running = running_downs((s.pk for s in services), now)
    touched = _months_running(running, {s.pk: get_zone(s.time_zone) for s in services if s.pk in running})
    years = {}
    for service in services:
        stored = service._state.fields_cache.get("stored_downtime")
        years[service.pk] = stored.years() if stored is not None else {}
        if service.pk in running:
            years[service.pk] = _with_running(years[service.pk], running[service.pk], touched, service)
    return years


def _months_running(
    running: dict[int, list[downtime.Interval]], zones: dict[int, tzinfo]
) -> dict[tuple[int, int, int], ServiceMonth]:
    """The stored months the running stretches fall in, by (service, year, month) (one query)."""
    if not running:
        return {}
    since = {pk: months.month_of(min(i.start for i in stretches), zones[pk]) for pk, stretches in running.items()}
    wanted = reduce(
        or_,
        (Q(service_id=pk) & (Q(year__gt=year) | Q(year=year, month__gte=month)) for pk, (year, month) in since.items()),
    )
    return {(row.service_id, row.year, row.month): row for row in ServiceMonth.objects.filter(wanted)}


def _with_running(
    years: dict[int, timedelta], running: list[downtime.Interval], touched: dict, service: Service
) -> dict[int, timedelta]:
    """The stored years with the running stretches added: each month they fall in measured again
    with its stored stretches (months tile the years, so the other months stand as stored)."""
    zone, years = get_zone(service.time_zone), dict(years)
    for key in months.month_keys(min(i.start for i in running), max(i.end for i in running), zone):
        start, end = month_bounds(*key, zone)
        row = touched.get((service.pk, *key))
        fixed = unpack(row.down) + unpack(row.maintenance) if row is not None else []
        before = downtime.ZERO
        if row is not None:
            before = months.merged_us(row.down_us, row.maintenance_us, row.overlap_us) * months.MICRO
        if added := downtime.measure(downtime.clip([*fixed, *running], start, end)) - before:
            years[key[0]] = years.get(key[0], downtime.ZERO) + added
    return years


def recent_resolved(limit: int, open_count: int) -> list[int]:
    """The ids of the ``limit`` resolved incidents that began last, newest first: read from the
    stored starts' index newest first (``open_count`` more rows, in case the open ones are among
    them), not by sorting every incident."""
    newest = (
        IncidentTotals.objects.filter(incident__removed_at__isnull=True)
        .order_by("-started_at", "-incident_id")
        .values_list("incident_id", "incident__status")[: limit + open_count]
    )
    return [pk for pk, status in newest if status == Incident.Status.RESOLVED][:limit]


def newest_first(years: dict[int, timedelta]) -> dict[int, timedelta]:
    return dict(sorted(years.items(), reverse=True))


def service_years(service: Service, now: datetime | None = None) -> dict[int, timedelta]:
    service = services_with_downtime(Service.objects.filter(pk=service.pk)).get()
    return newest_first(years_by_service([service], now)[service.pk])


def provider_years(provider: Provider, now: datetime | None = None) -> dict[int, timedelta]:
    """The provider's downtime per year: its services' years added up (each in its own zone)."""
    services = list(services_with_downtime(Service.objects.filter(provider=provider)))
    return newest_first(_add(years_by_service(services, now).values()))


def providers_in_year(year: int, now: datetime | None = None) -> list[tuple[Provider, timedelta]]:
    """Every provider with its observed downtime in ``year``."""
    providers = list(Provider.objects.all())
    services = list(services_with_downtime(Service.objects.all()))
    years = years_by_service(services, now)
    totals: dict[int, timedelta] = {}
    for service in services:
        totals[service.provider_id] = totals.get(service.provider_id, downtime.ZERO) + years[service.pk].get(
            year, downtime.ZERO
        )
    return [(provider, totals.get(provider.pk, downtime.ZERO)) for provider in providers]


def _add(per_service: Iterable[dict[int, timedelta]]) -> dict[int, timedelta]:
    years: dict[int, timedelta] = {}
    for service_years_ in per_service:
        for year, total in service_years_.items():
            years[year] = years.get(year, downtime.ZERO) + total
    return years
