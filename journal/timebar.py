"""Geometry of an incident's time bar: one axis from the earliest to the latest fact, with the
claimed window, the observed down and degraded stretches, markers and support contacts placed
along it in percent. The template draws it as SVG; no JavaScript is needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.utils import timezone

from journal.downtime import Interval, as_utc, format_duration

STEPS = [timedelta(minutes=m) for m in (1, 5, 10, 15, 30, 60, 120, 180, 360, 720)] + [
    timedelta(days=d) for d in (1, 2, 7, 14, 30, 91, 182, 365)
]
MAX_TICKS = 8
MAX_PAD = timedelta(days=365)  # keeps the axis inside the calendar however long the span


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    kind: str
    label: str


@dataclass(frozen=True)
class Bar:
    start: datetime
    end: datetime
    claimed: Segment | None
    down: list[Segment]
    degraded: list[Segment]
    markers: list[Marker]
    contacts: list[Marker]
    ticks: list[Marker]


def layout(
    down: list[Interval],
    degraded: list[Interval],
    claimed: Interval | None,
    markers: list[tuple[datetime, str, str]],
    contacts: list[tuple[datetime, str, str]],
    zone: tzinfo,
) -> Bar | None:
    """Place everything on one axis; None when there is nothing to place. Times are clamped
    as the arithmetic clamps them (journal.downtime.as_utc)."""
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
        return Segment(x(interval.start), max(round(x(interval.end) - x(interval.start), 3), 0.2), label)

    return Bar(
        start=start,
        end=end,
        claimed=segment(claimed, "Provider claimed") if claimed else None,
        down=[segment(i, "Down") for i in down],
        degraded=[segment(i, "Degraded") for i in degraded],
        markers=[Marker(x(at), kind, f"{_clock(at, zone)} {label}") for at, kind, label in markers],
        contacts=[Marker(x(at), kind, f"{_clock(at, zone)} {label}") for at, kind, label in contacts],
        ticks=[Marker(x(at), "tick", _clock(at, zone, short=True)) for at in _ticks(start, end, zone)],
    )


def _clock(at: datetime, zone: tzinfo, short: bool = False) -> str:
    local = timezone.localtime(at, zone)
    return f"{local:%H:%M}" if short else f"{local:%Y-%m-%d %H:%M}"


def _ticks(start: datetime, end: datetime, zone: tzinfo) -> list[datetime]:
    """Round wall-clock times in ``zone`` between start and end, at most MAX_TICKS of them."""
    step = next((s for s in STEPS if (end - start) / s <= MAX_TICKS), STEPS[-1])
    local = timezone.localtime(start, zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = step.total_seconds()
    offset = ((local - midnight).total_seconds() // seconds + 1) * seconds if step < timedelta(days=1) else 86400
    tick = midnight + timedelta(seconds=offset)
    ticks = []
    while tick < end and len(ticks) < MAX_TICKS + 1:
        ticks.append(tick)
        tick += step
    return ticks


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
            f"{c.get_channel_display()} ({c.get_initiated_by_display().lower()})"
            + (f", answered in {format_duration(c.response_time)}" if c.response_time is not None else ""),
        )
        for c in incident.support_contacts.all()
    ]
    return layout(totals.down, totals.degraded, totals.claimed, noted, contacts, timezone.get_current_timezone())
