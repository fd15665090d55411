"""What is stored for an incident and a service, and the refresh that writes it.

``incident_values``, ``service_values`` and ``expected_service`` (with journal.totals.months)
turn plain values into the cache rows' fields with journal.downtime, the one implementation of
the arithmetic. ``refresh_incidents`` writes them for
some incidents (and their services when what those incidents add to them changed); signals call
it in the same transaction as each change to the evidence. Inside ``deferred()`` (an import,
the demo) each touched incident and service is refreshed once, at the end of the block.
``refresh_all`` rebuilds every row in a few queries per thousand incidents (and the contacts'
hours, journal.totals.contacts); ``check`` lists the rows that disagree with the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils.translation import gettext as _

from journal import downtime
from journal.availability import month_bounds
from journal.timezones import get_zone
from journal.totals import contacts, months
from journal.totals.models import pack, unpack

CHUNK = 500
BATCH = 50  # more incidents than this are refreshed in chunks (an import), not one by one
# An incident's stored values its service's rows are computed from (INCIDENT_FIELDS): when one
# changes, the service's downtime and months are refreshed.
SHAPE = (
    "started_at", "last_event_at", "first_notice_at", "down", "degraded", "final", "since",
    "claimed_start", "claimed_end",
)  # fmt: skip

# (incidents, services) waiting for the end of a deferred() block; None outside one.
_pending: ContextVar[tuple[set[int], set[int]] | None] = ContextVar("totals_pending", default=None)


def incident_values(
    events: Iterable[tuple[datetime, str]],
    claims: Iterable[tuple[datetime, datetime | None, datetime | None]],
    created_at: datetime,
) -> dict:
    """IncidentTotals' fields from the current events, in their (at, id) order, and the current
    notices' (retrieved_at, claimed_start, claimed_end)."""
    events, claims = list(events), list(claims)
    states = downtime.state_intervals(events, None)
    down, degraded = downtime.union(states.down), downtime.union(states.degraded)
    claimed = downtime.claimed_window(claims)
    moments = [at for at, _ in events]
    first_down = down[0].start if down else states.since if states.final == downtime.DOWN else None
    return {
        "started_at": min(moments, default=created_at),
        "last_event_at": max(moments, default=None),
        "down": pack(down),
        "degraded": pack(degraded),
        "observed": downtime.measure(down),
        "first_down": first_down,
        "final": states.final,
        "since": states.since,
        "claimed_start": claimed.start if claimed else None,
        "claimed_end": claimed.end if claimed else None,
        "first_notice_at": min((published for published, _, _ in claims), default=None),
        "event_count": len(events),
        "notice_count": len(claims),
    }


def fixed_down(
    down: list[list[int]], final: str, since: datetime | None, is_open: bool, until: datetime | None
) -> list[downtime.Interval]:
    """An incident's down stretches that no longer change with time: the closed ones, and for a
    resolved incident still down at its last event, the stretch to its end (``until``)."""
    intervals = unpack(down)
    if not is_open and final == downtime.DOWN and until is not None and downtime.as_utc(until) > since:
        intervals.append(downtime.Interval(since, until))
    return intervals


def years_of(by_month: dict[tuple[int, int], dict]) -> dict[str, int]:
    """ServiceDowntime.by_year from the service's months: each year's months' downtime, both
    kinds merged (unplanned + maintenance − the time both cover), in µs; years without any left out."""
    years: dict[str, int] = {}
    for (year, _month), month in sorted(by_month.items()):
        if total := months.merged_us(month["down_us"], month["maintenance_us"], month["overlap_us"]):
            years[str(year)] = years.get(str(year), 0) + total
    return years


def reach(started_at: datetime, last_event_at: datetime | None, resolved_at: datetime | None) -> downtime.Interval:
    """The time an incident adds to its service's months: from its start (its months count it)
    to its last event or its end, whichever is later (its fixed stretches lie inside)."""
    return downtime.Interval(started_at, max(at for at in (started_at, last_event_at, resolved_at) if at is not None))


# ---------------------------------------------------------------------------- writing


