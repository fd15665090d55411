"""Downtime arithmetic over plain values (no ORM, no formatting).

Every datetime handed in must be aware; everything is converted to UTC before any
subtraction, because Python subtracts two datetimes that share a tzinfo object by wall
clock, which is wrong across a DST change. Times outside [``FLOOR``, ``CEILING``] are
clamped to those edges, so a value stored at the extremes of the calendar (year 1, year
9999) can neither overflow the arithmetic nor a conversion to any zone; the doors of the app
(journal.bounds) refuse such values, so only data written around them is affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from django.utils.translation import gettext

DOWN = "down"
UP = "up"
DEGRADED = "degraded"
STATE_CHANGES = frozenset({DOWN, UP, DEGRADED})
ZERO = timedelta(0)
FLOOR = datetime(1970, 1, 1, tzinfo=UTC)
CEILING = datetime(9990, 1, 1, tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, clamped to [FLOOR, CEILING]."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: downtime arithmetic needs aware datetimes")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return FLOOR if moment.year < FLOOR.year else CEILING
    return min(max(utc, FLOOR), CEILING)


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open interval [start, end) of time, held in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start))
        object.__setattr__(self, "end", as_utc(self.end))
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """The intervals merged: sorted, overlapping or touching ones joined, empty ones dropped."""
    merged: list[Interval] = []
    for interval in sorted(i for i in intervals if i.end > i.start):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def measure(intervals: Iterable[Interval]) -> timedelta:
    """Total length of the union: time covered twice counts once."""
    return sum((i.duration for i in union(intervals)), ZERO)


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of the intervals that fall inside [start, end)."""
    window = Interval(start, end)
    clipped = []
    for interval in intervals:
        lo, hi = max(interval.start, window.start), min(interval.end, window.end)
        if hi > lo:
            clipped.append(Interval(lo, hi))
    return clipped


@dataclass(frozen=True)
class States:
    down: list[Interval]
    degraded: list[Interval]
    final: str
    since: datetime | None  # when the final state began (None when up)


def state_intervals(events: Iterable[tuple[datetime, str]], until: datetime | None) -> States:
    """Down and degraded intervals from (at, type) events.

    Only down, degraded and up change the state; other types are ignored. A state runs
    from the event that entered it until the next event that changes it, so a second
    "down" while already down changes nothing. A state still running after the last
    event runs to ``until`` (now for an ongoing incident, its end for a resolved one); with
    no ``until`` it is dropped. Events at the same instant keep their given order.
    """
    found: dict[str, list[Interval]] = {DOWN: [], DEGRADED: []}
    state, since = UP, None
    for at, kind in sorted(((as_utc(at), kind) for at, kind in events), key=lambda e: e[0]):
        if kind not in STATE_CHANGES or kind == state:
            continue
        if state != UP and at > since:
            found[state].append(Interval(since, at))
        state, since = kind, at
    if state != UP and until is not None and as_utc(until) > since:
        found[state].append(Interval(since, until))
    return States(down=found[DOWN], degraded=found[DEGRADED], final=state, since=since if state != UP else None)


def claimed_window(claims: Iterable[tuple[datetime, datetime | None, datetime | None]]) -> Interval | None:
    """The provider's latest complete claim: from (published, start, end) triples, the window
    of the most recently published one that gives both a start and an end."""
    complete = [(published, start, end) for published, start, end in claims if start and end]
    if not complete:
        return None
    _, start, end = max(complete, key=lambda claim: as_utc(claim[0]))
    return Interval(start, end) if end >= start else None


@dataclass(frozen=True)
class Totals:
    """What an incident's events add up to."""

    down: list[Interval] = field(default_factory=list)
    degraded: list[Interval] = field(default_factory=list)
    claimed: Interval | None = None
    still_down: bool = False
    open_since: datetime | None = None  # start of a down with no up after it

    def stale(self, now: datetime, after: timedelta) -> bool:
        """Whether a down with no up after it has been open longer than ``after`` by ``now``."""
        return self.open_since is not None and as_utc(now) - self.open_since > after

    @property
    def observed(self) -> timedelta:
        return measure(self.down)

    @property
    def degraded_time(self) -> timedelta:
        return measure(self.degraded)

    @property
    def first_down(self) -> datetime | None:
        return self.down[0].start if self.down else None

    @property
    def last_up(self) -> datetime | None:
        """When service came back after the last down or degraded stretch; None while down."""
        return None if self.still_down else self._last_end

    @property
    def span(self) -> timedelta:
        """First down to last up (or to now/the incident's end while still down)."""
        return self._last_end - self.down[0].start if self.down else ZERO

    @property
    def _last_end(self) -> datetime | None:
        if not self.down:
            return None
        return max(i.end for i in self.down + self.degraded if i.start >= self.down[0].start)

    @property
    def claimed_duration(self) -> timedelta | None:
        return self.claimed.duration if self.claimed else None

    @property
    def claimed_minus_observed(self) -> timedelta | None:
        return None if self.claimed is None else self.claimed.duration - self.observed


