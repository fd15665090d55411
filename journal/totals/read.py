"""What the pages read from the stored totals, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from journal import downtime
from journal.models import Incident, Provider, Service
from journal.timezones import get_zone
from journal.totals.models import ServiceDowntime, unpack


def services_with_downtime(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services with their stored per-year downtime (the merged stretches left in the database)."""
    return services.select_related("stored_downtime").defer("stored_downtime__down")


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


def years_by_service(services: list[Service], now: datetime | None = None) -> dict[int, dict[int, timedelta]]:
    """Each service's observed downtime per year in its zone, as Service.downtime_by_year gives
    it, from the stored rows (``services_with_downtime``) and the stretches still running."""
    now = now or timezone.now()
    running = running_downs((s.pk for s in services), now)
    merged = dict(ServiceDowntime.objects.filter(service_id__in=list(running)).values_list("service_id", "down"))
    years = {}
    for service in services:
        if service.pk in running:
            stretches = unpack(merged.get(service.pk, [])) + running[service.pk]
            years[service.pk] = downtime.by_year(stretches, get_zone(service.time_zone))
        else:
            stored = service._state.fields_cache.get("stored_downtime")
            years[service.pk] = stored.years() if stored is not None else {}
    return years


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
