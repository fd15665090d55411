"""Dates, times and durations as providers write them, read into *moments*: a wall-clock
date-time with where it was written, the zone written with it and whether it was marked
approximate (頃, 約, "approximately", "around").

Every pattern here runs on text whose whitespace runs were collapsed to one space, so none of
them needs an unbounded ``\\s*``; every repetition is bounded, every pattern linear. The finders
(``DATE``, ``TIME``) begin with one character class, so the engine skips other text at C speed;
what they found is read by an anchored ``*_PARTS`` pattern, and the patterns read at a position
(zone, 頃, duration) are anchored with ``\\A`` and given a short slice.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.utils.formats import date_format
from django.utils.translation import gettext

from journal.notices.zones import Zone, zone_at

MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}  # fmt: skip

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}"
# What a date or a time looks like, read from a match of a finder below (anchored: fast anywhere).
DATE_PARTS = re.compile(
    r"\A(?:(?:(?P<y>\d{4}) ?年 ?)?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?日"
    r"|(?P<y2>\d{4})[/.-](?P<m2>\d{1,2})[/.-](?P<d2>\d{1,2})"
    rf"|(?P<mon>{MONTH})\.? (?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y3>\d{{4}}))?"
    rf"|(?P<d4>\d{{1,2}})(?:st|nd|rd|th)? (?P<mon4>{MONTH})(?:,? (?P<y4>\d{{4}}))?"
    r"|(?P<m7>\d{1,2})/(?P<d7>\d{1,2})/(?P<y7>\d{4})"  # US order: 7/6/2018
    r"|(?P<m5>\d{1,2})/(?P<d5>\d{1,2})"  # a second date without its year: 03/07
    r"|(?P<d6>\d{1,2}) ?日"  # a second date without month and year: 25日
    r"|(?P<same>同日|当日)|(?P<next>翌日|翌))\Z"
)
TIME_PARTS = re.compile(
    r"\A(?:(?P<jp_ampm>午前|午後) ?|(?P<pre>[AaPp])\.?[Mm]\.? ?)?"
    r"(?:(?P<h>\d{1,2}) ?時 ?(?:(?P<mi>\d{1,2}) ?分|(?P<half>半))?"
    r"|(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?::\d{2})?"
    r"|(?P<h3>\d{1,2}))"
    r"(?: ?(?P<post>[AaPp])\.?[Mm]\.?)?\Z"
)
# Finders: each begins with one character class, so the engine skips everything else at C speed.
DATE = re.compile(
    r"[\d同当翌JFMASOND](?<![\d/]\d)(?<![A-Za-z][A-Z])(?:"
    r"(?<=\d)(?=\d{0,3}[年月日/.\- snrt])(?:\d{3}(?: ?年 ?\d{1,2} ?月 ?\d{1,2} ?日|[/.-]\d{1,2}[/.-]\d{1,2}(?!\d))"
    r"|(?<![:.]\d)\d?/\d{1,2}(?:/\d{4}(?!\d)|(?![\d/:]))"
    rf"|\d?(?: ?月 ?\d{{1,2}} ?日| ?日(?! ?間)|(?:st|nd|rd|th)? {MONTH}(?:,? \d{{4}})?(?![\d:])))"
    r"|(?<=[A-Z])[a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?(?!\d)(?:,? \d{4}(?!\d))?"
    r"|(?<=[同当])日|(?<=翌)日?)"
)
_BODY = r"\d{1,2} ?時(?!間) ?(?:\d{1,2} ?分(?!間)|半)?|\d{1,2}:\d{2}(?::\d{2})?(?!:?\d)"
_AMPM = r"[AaPp]\.?[Mm](?![A-Za-z])"
TIME = re.compile(
    r"[\d午AaPp](?<![\d:.]\d)(?<![A-Za-z][AaPp])(?:"
    rf"(?<=午)[前後] ?(?:{_BODY})"
    rf"|(?<=[AaPp])\.?[Mm]\.? ?(?:{_BODY})"
    r"|(?<=\d)(?:\d? ?時(?!間) ?(?:\d{1,2} ?分(?!間)|半)?|\d?:\d{2}(?::\d{2})?(?!:?\d)"
    rf"|\d?(?= ?{_AMPM})))"
    rf"(?: ?{_AMPM}\.?)?"
)
APPROXIMATE_BEFORE = ("約", "おおよそ", "approximately", "approx.", "approx", "around", "about", "roughly", "circa")
APPROXIMATE_AFTER = re.compile(r"\A ?(?:頃|ごろ|前後|過ぎ)")
AFTER_TIME = re.compile(r"\A ?(?:\(?(?:[A-Z]{2,4}|(?:UTC|GMT) ?[+-] ?\d{1,2}(?::?\d{2})?)\)?)?,? ?(?:on )?\Z")
DURATION = re.compile(
    r"\A ?[(（]? ?(?:～|〜|~|から)? ?(?:(?:lasting|for) (?:a total of )?)?"
    r"(?P<about>約|approx(?:imately|\.)? |about |around |roughly )?"
    r"(?:(?P<h>\d{1,3}) ?(?:時間|hours?|hrs?)(?: ?(?:and )?(?P<m>\d{1,2}) ?(?:分|minutes?|mins?))?"
    r"|(?P<m2>\d{1,4}) ?(?:分間?|minutes?|mins?)(?![A-Za-z]))"
    r"(?P<about2> ?(?:程度|ほど|前後|くらい|ぐらい))?",
    re.IGNORECASE,
)
SLICE = 64  # how far past a time a zone, 頃 or a duration written with it may reach


@dataclass(frozen=True)
class Moment:
    wall: datetime
    start: int  # where it was written: from its date (or time) …
    end: int  # … to the end of its time and the zone or 頃 after it
    zone: Zone | None
    approximate: bool
    dated: bool  # a date was written for it (not carried over from an earlier one)


@dataclass(frozen=True)
class Duration:
    length: timedelta
    approximate: bool


def read_moments(text: str, year: int | None, years: range, limit: int = 200) -> tuple[list[Moment], list[str]]:
    """The moments written in ``text`` in order, and what was ignored and why. A time takes the
    date written just after it ("17:00 UTC Feb 6, 2024"), else the date before it, else (in
    the same paragraph) the first date written after it. Dates without a year take the year of
    the date before them (a later month of the next year if they fall before it), else
    ``year``; dates outside ``years`` are ignored. At most ``limit`` moments are read."""
    dates = ((m.start(), 0, p) for m in DATE.finditer(text) if (p := _parts(DATE_PARTS, m)))
    times = ((m.start(), 1, p) for m in TIME.finditer(text) if (p := _parts(TIME_PARTS, m)))
    tokens = list(islice(heapq.merge(dates, times, key=lambda t: t[:2]), 3 * limit))
    moments: list[Moment] = []
    reasons: list[str] = []
    current: date | None = None
    current_at = date_end = -1
    first_after_date = False
    waiting: list[tuple[re.Match, time]] = []  # times before any date, in this paragraph
    for index, (position, is_time, found) in enumerate(tokens):
        if len(moments) >= limit:
            reasons.append(gettext("only the first %(n)d times written were read") % {"n": limit})
            break
        if waiting and "\n" in text[waiting[-1][0].end() : position]:
            waiting = []  # a time waits for a date on its own line only
        if not is_time:
            read, why = _date(found, current, year, years)
            if read is None and why is None:
                continue  # not a date after all ("Update 2", "3/7" with no date before it)
            if why:
                reasons.append(why)
            current, current_at, date_end, first_after_date = read, found.start(), found.end(), True
            if read and waiting:
                moments.extend(_moment(text, t, clock, read, t.start(), True) for t, clock in waiting)
                waiting = []
            continue
        if position < date_end:  # digits inside a date
            continue
        clock = _clock(found)
        if clock is None:
            continue
        after = _date_just_after(text, found.end(), tokens[index + 1 : index + 2])
        if after is not None:
            read, why = _date(after, current, year, years)
            if read:
                moments.append(_moment(text, found, clock, read, found.start(), True, after.end()))
            continue
        if current is not None:
            close = first_after_date and position - date_end <= 16
            moments.append(_moment(text, found, clock, current, current_at if close else found.start(), close))
            first_after_date = False
        elif date_end < 0 or position - date_end > 16:  # not the time of a date just ignored
            waiting.append((found, clock))
    if len(tokens) == 3 * limit and len(moments) < limit:
        reasons.append(gettext("only the first %(n)d times written were read") % {"n": len(moments)})
    moments.sort(key=lambda m: m.start)
    return moments, reasons


@dataclass(frozen=True)
class _Token:
    """A finder's match with the parts its ``*_PARTS`` pattern reads from it."""

    found: re.Match
    parts: re.Match

    def start(self) -> int:
        return self.found.start()

    def end(self) -> int:
        return self.found.end()

    def group(self, name):
        return self.parts.group(name)


