"""Which of an incident's events its page's timeline shows, and where a changed one goes.

The page opens on the latest WINDOW events; earlier ones are loaded on demand (``?before=<id>``
adds WINDOW more, ``?all=1`` shows them all). Totals, time bar and reconciliation are always
over every event: only the rows are windowed. Rows carry their labels as attributes read
from dicts once, not ``get_FOO_display()`` per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from django.http import QueryDict

from journal.models import LogLine, TimelineEvent

WINDOW = 200
CONTEXT_RADIUS = 3
TYPE_LABELS = dict(TimelineEvent.Type.choices)
SOURCE_LABELS = dict(TimelineEvent.Source.choices)


@dataclass(frozen=True)
class Window:
    rows: list[TimelineEvent]
    earlier: int  # events before the first row, not shown
    total: int

    @property
    def first(self) -> TimelineEvent | None:
        return self.rows[0] if self.rows else None

    @property
    def next_batch(self) -> int:
        """How many events "Show earlier" adds."""
        return min(WINDOW, self.earlier)


def labelled(events: Sequence[TimelineEvent], zone: tzinfo) -> Sequence[TimelineEvent]:
    """Give each row what its template shows, computed once here rather than by a filter or
    ``get_FOO_display()`` per row: labels, its time in ISO, in the viewer's zone and in the
    service's ``zone``."""
    from journal.templatetags.journal import stamp

    for event in events:
        event.type_label = TYPE_LABELS.get(event.type, event.type)
        event.source_label = SOURCE_LABELS.get(event.source, event.source)
        event.iso, event.shown_at, event.local_at = event.at.isoformat(), stamp(event.at), stamp(event.at, zone)
    return events


LINES_PER_QUERY = 900  # under SQLite's old limit of bound parameters


def with_lines(rows: Sequence[TimelineEvent]) -> Sequence[TimelineEvent]:
    """Give the rows accepted from a log line that line's number and excerpt (not its text),
    in one query per LINES_PER_QUERY such rows: the other events are never joined to lines."""
    linked = [e for e in rows if e.log_line_id]
    found = {}
    for start in range(0, len(linked), LINES_PER_QUERY):
        wanted = {e.log_line_id for e in linked[start : start + LINES_PER_QUERY]}
        found.update(LogLine.objects.only("id", "excerpt_id", "number").in_bulk(wanted))
    for event in linked:
        if event.log_line_id in found:
            event.log_line = found[event.log_line_id]
    return rows


def requested_start(query: QueryDict | dict) -> tuple[bool, int | None]:
    """(show all, the event id to show WINDOW more before) from the page's query string."""
    before = query.get("before", "")
    return query.get("all") == "1", int(before) if before.isdecimal() and len(before) < 19 else None


def window(events: Sequence[TimelineEvent], zone: tzinfo, show_all: bool = False, before: int | None = None) -> Window:
    """The rows shown of ``events`` (all of the incident's, in time order): the latest WINDOW;
    with ``before`` (an event id), from WINDOW events before that one to the end; all of them
    with ``show_all``. An unknown ``before`` shows the latest WINDOW."""
    start = max(0, len(events) - WINDOW)
    if show_all:
        start = 0
    elif before is not None:
        at = next((n for n, e in enumerate(events) if e.pk == before), None)
        if at is not None:
            start = max(0, min(start, at - WINDOW))
    return Window(rows=list(with_lines(labelled(events[start:], zone))), earlier=start, total=len(events))


@dataclass(frozen=True)
class Abridged:
    """A long list shown as its first and last few, with how many lie between."""

    head: list
    skipped: int
    tail: list


def abridged(items: Sequence, each_end: int = 10) -> Abridged:
    if len(items) <= 2 * each_end + 1:
        return Abridged(list(items), 0, [])
    return Abridged(list(items[:each_end]), len(items) - 2 * each_end, list(items[-each_end:]))


def _key(event: TimelineEvent) -> tuple:
    return (event.at, event.pk)


@dataclass(frozen=True)
class Placement:
    """Where a changed row goes on a page whose first row (other than the changed one) is
    ``first_shown``: ``swap`` is an htmx out-of-band swap ("afterend:#event-5"), or "" when
    the row falls among the earlier events not shown; ``earlier``: how many those are now."""

    swap: str
    earlier: int
    first: TimelineEvent | None  # the first row shown after the change


def place(events: Sequence[TimelineEvent], changed: TimelineEvent | None, first_shown: int | None) -> Placement:
    """``events``: all of the incident's, after the change, in time order. ``first_shown``: the
    id of the page's first row other than the changed one; when the page did not say (or that
    row is gone) the page is taken to show the latest WINDOW."""
    others = [e for e in events if changed is None or e.pk != changed.pk]
    at = next((n for n, e in enumerate(others) if e.pk == first_shown), None)
    if at is None:
        at = max(0, len(others) - WINDOW)
    first = others[at] if others else None
    if changed is None:
        return Placement("", at, first)
    if first is None:
        return Placement("beforeend:#timeline-rows", 0, changed)
    if _key(changed) < _key(first):
        return Placement("", at + 1, first)  # among the earlier events, not shown
    previous = max((e for e in others[at:] if _key(e) < _key(changed)), key=_key)  # first at least
    return Placement(f"afterend:#event-{previous.pk}", at, first)


def context_lines(line: LogLine, radius: int = CONTEXT_RADIUS) -> list[LogLine]:
    """The line and ``radius`` lines either side of it in its excerpt."""
    return list(
        LogLine.objects.filter(
            excerpt_id=line.excerpt_id, number__gte=line.number - radius, number__lte=line.number + radius
        ).order_by("number")
    )
