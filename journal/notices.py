"""What a provider's notice claims: start, end, target and cause, read from its text.

Pure functions over text (no ORM). Japanese notices (発生日時 / 復旧日時 / 対象 / 原因, dates
like ``2012年07月20日(金) 06時07分頃``, ``2012/07/20 06:07``, ``7月20日 6時07分``, 午前/午後,
era years such as 令和6年) and English ones (``July 20, 2012 06:07 JST``, ``2012-07-20 06:07
UTC``, ``between 10:07 PM and 11:45 PM PDT``, ``from 6:07am to 1:00pm``). The zone comes from
the text when it names one, else from the caller. What cannot be read is left empty: the
notice itself is always kept verbatim, and the user confirms what was read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from journal.timezones import get_zone, localize

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
ZONE_ABBREVIATIONS = {
    "JST": 9, "KST": 9, "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "IST": 5.5, "SGT": 8, "HKT": 8, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}  # fmt: skip

LABELS = {
    "start": r"障害発生日時|発生日時|発生時刻|障害発生時刻|発生日|開始日時|影響開始日時"
    r"|start(?:ed)?(?: time| at)?|began(?: at)?|incident start",
    "end": r"復旧日時|復旧時刻|復旧完了日時|解消日時|終了日時"
    r"|end(?:ed)?(?: time| at)?|resolved(?: at)?|recovered(?: at)?|recovery time",
    "period": r"障害発生期間|発生期間|障害期間|影響期間|期間|日時|time window|period|duration|when",
    "target": r"対象サービス|対象サーバー?|対象|影響範囲|affected(?: services?| systems?)?|scope|target",
    "cause": r"障害原因|原因|cause|root cause",
    "details": r"影響/詳細|影響・詳細|詳細|内容|details?|description|summary",
}
_LABEL_LINE = re.compile(
    r"^\s*[・■●◆◇□*\-]?\s*(?P<label>"
    + "|".join(f"(?P<{k}>{v})" for k, v in LABELS.items())
    + r")\s*[:：]\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_ERA = re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年")
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<y2>\d{4})[/.-](?P<m2>\d{1,2})[/.-](?P<d2>\d{1,2})"
    r"|(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d3>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{4})"
    r"|(?P<d4>\d{1,2})\s+(?P<mon4>[A-Za-z]{3,9})\.?,?\s+(?P<y4>\d{4})"
)
_TIME = re.compile(
    r"(?P<jp_ampm>午前|午後)?\s*(?P<h>\d{1,2})\s*時\s*(?:(?P<mi>\d{1,2})\s*分|(?P<half>半))?"
    r"|(?<![\d:])(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?::\d{2})?(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?"
    r"|(?<![\d:])(?P<h3>\d{1,2})\s*(?P<ampm3>[AaPp])\.?[Mm]\b\.?"
)
_ZONE = re.compile(
    r"\b(?:UTC|GMT)\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?\b|\b(?P<abbr>[A-Z]{2,4})\b|日本時間"
)
_APPROXIMATE = re.compile(r"頃|ごろ|前後|約|程度|approx(?:\.|imately)?|around|about|roughly|circa", re.IGNORECASE)
_RANGE_SPLIT = re.compile(r"\s*(?:～|〜|~|から|to|until|till|and|–|—| - )\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    start: datetime | None = None
    end: datetime | None = None
    approximate: bool = False
    target: str = ""
    cause: str = ""


def parse_notice(text: str, zone: str = "UTC", year: int | None = None) -> Claim:
    """What the notice claims. ``zone``: the zone of times that name none (the provider's);
    ``year``: the year of dates written without one (the incident's)."""
    normalized = unicodedata.normalize("NFKC", text)
    normalized = _ERA.sub(
        lambda m: f"{ERAS[m.group(1)] + (1 if m.group(2) == '元' else int(m.group(2)))}年", normalized
    )
    fields = _labelled_fields(normalized)
    tz = _zone_in(normalized) or get_zone(zone)
    start_text, end_text = fields.get("start", ""), fields.get("end", "")
    starts = _moments(start_text, year)
    ends = _moments(end_text, year, on=starts[0][0].date() if starts else None)
    start, end = (starts[0] if starts else None), (ends[0] if ends else None)
    window_text = start_text + end_text
    if start is None or end is None:  # no labels (or one): look for a stated range instead
        period = fields.get("period") or _range_sentence(normalized)
        pair = _moments(period, year)[:2]
        if len(pair) < 2 and start is None and end is None:
            period, pair = normalized, _moments(normalized, year)  # two times in the whole text
        if len(pair) == 2:
            (start, end), window_text = pair, period
    if start and end and end[0] < start[0] and not end[1]:
        end = (end[0] + timedelta(days=1), False)  # "23:00 ～ 01:30": an end without its own date is the next day
    return Claim(
        start=_aware(start[0] if start else None, tz),
        end=_aware(end[0] if end else None, tz),
        approximate=bool(_APPROXIMATE.search(window_text)),
        target=fields.get("target", ""),
        cause=fields.get("cause") or fields.get("details", ""),
    )


def _labelled_fields(text: str) -> dict[str, str]:
    """``label: value`` lines, each with the indented lines that continue it."""
    fields: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        found = _LABEL_LINE.match(line)
        if found:
            key = next(k for k in LABELS if found.group(k))
            current = None if key in fields else key
            if current:
                fields[current] = [found.group("value").strip()]
        elif current and line[:1].isspace() and line.strip():
            fields[current].append(line.strip())
        elif current and not line.strip():
            continue
        else:
            current = None
    return {key: _join(parts) for key, parts in fields.items()}


def _join(parts: list[str]) -> str:
    joined = ""
    for part in filter(None, parts):
        if joined and joined[-1].isascii() and part[0].isascii():
            joined += " "
        joined += part
    return joined


def _range_sentence(text: str) -> str:
    found = re.search(r"(?:between|from)\s+(.{3,60}?)\s+(?:and|to|until)\s+(.{3,60})", text, re.IGNORECASE)
    return f"{found.group(1)} ～ {found.group(2)}" if found else ""


def _moments(text: str, year: int | None, on: date | None = None) -> list[tuple[datetime, bool]]:
    """Naive date-times in the order written, each with whether a date was written for it: a
    time takes the date written before it (or ``on``, or, with neither, the first date written
    after it); dates without a year take ``year``."""
    tokens = sorted(
        [(m.start(), "date", m) for m in _DATE.finditer(text)] + [(m.start(), "time", m) for m in _TIME.finditer(text)],
        key=lambda t: t[0],
    )
    moments, current, dated = [], on, False
    waiting = []  # times written before any date ("between 22:00 and 23:30 on 2024-03-01")
    date_end = -1
    for position, kind, m in tokens:
        if kind == "date":
            current = _date(m, year) or current
            date_end, dated = m.end(), True
            if waiting and current is not None:
                moments.extend((datetime.combine(current, clock), True) for clock in waiting)
                waiting = []
            continue
        if position < date_end:  # digits inside the date itself
            continue
        clock = _clock(m)
        if clock is None:
            continue
        if current is None:
            waiting.append(clock)
        else:
            moments.append((datetime.combine(current, clock), dated))
            dated = False
    return moments


def _date(m: re.Match, year: int | None) -> date | None:
    try:
        if m.group("m"):
            return date(int(m.group("y") or year or 0), int(m.group("m")), int(m.group("d")))
        if m.group("m2"):
            return date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        month_name, day, y = (
            (m.group("mon"), m.group("d3"), m.group("y3"))
            if m.group("mon")
            else (m.group("mon4"), m.group("d4"), m.group("y4"))
        )
        month = MONTHS.get(month_name.lower())
        return date(int(y), month, int(day)) if month else None
    except (ValueError, TypeError):
        return None


def _clock(m: re.Match) -> time | None:
    if m.group("h") is not None:
        hour, minute = int(m.group("h")), 30 if m.group("half") else int(m.group("mi") or 0)
        if m.group("jp_ampm") == "午後" and hour < 12:
            hour += 12
        elif m.group("jp_ampm") == "午前" and hour == 12:
            hour = 0
    else:
        hour = int(m.group("h2") or m.group("h3"))
        minute = int(m.group("mi2") or 0)
        marker = (m.group("ampm") or m.group("ampm3") or "").lower()
        if marker == "p" and hour < 12:
            hour += 12
        elif marker == "a" and hour == 12:
            hour = 0
    if hour == 24 and minute == 0:
        hour = 23
        minute = 59
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return time(hour, minute)


def _zone_in(text: str) -> tzinfo | None:
    for m in _ZONE.finditer(text):
        if m.group(0) == "日本時間":
            return timezone(timedelta(hours=9), "JST")
        if m.group("sign"):
            offset = timedelta(hours=int(m.group("oh")), minutes=int(m.group("om") or 0))
            return timezone(offset if m.group("sign") == "+" else -offset)
        abbr = m.group("abbr")
        if abbr in ZONE_ABBREVIATIONS and abbr != "Z":
            return timezone(timedelta(hours=ZONE_ABBREVIATIONS[abbr]), abbr)
    return None


def _aware(moment: datetime | None, tz: tzinfo) -> datetime | None:
    if moment is None:
        return None
    if isinstance(tz, timezone):
        return moment.replace(tzinfo=tz)
    try:
        return localize(moment, tz.key)
    except ValueError:  # a time the zone skipped: read it with the offset before the change
        return moment.replace(tzinfo=tz)
