"""Geometry of an incident's time bar: one axis from the earliest to the latest fact, with the
claimed window, the observed down and degraded stretches, markers and support contacts placed
along it in percent. The template draws it as SVG; no JavaScript is needed.

Neighbours closer than MERGE_GAP (a pixel of a 1,000-pixel bar) cannot be told apart, so they
are drawn as one: a run of down stretches becomes one lighter "merged" segment whose title
says how many downs it holds, when, and how long they last in all; a run of markers of one
kind, or of support contacts, one mark saying how many. Nothing is hidden: every stretch,
however short, is drawn at least MIN_WIDTH wide, alone or inside its run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from journal.downtime import Interval, as_utc, format_duration

STEPS = [timedelta(minutes=m) for m in (1, 5, 10, 15, 30, 60, 120, 180, 360, 720)] + [
    timedelta(days=d) for d in (1, 2, 7, 14, 30, 91, 182, 365)
]
MAX_TICKS = 8
MAX_PAD = timedelta(days=365)  # keeps the axis inside the calendar however long the span
MERGE_GAP = 0.1  # percent of the bar: neighbours closer than this are drawn as one
MIN_WIDTH = 0.2  # percent of the bar: the narrowest a stretch (or a run of them) is drawn


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    label: str
    count: int = 1  # more than one: stretches too close to tell apart, drawn as one

    @property
    def merged(self) -> bool:
        return self.count > 1


@dataclass(frozen=True)
class Marker:
    x: float
    kind: str
    label: str
    count: int = 1  # more than one: marks too close to tell apart, drawn as one run
    width: float = 0.0  # a run's extent, from its first mark to its last

    @property
    def merged(self) -> bool:
        return self.count > 1


@dataclass(frozen=True)
class Tick:
    """A round local time on the axis, placed at its real instant. ``zone_name`` is set beside
    the ticks next to a change of UTC offset (so a repeated or skipped hour reads as such);
    ``date`` on the first tick and wherever the local date changes."""

    x: float
    at: datetime  # UTC
    label: str
    date: str = ""
    zone_name: str = ""

    @property
    def text(self) -> str:
        return f"{self.label} {self.zone_name}".strip()


@dataclass(frozen=True)
class Bar:
    start: datetime
    end: datetime
    claimed: Segment | None
    down: list[Segment]
    degraded: list[Segment]
    markers: list[Marker]
    contacts: list[Marker]
    ticks: list[Tick]
    shifts: list[Marker] = ()  # where the zone's UTC offset changes inside the span
    zone_name: str = ""

    @property
    def merges(self) -> bool:
        """Whether anything on the bar stands for several stretches or marks."""
        return any(item.merged for item in [*self.down, *self.degraded, *self.markers, *self.contacts])

    # Rows under the axis (px): times, then zone names (beside a DST change), then dates
    # (multi-day spans), then support contacts; a row is left out when nothing is in it.
    @property
    def zone_y(self) -> int:
        return 80

    @property
    def date_y(self) -> int:
        return 80 + 13 * any(t.zone_name for t in self.ticks)

    @property
    def contact_y(self) -> int:
        return self.date_y + 10 + 13 * any(t.date for t in self.ticks)

    @property
    def height(self) -> int:
        return self.contact_y + 6


def layout(
    down: list[Interval],
    degraded: list[Interval],
    claimed: Interval | None,
    markers: list[tuple[datetime, str, str]],
    contacts: list[tuple[datetime, str, str]],
    zone: tzinfo,
) -> Bar | None:
    """Place everything on one axis; None when there is nothing to place. Times are clamped
    as the arithmetic clamps them (journal.downtime.as_utc). Positions are proportional to
    real (UTC) time, so a DST change moves no mark."""
    markers = [(as_utc(at), kind, label) for at, kind, label in markers]
    contacts = [(as_utc(at), kind, label) for at, kind, label in contacts]
    moments = [m for i in [*down, *degraded, *([claimed] if claimed else [])] for m in (i.start, i.end)]
    moments += [at for at, _, _ in markers] + [at for at, _, _ in contacts]
    if not moments:
        return None
    first, last = min(moments), max(moments)
    pad = min(max((last - first) * 0.03, timedelta(minutes=5)), MAX_PAD)
    start, end = first - pad, last + pad
    total = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return round((at - start).total_seconds() / total * 100, 3)

    def segment(interval: Interval, what: str) -> Segment:
        label = (
            f"{what} {_clock(interval.start, zone)}–{_clock(interval.end, zone)} ({format_duration(interval.duration)})"
        )
        return Segment(x(interval.start), max(round(x(interval.end) - x(interval.start), 3), MIN_WIDTH), label)

    def stretches(intervals: list[Interval], what: str, runs: Callable[[int], str]) -> list[Segment]:
        drawn = []
        for run in _runs(sorted(intervals, key=lambda i: i.start), lambda i: x(i.start), lambda i: x(i.end)):
            if len(run) == 1:
                drawn.append(segment(run[0], what))
                continue
            first, last = run[0].start, max(i.end for i in run)
            label = runs(len(run)) % {
                "count": len(run),
                "start": _clock(first, zone),
                "end": _clock(last, zone),
                "total": format_duration(sum((i.duration for i in run), timedelta())),
            }
            drawn.append(Segment(x(first), max(round(x(last) - x(first), 3), MIN_WIDTH), label, len(run)))
        return drawn

    def marks(placed: list[tuple[datetime, str, str]]) -> list[Marker]:
        drawn = []
        for kind in dict.fromkeys(k for _, k, _ in placed):
            mine = sorted((at, label) for at, k, label in placed if k == kind)
            for run in _runs(mine, lambda m: x(m[0]), lambda m: x(m[0])):
                (first, first_label), (last, last_label) = run[0], run[-1]
                if len(run) == 1:
                    drawn.append(Marker(x(first), kind, f"{_clock(first, zone)} {first_label}"))
                    continue
                label = ngettext(
                    "%(count)s mark from %(start)s to %(end)s; the first: %(first)s; the last: %(last)s",
                    "%(count)s marks from %(start)s to %(end)s; the first: %(first)s; the last: %(last)s",
                    len(run),
                ) % {
                    "count": len(run),
                    "start": _clock(first, zone),
                    "end": _clock(last, zone),
                    "first": first_label,
                    "last": last_label,
                }
                drawn.append(Marker(x(first), kind, label, len(run), max(round(x(last) - x(first), 3), MIN_WIDTH)))
        return sorted(drawn, key=lambda m: m.x)

    instants = _ticks(start, end, zone)
    return Bar(
        start=start,
        end=end,
        claimed=segment(claimed, gettext("Provider claimed")) if claimed else None,
        down=stretches(
            down,
            gettext("Down"),
            lambda n: ngettext(
                "Down %(count)s time from %(start)s to %(end)s (%(total)s in all)",
                "Down %(count)s times from %(start)s to %(end)s (%(total)s in all)",
                n,
            ),
        ),
        degraded=stretches(
            degraded,
            gettext("Degraded"),
            lambda n: ngettext(
                "Degraded %(count)s time from %(start)s to %(end)s (%(total)s in all)",
                "Degraded %(count)s times from %(start)s to %(end)s (%(total)s in all)",
                n,
            ),
        ),
        markers=marks(markers),
        contacts=marks(contacts),
        ticks=_labelled(instants, zone, x, multi_day=_local_date(start, zone) != _local_date(end, zone)),
        shifts=[Marker(x(at), "shift", label) for at, label in _shifts(instants, start, end, zone)],
        zone_name=str(zone),
    )


def _runs(items: list, left: Callable, right: Callable) -> list[list]:
    """``items`` (in order along the bar) in runs: an item starts a new run when at least
    MERGE_GAP lies between the furthest right of the run so far and its own left."""
    runs: list[list] = []
    reach = 0.0
    for item in items:
        if runs and left(item) - reach < MERGE_GAP:
            runs[-1].append(item)
            reach = max(reach, right(item))
        else:
            runs.append([item])
            reach = right(item)
    return runs


def _local(at: datetime, zone: tzinfo) -> datetime | None:
    """``at`` on the zone's wall clock; None where that falls outside the calendar."""
    try:
        return timezone.localtime(at, zone)
    except (OverflowError, ValueError):
        return None