@contextmanager
def deferred() -> Iterator[None]:
    """Refresh each incident and service touched inside the block once, at its end (nested
    blocks join the outermost). Use inside the transaction that makes the changes."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set((set(), set()))
    try:
        yield
        incidents, services = _pending.get()
    finally:
        _pending.reset(token)
    refresh_incidents(incidents, also_services=services)


def refresh_incidents(incident_ids: Iterable[int], also_services: Iterable[int] = ()) -> None:
    """Rewrite the stored totals of these incidents, then of their services the months they
    change (and all of ``also_services``)."""
    incident_ids, services = set(incident_ids), set(also_services)
    pending = _pending.get()
    if pending is not None:
        pending[0].update(incident_ids)
        pending[1].update(services)
        return
    if len(incident_ids) > BATCH:
        services |= _write_incidents(incident_ids)
        refresh_services(services)
        return
    touched: dict[int, list[downtime.Interval]] = {}
    for incident_id in sorted(incident_ids):
        if changed := _write_incident(incident_id):
            service_id, spans = changed
            touched.setdefault(service_id, []).extend(spans)
    refresh_services(services)
    for service_id, spans in sorted(touched.items()):
        if service_id not in services:
            _refresh_months(service_id, spans)


def refresh_services(service_ids: Iterable[int]) -> None:
    """Rewrite these services' stored downtime and months (the months that changed), from all
    their incidents."""
    pending = _pending.get()
    if pending is not None:
        pending[1].update(service_ids)
        return
    for service_id in sorted(set(service_ids)):
        _refresh_months(service_id, None)


def _refresh_months(service_id: int, spans: list[downtime.Interval] | None) -> None:
    """Rewrite the service's months that ``spans`` fall in (None: every month) from the incidents
    that reach into them (``reach``), then its years from its months. So an event added to one
    incident reads the incidents of the months it touches, not the service's whole history."""
    from django.db.models import Q

    from journal.models import Service
    from journal.totals.models import ServiceDowntime, ServiceMonth

    zone_name = Service._base_manager.filter(pk=service_id).values_list("time_zone", flat=True).first()
    if zone_name is None:
        return
    zone, incidents = get_zone(zone_name), _stored_incidents(service_id)
    if spans is None:
        by_month = expected_months(incidents, zone_name)
        _write_months(service_id, by_month)
        by_year = years_of(by_month)
    else:
        years = set()
        wanted = {key for span in spans for key in months.month_keys(span.start, span.end, zone)}
        for keys in months.runs(wanted):
            start, end = month_bounds(*keys[0], zone)[0], month_bounds(*keys[-1], zone)[1]
            reaching = Q(stored_totals__started_at__gte=start) | Q(stored_totals__last_event_at__gte=start)
            found = expected_months(
                incidents.filter(reaching | Q(resolved_at__gte=start), stored_totals__started_at__lt=end), zone_name
            )
            _write_months(service_id, {key: found[key] for key in keys if key in found}, set(keys))
            years |= {year for year, _month in keys}
        stored = ServiceMonth.objects.filter(service_id=service_id, year__in=years)
        stored = stored.values("year", "month", *YEAR_FIELDS)
        kept = ServiceDowntime.objects.filter(service_id=service_id).values_list("by_year", flat=True).first() or {}
        by_year = {year: micro for year, micro in kept.items() if int(year) not in years}
        by_year = dict(sorted((by_year | years_of({(r["year"], r["month"]): r for r in stored})).items(), key=_year))
    if not ServiceDowntime.objects.filter(service_id=service_id).update(by_year=by_year):
        ServiceDowntime.objects.create(service_id=service_id, by_year=by_year)


YEAR_FIELDS = ("down_us", "maintenance_us", "overlap_us")


def _year(item: tuple[str, int]) -> int:
    return int(item[0])


# What a service's rows are computed from: each incident's row and its stored totals.
INCIDENT_FIELDS = ("kind", "status", "resolved_at", *(f"stored_totals__{name}" for name in SHAPE))


def _stored_incidents(service_id: int):
    from journal.models import Incident

    return Incident.objects.filter(service_id=service_id, stored_totals__isnull=False).values_list(*INCIDENT_FIELDS)