def close(states: States, until: datetime | None, claimed: Interval | None = None) -> Totals:
    """Totals from ``states`` (what the events say, computed with no ``until``): a state still
    running after the last event runs to ``until`` (now for an ongoing incident, its end for a
    resolved one). ``states`` may be stored (journal.totals) and closed later at any ``until``."""
    down, degraded = list(states.down), list(states.degraded)
    if states.final != UP and until is not None and as_utc(until) > states.since:
        (down if states.final == DOWN else degraded).append(Interval(states.since, until))
    return Totals(
        down=union(down),
        degraded=union(degraded),
        claimed=claimed,
        still_down=states.final != UP,
        open_since=states.since if states.final == DOWN else None,
    )


def totals(events: Iterable[tuple[datetime, str]], until: datetime | None, claimed: Interval | None = None) -> Totals:
    return close(state_intervals(events, None), until, claimed)


@dataclass(frozen=True)
class Reconciliation:
    """What the provider claimed beside what was observed."""

    claimed: Interval | None
    start_gap: timedelta | None  # first observed down − claimed start (> 0: the claim starts earlier)
    end_gap: timedelta | None  # claimed end − last observed up (> 0: the claim ends later)
    outside: timedelta  # observed downtime outside the claimed window
    false_statuses: list[tuple[datetime, str]]  # (when, what) status claims made while observed down
    notice_latency: timedelta | None  # first notice − first observed down


def reconcile(
    totals: Totals, status_claims: Iterable[tuple[datetime, str]], first_notice: datetime | None
) -> Reconciliation:
    """``status_claims``: (when, what) the provider's panel or status page said."""
    claimed, down = totals.claimed, totals.down
    first_down, last_up = totals.first_down, totals.last_up
    inside = measure(clip(down, claimed.start, claimed.end)) if claimed else ZERO
    return Reconciliation(
        claimed=claimed,
        start_gap=first_down - claimed.start if claimed and first_down else None,
        end_gap=claimed.end - last_up if claimed and last_up else None,
        outside=totals.observed - inside if claimed else ZERO,
        false_statuses=sorted(
            (as_utc(at), what) for at, what in status_claims if any(i.start <= as_utc(at) < i.end for i in down)
        ),
        notice_latency=as_utc(first_notice) - first_down if first_notice and first_down else None,
    )


def format_duration(value: timedelta | float | None) -> str:
    """3h 01m; 2d 03h 05m past a day; 27m under an hour; 0m for none; minutes rounded down.
    In the active language: 3時間01分 in Japanese (the formats are in the catalogue)."""
    if value is None:
        return "—"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    sign = "−" if seconds < 0 else ""
    seconds = abs(seconds)
    if 0 < seconds < 60:
        return sign + gettext("<1m")
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = {"days": days, "hours": hours, "minutes": minutes}
    if days:
        return sign + gettext("%(days)dd %(hours)02dh %(minutes)02dm") % parts
    if hours:
        return sign + gettext("%(hours)dh %(minutes)02dm") % parts
    return sign + gettext("%(minutes)dm") % parts


def by_year(intervals: Iterable[Interval], zone: tzinfo) -> dict[int, timedelta]:
    """Downtime per calendar year, the years' edges taken in ``zone``; years without any left out."""
    merged = union(intervals)
    if not merged:
        return {}
    years: dict[int, timedelta] = {}
    for year in range(merged[0].start.astimezone(zone).year, merged[-1].end.astimezone(zone).year + 1):
        start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
        if total := measure(clip(merged, start, end)):
            years[year] = total
    return years
