"""One log line → its parts, whatever the format; detected per line, so mixed files work.

Formats: ``rfc3164`` (BSD syslog: FreeBSD and Linux /var/log/messages, maillog, journalctl's
default "short"), ``journal-short-precise`` (the same with microseconds), ``rfc5424``,
``iso8601`` (rsyslog's high-precision prefix), ``journal-short-iso``, ``journal-json``,
``dmesg`` (seconds since boot: no wall time) and ``dmesg-T`` (dmesg -T, local wall time).

A parsed line gives either an absolute time (``at``, aware) or a wall-clock reading
(``wall``: year or None, month, day, hour, minute, second, microsecond) for the caller to
place in a zone and, when the year is None, in a year. For BSD lines the reading is left as
the strings written (month as a number, the fraction of a second as digits or None): a
million lines share far fewer timestamps, and the clock converts each distinct one once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)
}
_MON = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"

_TAG_PATTERN = r"(?:([^\s:\[\]]+)(?:\[(\d{1,9})\])?: )?"  # program[pid]: (optional)
_BSD = re.compile(
    rf"(?:<\d{{1,3}}>)?({_MON}) +(\d{{1,2}}) (\d\d):(\d\d):(\d\d)(?:\.(\d{{1,6}}))?(?: (\d{{4}}))? (\S+) "
    + _TAG_PATTERN
)
_TAG = re.compile(_TAG_PATTERN)
_RFC5424 = re.compile(r"<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+) ?")
_ISO = re.compile(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)(Z|[+-]\d\d:?\d\d)? (\S+) ")
_DMESG = re.compile(r"\[\s*(\d+\.\d+)\] ")
_DMESG_T = re.compile(rf"\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ({_MON}) +(\d{{1,2}}) (\d\d):(\d\d):(\d\d) (\d{{4}})\] ")


@dataclass(slots=True)
class Parsed:
    format: str
    prefix: str  # the line before the message; prefix + message is the line
    message: str
    host: str = ""
    program: str = ""
    pid: int | None = None
    at: datetime | None = None
    wall: tuple | None = None


def parse_line(text: str) -> Parsed | None:
    """The parts of one line, or None when no format fits (the line is then kept as it is)."""
    if not text:
        return None
    first = text[0]
    if first == "{":
        return _journal_json(text)
    if first == "[":
        return _dmesg(text)
    if first.isdigit():
        return _iso(text)
    if first == "<" and text.startswith("1 ", text.find(">") + 1):
        return _rfc5424(text)
    return _bsd(text)


def _tagged(fmt: str, text: str, head_end: int, host: str | None, **times) -> Parsed:
    tag = _TAG.match(text, head_end)
    program, pid = tag.groups()
    end = tag.end()
    return Parsed(fmt, text[:end], text[end:], host or "", program or "", int(pid) if pid else None, **times)


def _bsd(text: str) -> Parsed | None:
    m = _BSD.match(text)  # one regex for the head and the tag: this runs for every line
    if not m:
        return None
    mon, day, hh, mm, ss, frac, year, host, program, pid = m.groups()
    wall = (year, MONTHS[mon], day, hh, mm, ss, frac)
    end = m.end()
    fmt = "journal-short-precise" if frac else "rfc3164"
    return Parsed(fmt, text[:end], text[end:], host, program or "", int(pid) if pid else None, wall=wall)


def _iso(text: str) -> Parsed | None:
    m = _ISO.match(text)
    if not m:
        return None
    stamp, offset, host = m.groups()
    try:
        moment = datetime.fromisoformat(stamp.replace(",", ".") + (offset or ""))
    except ValueError:
        return None
    fmt = "journal-short-iso" if offset and ":" not in offset and "." not in stamp else "iso8601"
    if moment.tzinfo is None:
        wall = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second, moment.microsecond)
        return _tagged(fmt, text, m.end(), host, wall=wall)
    return _tagged(fmt, text, m.end(), host, at=moment.astimezone(UTC))


def _rfc5424(text: str) -> Parsed | None:
    m = _RFC5424.match(text)
    if not m:
        return None
    stamp, host, app, procid, _msgid, _data = m.groups()
    at = None
    if stamp != "-":
        try:
            at = datetime.fromisoformat(stamp).astimezone(UTC)
        except ValueError:
            return None
    message = text[m.end() :].removeprefix("\ufeff")
    return Parsed(
        "rfc5424",
        text[: len(text) - len(message)],
        message,
        "" if host == "-" else host,
        "" if app == "-" else app,
        int(procid) if procid.isdigit() else None,
        at=at,
    )


def _dmesg(text: str) -> Parsed | None:
    if m := _DMESG.match(text):
        return Parsed("dmesg", text[: m.end()], text[m.end() :], program="kernel")
    if m := _DMESG_T.match(text):
        mon, day, hh, mm, ss, year = m.groups()
        wall = (int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss), 0)
        return Parsed("dmesg-T", text[: m.end()], text[m.end() :], program="kernel", wall=wall)
    return None


def _journal_json(text: str) -> Parsed | None:
    try:
        entry = json.loads(text)
        micros = int(entry["__REALTIME_TIMESTAMP"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    if not isinstance(entry, dict):
        return None
    message = entry.get("MESSAGE", "")
    if isinstance(message, list):  # journald stores non-UTF-8 messages as a byte array
        message = bytes(b & 0xFF for b in message if isinstance(b, int)).decode("utf-8", "backslashreplace")
    at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    host = str(entry.get("_HOSTNAME") or "")
    program = str(entry.get("SYSLOG_IDENTIFIER") or entry.get("_COMM") or "")
    pid = entry.get("_PID") or entry.get("SYSLOG_PID")
    pid = int(pid) if isinstance(pid, str) and pid.isdigit() else None
    shown = f"{at:%Y-%m-%dT%H:%M:%S.%f}Z {host or '-'} {program or '-'}{f'[{pid}]' if pid else ''}: "
    return Parsed("journal-json", shown, str(message), host, program, pid, at=at)