def expected_service(rows: Iterable[tuple], zone_name: str) -> tuple[dict, dict[tuple[int, int], dict]]:
    """ServiceDowntime's fields and the months' (ServiceMonth) from all its incidents' rows
    (``INCIDENT_FIELDS``)."""
    by_month = expected_months(rows, zone_name)
    return {"by_year": years_of(by_month)}, by_month


def expected_months(rows: Iterable[tuple], zone_name: str) -> dict[tuple[int, int], dict]:
    """The months (ServiceMonth's fields) of the incidents' rows (``INCIDENT_FIELDS``): all of a
    service's, or those reaching into the months wanted."""
    fixed, incidents = [], []
    for kind, status, resolved_at, started, last, first_notice, down, degraded, final, since, *claim in rows:
        is_open, until = status == "open", resolved_at or last
        fixed += [(kind, interval) for interval in fixed_down(down, final, since, is_open, until)]
        states = downtime.States(down=unpack(down), degraded=unpack(degraded), final=final, since=since)
        claimed = downtime.Interval(*claim) if None not in claim else None
        incidents.append(months.StoredIncident(kind, is_open, until, started, last, first_notice, states, claimed))
    return months.service_months(fixed, incidents, get_zone(zone_name))


def _write_months(
    service_id: int, expected: dict[tuple[int, int], dict], keys: set[tuple[int, int]] | None = None
) -> None:
    """Make the service's stored months (of ``keys``; None: all) the ``expected`` ones."""
    from journal.totals.models import ServiceMonth

    rows = ServiceMonth.objects.filter(service_id=service_id)
    if keys is not None:
        rows = rows.filter(year__gte=min(keys)[0], year__lte=max(keys)[0])
    stored = {
        (row["year"], row["month"]): row
        for row in rows.values("pk", "year", "month", *months.FIELDS)
        if keys is None or (row["year"], row["month"]) in keys
    }
    if gone := [row["pk"] for key, row in stored.items() if key not in expected]:
        ServiceMonth.objects.filter(pk__in=gone).delete()
    new = []
    for (year, month), values in sorted(expected.items()):
        row = stored.get((year, month))
        if row is None:
            new.append(ServiceMonth(service_id=service_id, year=year, month=month, **values))
        elif _month_differs(row, values):
            ServiceMonth.objects.filter(pk=row["pk"]).update(**values)
    ServiceMonth.objects.bulk_create(new, batch_size=CHUNK)


def _month_differs(row: dict, values: dict) -> bool:
    return any(not _same(row[name], value) for name, value in values.items())


def _write_incident(incident_id: int) -> tuple[int, list[downtime.Interval]] | None:
    """Write one incident's row. When what its service's months read of it changed: the
    service's id, and the incident's reach before and after (``reach``)."""
    from journal.models import Incident, ProviderNotice, TimelineEvent
    from journal.totals.models import IncidentTotals

    incident = Incident._base_manager.filter(pk=incident_id).values("created_at", "service_id", "resolved_at").first()
    if incident is None:
        return None
    values = incident_values(
        TimelineEvent.objects.filter(incident_id=incident_id).order_by("at", "id").values_list("at", "type"),
        ProviderNotice.objects.filter(incident_id=incident_id).values_list(
            "retrieved_at", "claimed_start", "claimed_end"
        ),
        incident["created_at"],
    )
    before = IncidentTotals.objects.filter(pk=incident_id).values(*SHAPE).first()
    now_reaches = reach(values["started_at"], values["last_event_at"], incident["resolved_at"])
    if before is None:
        IncidentTotals.objects.create(incident_id=incident_id, **values)
        return incident["service_id"], [now_reaches]
    IncidentTotals.objects.filter(pk=incident_id).update(**values)
    if all(_same(old, values[name]) for name, old in before.items()):
        return None
    reached = reach(before["started_at"], before["last_event_at"], incident["resolved_at"])
    return incident["service_id"], [reached, now_reaches]


def _write_incidents(incident_ids: set[int]) -> set[int]:
    """Write many incidents' rows, a chunk at a time; the ids of their services."""
    from journal.models import Incident
    from journal.totals.models import IncidentTotals

    ids, services = sorted(incident_ids), set()
    for first in range(0, len(ids), CHUNK):
        incidents = Incident._base_manager.filter(pk__in=ids[first : first + CHUNK])
        rows = [IncidentTotals(incident_id=pk, **values) for pk, values in expected_incidents(incidents)]
        IncidentTotals.objects.filter(pk__in=[row.pk for row in rows]).delete()
        IncidentTotals.objects.bulk_create(rows)
        services |= set(incidents.values_list("service_id", flat=True).distinct())
    return services


