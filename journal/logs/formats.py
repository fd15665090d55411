"""One log line → its parts, whatever the format; detected per line, so mixed files work.

Formats: ``rfc3164`` (BSD syslog: FreeBSD and Linux /var/log/messages, maillog, journalctl's
default "short"; also with an empty host field, with no host at all, with ``syslogd 1.4.1:``
as the tag, and with month names of other locales: ``3月 05``, ``3월 05``, ``Mär 05``),
``journal-short-precise`` (the same with microseconds), ``journal-short-full``
(``Tue 2024-03-05 14:20:09 UTC host …``: the zone written is read), ``journal-short-monotonic``
(``[   12.345678] host kernel: …``), ``rfc5424``, ``iso8601`` (rsyslog's high-precision
prefix), ``journal-short-iso``, ``journal-json``, ``dmesg`` (seconds since boot: no wall
time), ``dmesg-T`` (dmesg -T, local wall time, also ``[火 3月  5 14:20:09 2024]``),
``apache-error`` (``[Tue Mar 05 14:20:09.123456 2024] [core:error] [pid 1234] …``) and
``nginx-error`` (``2024/03/05 14:20:09 [error] 1234#1234: …``).

A parsed line gives either an absolute time (``at``, aware) or a wall-clock reading
(``wall``: year or None, month, day, hour, minute, second, microsecond) for the caller to
place in a zone and, when the year is None, in a year. For BSD lines the reading is left as
the strings written (month as a number, the fraction of a second as digits or None): a
million lines share far fewer timestamps, and the clock converts each distinct one once.
Times that no calendar holds (year 1 in a zone east of UTC, a 20-digit microsecond count)
give a line with no time, never an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from journal.logs.lines import escape_controls

_ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS = {m: i for i, m in enumerate(_ENGLISH, start=1)}
_MON = "|".join(_ENGLISH)
# Abbreviated month names journalctl, syslog-ng and dmesg print in other locales (glibc's
# abmon), lower-cased and without a final dot; CJK months (3月, 3월) are read from their digits.
LOCALE_MONTHS = {
    name: number
    for names in (
        "jan feb mär apr mai jun jul aug sep okt nov dez",  # de_DE
        "janv févr mars avr mai juin juil août sept oct nov déc",  # fr_FR
        "ene feb mar abr may jun jul ago sep oct nov dic",  # es_ES
        "gen feb mar apr mag giu lug ago set ott nov dic",  # it_IT
        "jan fev mar abr mai jun jul ago set out nov dez",  # pt_BR
    )
    for number, name in enumerate(names.split(), start=1)
}
# Zone abbreviations journalctl -o short-full prints (%Z) whose offset is not in doubt.
ZONE_OFFSETS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AWST": 480,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip
MAX_PID = 2**31 - 1  # the database's integer column
# The time of a line whose written time no calendar holds: out of any log's range by design,
# so the reader keeps the line with no time and counts it.
UNPLACEABLE = datetime.min.replace(tzinfo=UTC)

# Every pattern is linear: possessive quantifiers where a run could be given back, bounded
# counts elsewhere (tests/logs/test_formats.py times them on crafted 100 KB lines).
# program[pid]: (optional). Also ``syslogd 1.4.1:``, ``util.py[DEBUG]:`` and macOS's
# ``launchd[1] (com.apple.x[42]):`` (lnav's variants).
_TAG_PATTERN = r"(?:([^\s:\[\]]++)(?:\[(?:(\d{1,9})|\w{1,32})\](?: \([^()\s]{1,120}\))?| [\d.]{1,20})?: )?"
_CLOCK = r"(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"
_BSD = re.compile(
    rf"(?:<\d{{1,3}}>)?({_MON}) ++(\d{{1,2}}) {_CLOCK}(?: (\d{{4}}))? (\S*+) (?:\[CLOUDINIT\] )?" + _TAG_PATTERN
)
_LOCALE_BSD = re.compile(
    rf"(?:<\d{{1,3}}>)? ?(?:(\d{{1,2}})[月월]|([^\W\d_]{{3,4}})\.?) ++(\d{{1,2}}) {_CLOCK}(?: (\d{{4}}))? (\S*+) "
    + _TAG_PATTERN
)
_TAG = re.compile(_TAG_PATTERN)
_HOSTLESS_TAG = re.compile(r"[^\s:\[\]]++(?:\[\w{1,32}\])?:$")
_SHORT_FULL = re.compile(
    rf"[^\W\d_]{{1,3}} (\d{{4}})-(\d\d)-(\d\d) {_CLOCK} ([A-Z]{{1,5}}|[+-]\d\d(?::?\d\d)?) (\S++) "
)
_RFC5424 = re.compile(r"<\d{1,3}>1 (\S++) (\S++) (\S++) (\S++) (\S++) (-|(?:\[(?:[^\]\\]++|\\.)*+\])++) ?")
_ISO = re.compile(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)(Z|[+-]\d\d:?\d\d)? (\S++) ")
_NGINX = re.compile(r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) \[(\w{1,8})\] (\d{1,9})#\d{1,9}: (?:\*\d{1,20} )?")
_DMESG = re.compile(r"\[\s*+(\d{1,12}\.\d{1,9})\] ")
_MONOTONIC_TAG = re.compile(r"(\S++) (kernel|[^\s:\[\]]++\[\d{1,9}\]): ")
_BRACKET_DATE = (
    rf"\[\S{{1,3}} ++(?:({_MON})|(\d{{1,2}})[月월]) ++(\d{{1,2}}) (\d\d):(\d\d):(\d\d)(?:\.(\d{{1,6}}))? (\d{{4}})\] "
)
_DMESG_T = re.compile(_BRACKET_DATE)
_APACHE = re.compile(
    _BRACKET_DATE + r"\[(?:([^\s:\]]{1,64}):)?(\w{1,16})\](?: \[pid (\d{1,9})(?::tid \d{1,20})?\])?"
    r"(?: \[client [^\]\s]{1,80}\])? "
)


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
        return _bracketed(text)
    if first.isdigit():
        return _iso(text) or _nginx(text) or _locale_bsd(text)
    if first == "<" and text.startswith("1 ", text.find(">") + 1):
        return _rfc5424(text)
    return _bsd(text) or _short_full(text) or _locale_bsd(text)


def _pid(digits: str | None) -> int | None:
    """A process id the database can hold; a larger number is no pid (it stays in the line)."""
    if digits and digits.isascii() and digits.isdigit() and len(digits) <= 10:
        pid = int(digits)
        return pid if pid <= MAX_PID else None
    return None


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
    if host.endswith(":"):
        return _bsd_parts(text, m, wall, 8)
    end = m.end()
    fmt = "journal-short-precise" if frac else "rfc3164"
    return Parsed(fmt, text[:end], text[end:], host, program or "", int(pid) if pid else None, wall=wall)


def _locale_bsd(text: str) -> Parsed | None:
    m = _LOCALE_BSD.match(text)
    if not m:
        return None
    number, name, day, hh, mm, ss, frac, year = m.groups()[:8]
    month = int(number) if number else LOCALE_MONTHS.get(name.lower())
    if not month or month > 12:
        return None
    return _bsd_parts(text, m, (year, month, day, hh, mm, ss, frac), 9)


def _bsd_parts(text: str, m: re.Match, wall: tuple, host_group: int) -> Parsed:
    """The parts of a BSD line whose head ``m`` matched; the host is group ``host_group``,
    the program and pid the two groups after it."""
    host, end = m.group(host_group), m.end()
    program, pid = m.group(host_group + 1, host_group + 2)
    if _HOSTLESS_TAG.match(host):  # "Mar  5 14:20:09 sshd[12]: …": no host field at all
        tag = _TAG.match(text, m.start(host_group))
        (program, pid), end, host = tag.groups(), tag.end(), ""
    fmt = "journal-short-precise" if wall[6] else "rfc3164"
    return Parsed(fmt, text[:end], text[end:], host, program or "", int(pid) if pid else None, wall=wall)


def _short_full(text: str) -> Parsed | None:
    m = _SHORT_FULL.match(text)
    if not m:
        return None
    year, month, day, hh, mm, ss, frac, zone, host = m.groups()
    wall = (int(year), int(month), int(day), int(hh), int(mm), int(ss), int(frac.ljust(6, "0")) if frac else 0)
    offset = _offset(zone)
    if offset is None:  # a zone name whose offset is in doubt: read in the service's zone
        return _tagged("journal-short-full", text, m.end(), host, wall=wall)
    try:
        at = datetime(*wall, tzinfo=offset).astimezone(UTC)
    except (ValueError, OverflowError):
        at = UNPLACEABLE
    return _tagged("journal-short-full", text, m.end(), host, at=at)


def _offset(zone: str) -> timezone | None:
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        return timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
    minutes = ZONE_OFFSETS.get(zone)
    return None if minutes is None else timezone(timedelta(minutes=minutes))


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
    return _tagged(fmt, text, m.end(), host, at=_utc(moment))


def _utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        return UNPLACEABLE


def _nginx(text: str) -> Parsed | None:
    m = _NGINX.match(text)
    if not m:
        return None
    year, month, day, hh, mm, ss, _level, pid = m.groups()
    wall = (int(year), int(month), int(day), int(hh), int(mm), int(ss), 0)
    end = m.end()
    return Parsed("nginx-error", text[:end], text[end:], program="nginx", pid=int(pid), wall=wall)


def _rfc5424(text: str) -> Parsed | None:
    m = _RFC5424.match(text)
    if not m:
        return None
    stamp, host, app, procid, _msgid, _data = m.groups()
    at = None
    if stamp != "-":
        try:
            at = _utc(datetime.fromisoformat(stamp))
        except ValueError:
            return None
    message = text[m.end() :].removeprefix("\ufeff")
    return Parsed(
        "rfc5424",
        text[: len(text) - len(message)],
        message,
        "" if host == "-" else host,
        "" if app == "-" else app,
        _pid(procid),
        at=at,
    )


def _bracketed(text: str) -> Parsed | None:
    if m := _DMESG.match(text):
        if tag := _MONOTONIC_TAG.match(text, m.end()):  # journalctl -o short-monotonic
            return _tagged("journal-short-monotonic", text, tag.start(2), tag.group(1))
        return Parsed("dmesg", text[: m.end()], text[m.end() :], program="kernel")
    if m := _APACHE.match(text):  # before dmesg -T: the same date, then [module:level]
        wall = _bracket_wall(m)
        module, _level, pid = m.group(9, 10, 11)
        pid = int(pid) if pid else None
        return Parsed("apache-error", text[: m.end()], text[m.end() :], program=module or "", pid=pid, wall=wall)
    if m := _DMESG_T.match(text):
        return Parsed("dmesg-T", text[: m.end()], text[m.end() :], program="kernel", wall=_bracket_wall(m))
    return None


def _bracket_wall(m: re.Match) -> tuple | None:
    mon, number, day, hh, mm, ss, frac, year = m.group(1, 2, 3, 4, 5, 6, 7, 8)
    month = MONTHS[mon] if mon else int(number)
    return (int(year), month, int(day), int(hh), int(mm), int(ss), int(frac.ljust(6, "0")) if frac else 0)


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
    try:
        at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    except OverflowError:
        at = UNPLACEABLE
    host = _json_text(entry.get("_HOSTNAME"))
    program = _json_text(entry.get("SYSLOG_IDENTIFIER") or entry.get("_COMM"))
    pid = _pid(str(entry.get("_PID") or entry.get("SYSLOG_PID") or ""))
    shown = f"@{micros}" if at is UNPLACEABLE else f"{at:%Y-%m-%dT%H:%M:%S.%f}Z"
    shown += f" {host or '-'} {program or '-'}{f'[{pid}]' if pid else ''}: "
    return Parsed("journal-json", shown, _json_text(message), host, program, pid, at=at)


def _json_text(value) -> str:
    """A JSON value as text the database takes: NUL and controls escaped, lone surrogates too."""
    text = str(value or "")
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return escape_controls(text)