def _local_date(at: datetime, zone: tzinfo):
    local = _local(at, zone)
    return local.date() if local else None


def _clock(at: datetime, zone: tzinfo, short: bool = False) -> str:
    local = _local(at, zone)
    if local is None:
        return "—"
    return f"{local:%H:%M}" if short else f"{local:%Y-%m-%d %H:%M}"


def _ticks(start: datetime, end: datetime, zone: tzinfo) -> list[datetime]:
    """Real instants (UTC) for at most MAX_TICKS round local times between start and end.

    Steps under a day are taken in real time from the first round wall-clock time, so they are
    evenly spaced and an hour repeated or skipped by a DST change shows in their labels. Steps
    of days fall on local midnights (a day with a DST change is 23 or 25 hours long)."""
    step = next((s for s in STEPS if (end - start) / s <= MAX_TICKS), STEPS[-1])
    local = _local(start, zone)
    if local is None:
        return []
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    ticks: list[datetime] = []
    try:
        if step < timedelta(days=1):
            seconds = step.total_seconds()
            wall = local.replace(tzinfo=None)
            offset = ((wall - midnight).total_seconds() // seconds + 1) * seconds
            tick = as_utc((midnight + timedelta(seconds=offset)).replace(tzinfo=zone))
            while tick < end and len(ticks) < MAX_TICKS + 1:
                if tick > start:
                    ticks.append(tick)
                tick += step
        else:
            day = midnight + timedelta(days=1)
            while len(ticks) < MAX_TICKS + 1:
                tick = as_utc(day.replace(tzinfo=zone))
                if tick >= end:
                    break
                if tick > start and (not ticks or tick > ticks[-1]):
                    ticks.append(tick)
                day += step
    except OverflowError:
        pass  # the calendar ends; the ticks so far stand
    return ticks


def _offset(at: datetime, zone: tzinfo) -> timedelta | None:
    local = _local(at, zone)
    return local.utcoffset() if local else None


def _labelled(instants: list[datetime], zone: tzinfo, x, multi_day: bool) -> list[Tick]:
    offsets = [_offset(at, zone) for at in instants]
    changes = len(set(offsets)) > 1
    walls = [f"{local:%Y-%m-%d %H:%M}" if (local := _local(at, zone)) else "" for at in instants]
    ticks = []
    previous_date = None
    for i, at in enumerate(instants):
        local = _local(at, zone)
        if local is None:
            continue
        beside_change = changes and (
            i == 0
            or offsets[i - 1] != offsets[i]
            or (i + 1 < len(offsets) and offsets[i + 1] != offsets[i])
            or walls.count(walls[i]) > 1  # a repeated hour: both of its ticks say which
        )
        date = ""
        if multi_day and local.date() != previous_date:
            new_year = previous_date is None or local.year != previous_date.year
            date = f"{local:%Y-%m-%d}" if new_year else f"{local:%m-%d}"
        previous_date = local.date()
        ticks.append(Tick(x(at), at, f"{local:%H:%M}", date, (local.tzname() or "") if beside_change else ""))
    return ticks


def _shifts(instants: list[datetime], start: datetime, end: datetime, zone: tzinfo) -> list[tuple[datetime, str]]:
    """Where the zone's offset changes between start and end, to the second, with what the clock did."""
    points = [start, *instants, end]
    found = []
    for a, b in zip(points, points[1:], strict=False):
        before, after = _offset(a, zone), _offset(b, zone)
        if before is None or after is None or before == after:
            continue
        while (b - a) > timedelta(seconds=1):  # the first instant with the new offset
            middle = a + (b - a) / 2
            if _offset(middle, zone) == before:
                a = middle
            else:
                b = middle
        at = b.replace(microsecond=0) + (timedelta(seconds=1) if b.microsecond else timedelta())
        old, new = _local(at - timedelta(seconds=1), zone), _local(at, zone)
        # the wall clock as it read at the change: e.g. 03:00 CEST becomes 02:00 CET
        clocks = {
            "old": f"{(old + timedelta(seconds=1)).replace(tzinfo=None):%H:%M} {old.tzname()}",
            "new": f"{new:%H:%M} {new.tzname()}",
        }
        if after < before:
            found.append((at, gettext("Clocks go back: %(old)s becomes %(new)s") % clocks))
        else:
            found.append((at, gettext("Clocks go forward: %(old)s becomes %(new)s") % clocks))
    return found


def build(incident) -> Bar | None:
    """The bar for an incident page, in the viewer's current zone."""
    totals = incident.totals
    noted = [
        (e.at, e.type, f"{e.get_type_display()}: {e.text}".strip(": "))
        for e in incident.events.all()
        if e.type in ("noticed", "status_claimed")
    ]
    contacts = [
        (
            c.opened_at,
            c.channel,
            _contact_label(c),
        )
        for c in incident.support_contacts.all()
    ]
    return layout(totals.down, totals.degraded, totals.claimed, noted, contacts, timezone.get_current_timezone())


def _contact_label(contact) -> str:
    words = {"channel": contact.get_channel_display(), "who": contact.get_initiated_by_display().lower()}
    if contact.response_time is None:
        return gettext("%(channel)s (%(who)s)") % words
    words["after"] = format_duration(contact.response_time)
    return gettext("%(channel)s (%(who)s), answered in %(after)s") % words