# ------------------------------------------------------------------- all at once


def expected_incidents(incidents) -> Iterator[tuple[int, dict]]:
    """(pk, fields) of the given incidents (a queryset), read in chunks with their current
    events and notices."""
    from django.db.models import Prefetch

    from journal.models import ProviderNotice, TimelineEvent

    ids = list(incidents.order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), CHUNK):
        chunk = incidents.model._base_manager.filter(pk__in=ids[first : first + CHUNK]).prefetch_related(
            Prefetch("events", queryset=TimelineEvent.objects.order_by("at", "id").only("incident_id", "at", "type")),
            Prefetch(
                "notices",
                queryset=ProviderNotice.objects.only("incident_id", "retrieved_at", "claimed_start", "claimed_end"),
            ),
        )
        for incident in chunk:
            yield (
                incident.pk,
                incident_values(
                    ((e.at, e.type) for e in incident.events.all()),
                    ((n.retrieved_at, n.claimed_start, n.claimed_end) for n in incident.notices.all()),
                    incident.created_at,
                ),
            )


def refresh_all() -> dict[str, int]:
    """Rebuild every stored row from the evidence (after a bulk write, or to repair)."""
    from django.db import transaction

    from journal.models import Incident, Service
    from journal.totals.models import IncidentTotals

    with transaction.atomic():
        IncidentTotals.objects.all().delete()
        rows = [IncidentTotals(incident_id=pk, **values) for pk, values in expected_incidents(Incident._base_manager)]
        IncidentTotals.objects.bulk_create(rows, batch_size=CHUNK)
        services = list(Service._base_manager.values_list("pk", flat=True))
        refresh_services(services)
        contact_count = contacts.refresh_all()
    return {"incidents": len(rows), "services": len(services), "contacts": contact_count}


def check() -> list[str]:
    """What disagrees with the evidence: one line per incident or service row that is missing
    or differs from what a refresh would write."""
    from journal.models import Incident, Service
    from journal.totals.models import IncidentTotals, ServiceDowntime, ServiceMonth

    problems = []
    stored = {row.pk: row for row in IncidentTotals.objects.all()}
    for pk, values in expected_incidents(Incident._base_manager):
        row = stored.get(pk)
        if row is None:
            problems.append(f"incident {pk}: no stored totals")
            continue
        wrong = [name for name, value in values.items() if not _same(getattr(row, name), value)]
        if wrong:
            problems.append(f"incident {pk}: {', '.join(wrong)} differ from the events and notices")
    kept = {row.pk: row for row in ServiceDowntime.objects.all()}
    stored_months = {}
    for row in ServiceMonth.objects.values("service_id", "year", "month", *months.FIELDS):
        stored_months.setdefault(row["service_id"], {})[(row["year"], row["month"])] = row
    for service in Service._base_manager.all():
        values, expected = expected_service(_stored_incidents(service.pk), service.time_zone)
        row = kept.get(service.pk)
        if row is None:
            problems.append(f"service {service.pk}: no stored downtime")
        elif row.by_year != values["by_year"]:
            problems.append(f"service {service.pk}: downtime differs from its incidents")
        found = stored_months.get(service.pk, {})
        wrong = sorted(key for key in found.keys() | expected.keys() if key not in found or key not in expected)
        wrong += sorted(key for key in found.keys() & expected.keys() if _month_differs(found[key], expected[key]))
        if wrong:
            listed = ", ".join(f"{year:04d}-{month:02d}" for year, month in wrong[:5])
            problems.append(
                _("service %(service)s: months %(months)s differ from its incidents")
                % {"service": service.pk, "months": listed}
            )
    return problems + contacts.check()


def _same(stored, expected) -> bool:
    if isinstance(expected, datetime) and isinstance(stored, datetime):
        return downtime.as_utc(stored) == downtime.as_utc(expected)
    return stored == expected
