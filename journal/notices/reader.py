"""Reading a notice: every window it states (kept as candidates, with the text each came from),
the one it claims for the incident, and how sure the reader is."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from journal.notices.labels import DATE_KEYS, Field, labelled_fields, status_updates
from journal.notices.times import Moment, duration_at, read_moments
from journal.notices.zones import Zone, aware, first_zone
from journal.timezones import get_zone

READ_LIMIT = 20_000  # characters of a notice read (the notice itself is kept whole)
LINE_LIMIT = 2_000  # characters of one line read
AHEAD = timedelta(days=2 * 366)  # announced maintenance may lie this far ahead
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
ERA = re.compile(r"(令和|平成|昭和) ?(\d{1,2}|元) ?年")
SPACES = re.compile(r"[ \u00a0]+")
# matched on lowercased text: a pattern without IGNORECASE starts with literals the engine skips to
MAINTENANCE = re.compile(r"メンテナンス|保守作業|作業日時|作業予定|maintenance")
INCIDENT = re.compile(r"障害|不具合|incident|outage|disruption|unexpected|unavailable|degrad")
CONNECTOR = re.compile(
    r"\A ?\n? ?(?:\([^)\n]{0,12}\) ?)?(?:～|〜|~|-|–|—|から|より|to|until|till|through|thru|and)"
    r"(?: (?:approximately|about|around|roughly))? ?\n? ?\Z"
)
HOW = ("labels", "range", "duration", "updates", "guess")  # the order a window is trusted in
GUESSES = 6
MOMENTS, FIELDS, LINES = 200, 100, 500  # read at most; a real notice has far fewer


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None
    kind: str  # incident, maintenance, update-history or duration
    how: str  # labels, range, duration, updates or guess
    text: str  # the lines it was read from
    approximate: bool = False
    doubts: tuple[str, ...] = ()  # times that do not exist, happened twice, or a zone not in use

    @property
    def span(self) -> tuple[datetime | None, datetime | None]:
        return self.start, self.end


@dataclass(frozen=True)
class Update:
    status: str
    posted: datetime | None
    text: str


@dataclass(frozen=True)
class Claim:
    start: datetime | None = None
    end: datetime | None = None
    approximate: bool = False
    target: str = ""
    cause: str = ""
    windows: tuple[Window, ...] = ()
    chosen: Window | None = None
    updates: tuple[Update, ...] = ()
    reasons: tuple[str, ...] = ()  # why the reader is unsure; empty when it is sure

    @property
    def unsure(self) -> bool:
        return bool(self.reasons)

    @property
    def confidence(self) -> str:
        if self.chosen is None:
            return "none"
        return "low" if self.unsure else "high"


def parse_notice(text: str, zone: str = "UTC", year: int | None = None, now: datetime | None = None) -> Claim:
    """What the notice claims. ``zone``: the zone of times that name none (the provider's);
    ``year``: the year of dates written without one (the incident's); ``now``: for the range
    check (dates from 1970 to two years ahead are read)."""
    reader = _Reader(text, get_zone(zone), year, now or datetime.now(UTC))
    return reader.claim()


class _Reader:
    def __init__(self, text: str, zone, year: int | None, now: datetime):
        self.reasons: list[str] = []
        if len(text) > READ_LIMIT:
            self.reasons.append(_("only the first %(n)s characters were read") % {"n": f"{READ_LIMIT:,}"})
            text = text[:READ_LIMIT]
        text = unicodedata.normalize("NFKC", text).replace("\t", " | ")  # a tab parts a table's cells
        text = ERA.sub(_western_year, SPACES.sub(" ", text))
        lines = text.splitlines()
        if len(lines) > LINES:
            self.reasons.append(_("only the first %(n)s lines were read") % {"n": f"{LINES:,}"})
        self.lines = [self._line(line) for line in lines[:LINES]]
        self.offsets, position = [], 0
        for line in self.lines:
            self.offsets.append(position)
            position += len(line) + 1
        self.text = "\n".join(self.lines)
        self.zone = first_zone(self.text) or Zone(zone)
        self.now = now
        self.moments, dropped = read_moments(self.text, year, range(1970, now.year + 3), MOMENTS)
        self.reasons.extend(dropped)
        self.fields = labelled_fields(self.lines, self.offsets)[:FIELDS]
        self.used: set[int] = set()  # moments that belong to a window already

    def _line(self, line: str) -> str:
        line = line.rstrip()
        if len(line) > LINE_LIMIT:
            line = line[:LINE_LIMIT]
            self.reasons.append(_("long lines were cut at %(n)s characters") % {"n": f"{LINE_LIMIT:,}"})
        return line

    # -- reading --------------------------------------------------------------------------

    def claim(self) -> Claim:
        updates, posted = self._updates()
        windows = self._ranges() + self._durations() + self._labelled_pairs()
        history = self._history(updates)
        stated = any(w.kind in ("incident", "duration") for w in windows)
        if history:
            windows.append(history)
        if not stated and not self._about_maintenance():
            guesses = self._guesses(posted)
            if history and guesses:
                self.reasons.append(_("the window comes from when the updates were posted; the text names other times"))
            windows += guesses
        windows = _distinct(windows)
        chosen = self._choose(windows)
        fields = {}
        for field in self.fields:
            fields.setdefault(field.key, field.value[:500])
        cause = fields.get("cause", "")
        if not cause and not (chosen and chosen.kind == "maintenance"):
            cause = fields.get("details", "")
        return Claim(
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            approximate=bool(chosen and chosen.approximate),
            target=fields.get("target", ""),
            cause=cause,
            windows=tuple(windows),
            chosen=chosen,
            updates=tuple(updates),
            reasons=tuple(dict.fromkeys(self.reasons)),
        )

    def _instant(self, moment: Moment, wall: datetime | None = None) -> tuple[datetime | None, str | None]:
        wall = wall or moment.wall
        at, doubt = aware(wall, moment.zone or self.zone)
        if not EARLIEST <= at <= self.now + AHEAD:
            self.reasons.append(
                _("%(time)s is outside 1970 … two years ahead: ignored") % {"time": f"{wall:%Y-%m-%d %H:%M}"}
            )
            return None, None
        return at, doubt

    def _window(self, first: Moment, last: Moment | None, how: str, field: Field | None = None, length=None,
                approximate=False) -> Window | None:  # fmt: skip
        start, doubt = self._instant(first)
        if start is None:
            return None
        doubts = [doubt] if doubt else []
        end = None
        if last is not None:
            wall = last.wall
            if wall < first.wall and not last.dated:
                wall += timedelta(days=1)  # "23:00 ～ 01:30": an end without its own date is the next day
            end, doubt = self._instant(last, wall)
            doubts += [doubt] if doubt else []
        elif length is not None:
            end = start + length
            if end > self.now + AHEAD:
                end = None
        if end is not None and end < start:
            self.reasons.append(
                _("%(lines)s: the end is before the start; the end is ignored") % {"lines": self._lines_of(first, last)}
            )
            end = None
        if how == "guess":
            maintenance = False  # a guess is offered for the incident only
        elif field:
            maintenance = field.key == "maintenance" or self._about_maintenance()
        else:
            context = self._sentence(first, last).lower()
            maintenance = bool(MAINTENANCE.search(context)) and not INCIDENT.search(context)
        kind = "maintenance" if maintenance else "duration" if how == "duration" else "incident"
        return Window(
            start, end, kind, how, self._lines_of(first, last),
            first.approximate or bool(last and last.approximate) or approximate, tuple(doubts),
        )  # fmt: skip

    def _ranges(self) -> list[Window]:
        windows = []
        for first, last in zip(self.moments, self.moments[1:], strict=False):
            gap = self.text[first.end : last.start]
            if id(first) in self.used or len(gap) > 40 or not CONNECTOR.match(gap.lower()):
                continue
            if (
                gap.strip().lower() == "and"
                and "between" not in self.text[max(0, first.start - 40) : first.end].lower()
            ):
                continue
            field = self._field_of(first)
            window = self._window(first, last, "labels" if field else "range", field)
            self.used.update((id(first), id(last)))
            if window:
                windows.append(window)
        return windows

    def _durations(self) -> list[Window]:
        windows = []
        for moment in self.moments:
            if id(moment) in self.used:
                continue
            duration = duration_at(self.text, moment.end)
            if duration is None:
                continue
            field = self._field_of(moment)
            window = self._window(moment, None, "labels" if field else "duration", field, duration.length,
                                  duration.approximate)  # fmt: skip
            self.used.add(id(moment))
            if window:
                windows.append(window)
        return windows

    def _labelled_pairs(self) -> list[Window]:
        """A start field with the end field written after it (before the next start field)."""
        windows = []
        for index, field in enumerate(self.fields):
            if field.key != "start":
                continue
            first = self._first_in(field)
            if first is None or id(first) in self.used:
                continue
            end_field = None
            for later in self.fields[index + 1 :]:
                if later.key == "start":
                    break
                if later.key == "end":
                    end_field = later
                    break
            last = self._first_in(end_field) if end_field else None
            window = self._window(first, last, "labels", field)
            self.used.add(id(first))
            if last:
                self.used.add(id(last))
            if window:
                windows.append(window)
        return windows

    def _updates(self) -> tuple[list[Update], set[int]]:
        updates, posted = [], set()
        for update in status_updates(self.lines, self.offsets):
            moment = next((m for m in self.moments if update.posted_at <= m.start < update.posted_end), None)
            at = None
            if moment is not None:
                posted.add(id(moment))
                self.used.add(id(moment))
                at, _ = self._instant(moment)
            updates.append(Update(update.status, at, update.text[:500]))
        return updates, posted

    def _history(self, updates: list[Update]) -> Window | None:
        """From the first update posted to the last "Resolved" (or "Completed")."""
        posts = [u for u in updates if u.posted and u.status not in ("Postmortem", "Scheduled")]
        if not posts:
            return None
        start = min(u.posted for u in posts)
        ends = [u.posted for u in posts if u.status in ("Resolved", "Completed") and u.posted >= start]
        end = max(ends) if ends else None
        text = " / ".join(
            f"{u.status} {u.posted.astimezone(UTC):%Y-%m-%d %H:%M} UTC" for u in posts if u.posted in (start, end)
        )
        return Window(start, end, "update-history", "updates", text[:300])

    def _guesses(self, posted: set[int]) -> list[Window]:
        """No window stated: the first time written, with each later time, as candidates."""
        free = [m for m in self.moments if id(m) not in posted and id(m) not in self.used]
        if len(free) < 2:
            return []
        windows = []
        first, _ = self._instant(free[0])
        for later in free[1:]:
            at, _ = self._instant(later)
            if first and at and at > first and len(windows) < GUESSES:
                window = self._window(free[0], later, "guess")
                if window:
                    windows.append(window)
        return windows

    def _choose(self, windows: list[Window]) -> Window | None:
        incident, maintenance = ("incident", "duration", "update-history"), ("maintenance",)
        for kinds in (maintenance, incident) if self._about_maintenance() else (incident, maintenance):
            candidates = [w for w in windows if w.kind in kinds]
            if not candidates:
                continue
            best = min(HOW.index(w.how) for w in candidates)
            tier = [w for w in candidates if HOW.index(w.how) == best]
            # several windows: one that another reading confirms (a range and "lasting …") is the one
            confirmed = [w for w in tier if any(o.span == w.span and o.how != w.how for o in windows)]
            chosen = confirmed[0] if len(confirmed) == 1 else tier[0]
            if HOW[best] == "guess":
                self.reasons.append(
                    _("no window is stated: the first time written, paired with a later one, is a guess")
                )
            elif len(tier) > 1 and len(confirmed) != 1:
                self.reasons.append(_("%(n)d windows are written: pick the one the provider claims") % {"n": len(tier)})
            elif len(confirmed) != 1 and any(w.how in HOW[:3] and not _overlap(w, chosen) for w in candidates):
                self.reasons.append(_("another window written elsewhere in the notice does not overlap this one"))
            self.reasons.extend(chosen.doubts)
            return chosen
        return None

    # -- where things are -----------------------------------------------------------------

    def _about_maintenance(self) -> bool:
        title = next((line for line in self.lines[:5] if line.strip()), "").lower()
        return bool(MAINTENANCE.search(title)) and not INCIDENT.search(title)

    def _field_of(self, moment: Moment) -> Field | None:
        return next((f for f in self.fields if f.key in DATE_KEYS and f.start <= moment.start < f.end + 1), None)

    def _first_in(self, field: Field) -> Moment | None:
        return next((m for m in self.moments if field.start <= m.start < field.end + 1), None)

    def _lines_of(self, first: Moment, last: Moment | None) -> str:
        rows = dict.fromkeys(bisect_right(self.offsets, m.start) - 1 for m in (first, last) if m)
        return " / ".join(self.lines[row].strip() for row in rows)[:300]

    def _sentence(self, first: Moment, last: Moment | None) -> str:
        before = self.text[max(0, first.start - 200) : first.start]
        begins = max(before.rfind("。") + 1, before.rfind("\n") + 1, before.rfind(". ") + 2)
        return before[begins:] + self.text[first.start : (last or first).end]


def _western_year(era: re.Match) -> str:
    return f"{ERAS[era.group(1)] + (1 if era.group(2) == '元' else int(era.group(2)))}年"


def _overlap(one: Window, other: Window) -> bool:
    if one.end is None or other.end is None:
        return one.start == other.start
    return one.start <= other.end and other.start <= one.end


def _distinct(windows: list[Window]) -> list[Window]:
    seen, kept = set(), []
    for window in sorted(windows, key=lambda w: HOW.index(w.how)):
        key = (window.start, window.end, window.kind)
        if key not in seen:
            seen.add(key)
            kept.append(window)
    return kept