def _parts(pattern: re.Pattern, found: re.Match) -> _Token | None:
    parts = pattern.match(found.group(0))
    return _Token(found, parts) if parts else None


def _date_just_after(text: str, end: int, rest) -> re.Match | None:
    """A date written right after a time ("17:00 UTC Feb 6, 2024", "01:30 UTC, on May 30")."""
    for _, is_time, found in rest:
        gap = text[end : found.start()]
        if not is_time and len(gap) <= 16 and AFTER_TIME.match(gap):
            return found
    return None


def _moment(text, found, clock, day, start, dated, end=None) -> Moment:
    stop = found.end()
    zone, stop = zone_at(text, stop)
    after = APPROXIMATE_AFTER.match(text[stop : stop + SLICE])
    approximate = bool(after) or _approximate_before(text[max(0, start - 24) : start])
    if after:
        stop += after.end()
        if zone is None:
            zone, stop = zone_at(text, stop)
    return Moment(datetime.combine(day, clock), start, max(stop, end or 0), zone, approximate, dated)


def _approximate_before(before: str) -> bool:
    """ "approximately 06:07", "約6時", "at around 10:00": a marker just before the time."""
    before = before.rstrip().lower()
    for word in (" at", " from", " on"):
        before = before.removesuffix(word).rstrip()
    return before.endswith(APPROXIMATE_BEFORE)


