"""Times typed (or pasted) into the event form while backfilling a timeline.

Accepted, in this order:

- ``2012-07-20 08:12``, ``2012-07-20 8:12:37``, ``2012-07-20T08:12:37`` (the browser's
  datetime-local form): a wall-clock reading, placed in the zone the form is set to;
- ``08:12`` or ``8:12:37`` alone: that reading on the day the form keeps (the previous event's);
- a timestamp that names its offset (``2012-07-20T08:12:37+09:00``, ``…Z``): that moment;
- a log line, or the timestamp at its head (``Jul 20 08:12:37 host kernel: …``,
  ``Jul 20 08:12:37``, ``2024-03-05T14:20:09.123+01:00 host …``), read by the log reader
  (journal.logs.formats): a time the line writes with its zone is that moment; one written
  without a zone is read in the log's zone (the zone the incident's log excerpts were read
  in, else the service's), in the year of the kept day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from django.utils.translation import gettext as _

from journal.logs.clock import Clock
from journal.logs.formats import UNPLACEABLE, parse_line
from journal.timezones import get_zone

MAX_TYPED = 8192  # a pasted log line; anything longer is no time
_WALL = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+|\s+)(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,](\d{1,6}))?)?")
_CLOCK = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,](\d{1,6}))?)?")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d(?::?\d\d)?)", re.IGNORECASE)


class TypedTimeError(ValueError):
    """The text is no time this form can read; the message says what to type."""


@dataclass(frozen=True)
class TypedTime:
    """A reading of what was typed: ``wall`` (naive, for the form's zone to place) or
    ``moment`` (aware: the text said where it lies); ``how`` says which was read."""

    wall: datetime | None = None
    moment: datetime | None = None
    how: str = ""
    message: str = ""  # the log line's message, when a log line was pasted


def _micro(digits: str | None) -> int:
    return int(digits.ljust(6, "0")) if digits else 0


def _clock(groups) -> time:
    hour, minute, second, frac = groups
    return time(int(hour), int(minute), int(second or 0), _micro(frac))


def read_typed(text: str, day: date | None, log_zone: str) -> TypedTime:
    """What ``text`` says, with ``day`` for a time typed alone and ``log_zone`` for a log line
    written without a zone. Raises TypedTimeError."""
    text = (text or "").strip()
    if not text:
        raise TypedTimeError(_("Type when it happened, e.g. 08:12 or 2012-07-20 08:12."))
    if len(text) > MAX_TYPED:
        raise TypedTimeError(_("Enter a valid date/time."))
    try:
        return _read(text, day, log_zone)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, TypedTimeError):
            raise
        raise TypedTimeError(_("Enter a valid date/time.")) from None


def _read(text: str, day: date | None, log_zone: str) -> TypedTime:
    if m := _WALL.fullmatch(text):
        year, month, mday = (int(g) for g in m.groups()[:3])
        return TypedTime(wall=datetime.combine(date(year, month, mday), _clock(m.groups()[3:])), how=_("typed"))
    if m := _CLOCK.fullmatch(text):
        if day is None:
            raise TypedTimeError(_("A time alone needs the day: fill in the day, or type 2012-07-20 08:12."))
        return TypedTime(wall=datetime.combine(day, _clock(m.groups())), how=_("typed on the kept day"))
    if (m := _WALL.match(text)) and _OFFSET.fullmatch(offset := text[m.end() :].strip()):
        year, month, mday = (int(g) for g in m.groups()[:3])
        wall = datetime.combine(date(year, month, mday), _clock(m.groups()[3:]))
        moment = wall.replace(tzinfo=_zone_of(offset)).astimezone(UTC)
        return TypedTime(moment=moment, how=_("timestamp with its offset"))
    return _log_line(text, day, log_zone)


def _zone_of(offset: str) -> timezone:
    if offset.upper() == "Z":
        return UTC
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    return timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))


def _log_line(text: str, day: date | None, log_zone: str) -> TypedTime:
    parsed = parse_line(text)
    head_only = False
    if parsed is None or (parsed.at is None and parsed.wall is None):
        # A timestamp alone ("Jul 20 08:12:37", "2012/07/20 08:12:37"): read as a line's head.
        parsed = parse_line(f"{text} - journal: ")
        head_only = True
    if parsed is None or parsed.at == UNPLACEABLE or (parsed.at is None and parsed.wall is None):
        raise TypedTimeError(
            _("Enter a valid date/time. Type 08:12 or 2012-07-20 08:12, or paste a log line or timestamp.")
        )
    message = "" if head_only else parsed.message.strip()
    if parsed.at is not None:
        how = _("log line (%(format)s), its own offset") % {"format": parsed.format}
        return TypedTime(moment=parsed.at, how=how, message=message)
    zone = get_zone(log_zone)
    year = day.year if day else datetime.now(zone).year
    moment = Clock(zone, year).place(parsed.wall)
    if moment is None:
        raise TypedTimeError(_("That log time lies before 1970 or ahead of now, or on no calendar day."))
    how = _("log line (%(format)s) in %(zone)s") % {"format": parsed.format, "zone": log_zone}
    return TypedTime(moment=moment, how=how, message=message)
