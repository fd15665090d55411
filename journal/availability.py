"""Availability per calendar month, time-based (pure).

A month runs from its first midnight to the next month's in the service's zone, so a month
with a DST change is an hour shorter or longer, as it really was. Only the part of the month
the service was rented (and that has already happened) is measured; a month with none of it
has no figure. Scheduled maintenance is shown apart: its time is taken out of both the
downtime and the time measured.

    availability = 100 × (1 − unplanned downtime ÷ (measured time − maintenance))
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from journal.downtime import ZERO, Interval, as_utc, clip, measure, union


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    measured: timedelta  # rented and past, maintenance taken out
    down: timedelta  # unplanned, observed
    maintenance: timedelta
    stale_down: timedelta = ZERO  # the part of ``down`` from downs still open past STALE_DOWN_AFTER_DAYS

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def availability(self) -> float | None:
        if self.measured <= ZERO:
            return None
        return 100 * (1 - self.down / self.measured)


def month_start(year: int, month: int, zone: tzinfo) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=zone)


def overlap(a: list[Interval], b: list[Interval]) -> timedelta:
    """Time covered by both."""
    return measure(a) + measure(b) - measure([*a, *b])


def month_bounds(year: int, month: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """The month from its first midnight to the next month's, in UTC."""
    # In UTC: two datetimes sharing a zone subtract by wall clock, which is wrong across DST.
    return as_utc(month_start(year, month, zone)), as_utc(month_start(year, month + 1, zone))


def window(bounds: tuple[datetime, datetime], rented: Interval | None, now: datetime) -> tuple[datetime, datetime]:
    """The part of a month (``month_bounds``) that is measured: rented and already past (may be empty)."""
    start, end = bounds
    window_start, window_end = start, min(end, now)
    if rented is not None:
        window_start, window_end = max(window_start, rented.start), min(window_end, rented.end)
    return window_start, window_end


def measured(
    year: int,
    month: int,
    start: datetime,
    end: datetime,
    down: list[Interval],
    maintenance: list[Interval],
    stale: list[Interval] | tuple[Interval, ...] = (),
) -> Month:
    """The month measured over [start, end) from the stretches inside it (already clipped)."""
    if end <= start:
        return Month(year, month, ZERO, ZERO, ZERO)
    held = measure(maintenance)
    return Month(
        year,
        month,
        measured=(end - start) - held,
        down=measure(down) - overlap(down, maintenance),
        maintenance=held,
        stale_down=measure(stale) - overlap(stale, maintenance),
    )


def from_totals(
    year: int, month: int, start: datetime, end: datetime, down: timedelta, maintenance: timedelta, both: timedelta
) -> Month:
    """``measured`` from the lengths of the stretches instead of the stretches: ``down`` and
    ``maintenance`` each merged, ``both`` the time they both cover (no stale downs)."""
    if end <= start:
        return Month(year, month, ZERO, ZERO, ZERO)
    return Month(year, month, measured=(end - start) - maintenance, down=down - both, maintenance=maintenance)


def months(
    down: list[Interval],
    maintenance: list[Interval],
    zone: tzinfo,
    first: tuple[int, int],
    last: tuple[int, int],
    rented: Interval | None,
    now: datetime,
    stale: list[Interval] | tuple[Interval, ...] = (),
) -> list[Month]:
    """Every month from ``first`` to ``last`` (year, month), inclusive. ``stale``: the open
    stretches of downs with no up for too long; each month says how much of its downtime they make."""
    down, maintenance, stale = _Timeline(down), _Timeline(maintenance), _Timeline(stale)
    figures = []
    year, month = first
    while (year, month) <= last:
        start, end = window(month_bounds(year, month, zone), rented, now)
        if end <= start:
            figures.append(Month(year, month, ZERO, ZERO, ZERO))
        else:
            figures.append(
                measured(
                    year, month, start, end, down.clip(start, end), maintenance.clip(start, end), stale.clip(start, end)
                )
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return figures


class _Timeline:
    """Merged intervals that clip to a window by bisection, not by scanning them all (a decade
    of incidents is clipped once per month)."""

    def __init__(self, intervals: list[Interval] | tuple[Interval, ...]):
        self.intervals = union(intervals)
        self.ends = [i.end for i in self.intervals]

    def clip(self, start: datetime, end: datetime) -> list[Interval]:
        first = bisect_right(self.ends, start)
        candidates = []
        for interval in self.intervals[first:]:
            if interval.start >= end:
                break
            candidates.append(interval)
        return clip(candidates, start, end)


def combined(per_service: list[list[Month]]) -> list[Month]:
    """Several services' months added up, month by month (time-weighted)."""
    totals: dict[tuple[int, int], Month] = {}
    for service_months in per_service:
        for m in service_months:
            before = totals.get((m.year, m.month))
            if before is None:
                totals[(m.year, m.month)] = m
            else:
                totals[(m.year, m.month)] = Month(
                    m.year,
                    m.month,
                    before.measured + m.measured,
                    before.down + m.down,
                    before.maintenance + m.maintenance,
                    before.stale_down + m.stale_down,
                )
    return [totals[key] for key in sorted(totals)]