def _date(m, before: date | None, year: int | None, years: range) -> tuple[date | None, str | None]:
    """The date a match stands for, from the date written before it where it leaves parts out."""
    if m.group("same"):
        return before, None
    if m.group("next"):
        return (before + timedelta(days=1) if before else None), None
    if m.group("d6"):
        if before is None:
            return None, None
        parts, written = (before.year, before.month, int(m.group("d6"))), False
    elif m.group("m"):
        parts, written = (m.group("y"), int(m.group("m")), int(m.group("d"))), bool(m.group("y"))
    elif m.group("m2"):
        parts, written = (m.group("y2"), int(m.group("m2")), int(m.group("d2"))), True
    elif m.group("m7"):
        parts, written = (m.group("y7"), int(m.group("m7")), int(m.group("d7"))), True
    elif m.group("m5"):
        if before is None:  # "3/7" alone is not read as a date: it could be anything
            return None, None
        parts, written = (None, int(m.group("m5")), int(m.group("d5"))), False
    else:
        name, day, y = (m.group("mon"), m.group("d3"), m.group("y3")) if m.group("mon") else (
            m.group("mon4"), m.group("d4"), m.group("y4"))  # fmt: skip
        month = MONTHS.get(name.lower())
        if month is None:
            return None, None
        parts, written = (y, month, int(day)), bool(y)
    y, month, day = parts
    if y is None:
        y = before.year if before else year
    if y is None:
        return None, None
    y = int(y)
    if y not in years:
        return None, gettext("%(date)s is outside %(first)d–%(last)d: ignored") % {
            "date": f"{y}-{month:02d}-{day:02d}",
            "first": years.start,
            "last": years.stop - 1,
        }
    try:
        read = date(y, month, day)
    except ValueError:
        return None, None
    if m.group("m7") and day <= 12 and day != month:
        return read, gettext("%(text)s was read as month/day (%(date)s); check it") % {
            "text": m.group(0),
            "date": date_format(read, "MONTH_DAY_FORMAT"),
        }
    if not written and before and read < before and y + 1 in years:
        try:
            read = date(y + 1, month, day) if m.group("d6") is None else _next_month(before, day)
        except ValueError:
            return None, None
    return read, None


def _next_month(before: date, day: int) -> date:
    return date(before.year + before.month // 12, before.month % 12 + 1, day)


def _clock(m: re.Match) -> time | None:
    if m.group("h") is not None:
        hour, minute = int(m.group("h")), 30 if m.group("half") else int(m.group("mi") or 0)
    else:
        hour, minute = int(m.group("h2") or m.group("h3")), int(m.group("mi2") or 0)
    marker = m.group("jp_ampm") or (m.group("pre") or m.group("post") or "").lower()
    if marker in ("午後", "p") and hour < 12:
        hour += 12
    elif marker in ("午前", "a") and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        return time(23, 59)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return time(hour, minute)


def duration_at(text: str, position: int) -> Duration | None:
    """A duration written right after a time ("(lasting 1 hour and 26 minutes)", "～10分間程度")."""
    found = DURATION.match(text[position : position + SLICE])
    if not found:
        return None
    hours = int(found.group("h") or 0)
    minutes = int(found.group("m") or found.group("m2") or 0)
    length = timedelta(hours=hours, minutes=minutes)
    if not length:
        return None
    return Duration(length, bool(found.group("about") or found.group("about2")))
