"""What a service's stored months hold (ServiceMonth), from plain values (pure).

Written by the store (journal.totals.store) with journal.downtime, the one implementation of the
arithmetic, and read by the scorecard (journal.scorecard), which adds what still changes with
time (open incidents) with the same functions. Months are calendar months in the service's zone:

- downtime: its incidents' fixed down stretches (``store.fixed_down``), unplanned and
  maintenance each merged, clipped to the month, with their lengths and the time both cover;
- incidents: the resolved incidents that began in the month (counts by kind, first and last
  start, last event) and their outages' figures (``outage_figures``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from journal import downtime
from journal.availability import month_bounds, overlap
from journal.totals.models import pack

MAINTENANCE = "maintenance"
MICRO = timedelta(microseconds=1)


@dataclass(frozen=True)
class OutageFigures:
    """What one outage adds to a scorecard's recovery and notice figures (None: not known)."""

    span: timedelta | None  # first down → last up, once up again
    start_error: timedelta | None  # claimed start − first down
    end_error: timedelta | None  # claimed end − last up
    latency: timedelta | None  # first notice − first down


def outage_figures(totals: downtime.Totals, first_notice: datetime | None) -> OutageFigures:
    first_down, last_up, claimed = totals.first_down, totals.last_up, totals.claimed
    return OutageFigures(
        span=totals.span if totals.down and last_up else None,
        start_error=claimed.start - first_down if claimed and first_down else None,
        end_error=claimed.end - last_up if claimed and last_up else None,
        latency=downtime.as_utc(first_notice) - first_down if first_notice and first_down else None,  # as reconcile
    )


def month_of(moment: datetime, zone: tzinfo) -> tuple[int, int]:
    """(year, month) of ``moment`` in ``zone``; at the calendar's edges, where the zone cannot
    show it, the month in UTC."""
    try:
        local = moment.astimezone(zone)
    except (OverflowError, ValueError):
        local = moment.astimezone(UTC)
    return local.year, local.month


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def merged_us(down_us: int, maintenance_us: int, overlap_us: int) -> int:
    """A month's downtime with both kinds merged (the time both cover counted once), in µs."""
    return down_us + maintenance_us - overlap_us


def runs(keys: set[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``keys`` (year, month) in runs of consecutive months, in order."""
    found: list[list[tuple[int, int]]] = []
    for key in sorted(keys):
        if found and next_month(*found[-1][-1]) == key:
            found[-1].append(key)
        else:
            found.append([key])
    return found


def month_keys(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[int, int]]:
    """The (year, month) of ``start``'s month in ``zone``, up to ``end``'s, in order."""
    key, last, keys = month_of(start, zone), month_of(end, zone), []
    while key <= last:
        keys.append(key)
        key = next_month(*key)
    return keys


def split(merged: list[downtime.Interval], zone: tzinfo) -> dict[tuple[int, int], list[downtime.Interval]]:
    """Merged stretches cut at the months' edges in ``zone``: {(year, month): the parts in it}."""
    parts: dict[tuple[int, int], list[downtime.Interval]] = {}
    for interval in merged:
        key = month_of(interval.start, zone)
        while True:
            start, end = month_bounds(*key, zone)
            parts.setdefault(key, []).extend(downtime.clip([interval], start, end))
            if end >= interval.end:
                break
            key = next_month(*key)
    return {key: found for key, found in parts.items() if found}


@dataclass(frozen=True)
class StoredIncident:
    """An incident as the store reads it: its row and stored totals' plain values."""

    kind: str
    is_open: bool
    until: datetime | None  # where a stretch still down at its last event ends, once resolved
    started_at: datetime
    last_event_at: datetime | None
    first_notice_at: datetime | None
    states: downtime.States
    claimed: downtime.Interval | None


def service_months(
    fixed: list[tuple[str, downtime.Interval]], incidents: list[StoredIncident], zone: tzinfo
) -> dict[tuple[int, int], dict]:
    """ServiceMonth's fields per (year, month): ``fixed`` are (kind, stretch) of every incident's
    fixed down stretches; ``incidents`` give the figures of the resolved ones."""
    unplanned = split(downtime.union(i for kind, i in fixed if kind != MAINTENANCE), zone)
    planned = split(downtime.union(i for kind, i in fixed if kind == MAINTENANCE), zone)
    months: dict[tuple[int, int], dict] = {}
    for key in unplanned.keys() | planned.keys():
        down, held = unplanned.get(key, []), planned.get(key, [])
        months[key] = empty() | {
            "down": pack(down),
            "maintenance": pack(held),
            "down_us": downtime.measure(down) // MICRO,
            "maintenance_us": downtime.measure(held) // MICRO,
            "overlap_us": overlap(down, held) // MICRO,
        }
    kinds: dict[tuple[int, int], Counter] = {}
    for incident in incidents:
        if incident.is_open:
            continue
        key = month_of(incident.started_at, zone)
        month = months.setdefault(key, empty())
        month["incidents"] += 1
        kinds.setdefault(key, Counter())[incident.kind] += 1
        month["first_started"] = _earliest(month["first_started"], incident.started_at)
        month["last_started"] = _latest(month["last_started"], incident.started_at)
        month["last_event"] = _latest(month["last_event"], incident.last_event_at)
        if incident.kind == MAINTENANCE:
            continue
        figures = outage_figures(
            downtime.close(incident.states, incident.until, incident.claimed), incident.first_notice_at
        )
        if figures.span is not None:
            month["spans_us"] += figures.span // MICRO
            month["spans"] += 1
        for name, value in (
            ("start_errors", figures.start_error),
            ("end_errors", figures.end_error),
            ("latencies", figures.latency),
        ):
            if value is not None:
                month[name].append(value // MICRO)
    for key, counted in kinds.items():
        months[key]["by_kind"] = dict(sorted(counted.items()))
    for month in months.values():
        for name in ("start_errors", "end_errors", "latencies"):
            month[name].sort()
    return months


def empty() -> dict:
    """A month with nothing in it (ServiceMonth's stored fields)."""
    return {
        "down": [],
        "maintenance": [],
        "down_us": 0,
        "maintenance_us": 0,
        "overlap_us": 0,
        "incidents": 0,
        "by_kind": {},
        "spans_us": 0,
        "spans": 0,
        "start_errors": [],
        "end_errors": [],
        "latencies": [],
        "first_started": None,
        "last_started": None,
        "last_event": None,
    }


FIELDS = tuple(empty())


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)
