"""Incidents as an iCalendar feed (RFC 5545), written by hand: one VEVENT per incident, from
its first observed down to its last up (else from its start to its end; an open incident runs
to now). UID from the incident's uid, so a calendar updates the event instead of adding one;
times in UTC (``Z``); TEXT values escaped (backslash, semicolon, comma, line breaks); lines
folded at 75 octets without splitting a UTF-8 character; CRLF line ends."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.utils import timezone

from journal.downtime import format_duration
from journal.models import Incident

PRODID = "-//Incident journal//Incident feed//EN"
LIMIT = 75  # octets per line, CRLF excluded (RFC 5545 3.1)
# TEXT may hold no control character but HTAB (RFC 5545 3.3.11); line breaks are escaped first.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _BREAKS.sub("\\\\n", value))


def fold(line: str) -> str:
    """One content line, folded: no physical line longer than 75 octets (the leading space of
    a continuation counts), never inside a UTF-8 sequence."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LIMIT:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def span(incident: Incident, now: datetime | None = None) -> tuple[datetime, datetime | None]:
    """(DTSTART, DTEND): first down → last up; else started → resolved (or the last event);
    an open incident still down runs to now. No end when it would not lie after the start."""
    totals = incident.totals
    start = totals.first_down or incident.started_at
    end = totals.last_up if totals.last_up and not totals.still_down else incident.until(now)
    if end is None or end <= start:
        return start, None
    return start, end


def event_lines(incident: Incident, url: str, now: datetime) -> list[str]:
    start, end = span(incident, now)
    totals = incident.totals
    service = incident.service
    state = " (open)" if incident.is_open else ""
    summary = f"{incident.title} — {service.provider.name} › {service.name}{state}"
    description = (
        f"{incident.get_kind_display()}, {incident.get_status_display().lower()}.\n"
        f"Observed down: {format_duration(totals.observed)}.\n"
        f"Provider claimed: {format_duration(totals.claimed_duration)}.\n"
        f"Claimed − observed: {format_duration(totals.claimed_minus_observed)}.\n"
        f"{url}"
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:{incident.uid}@incident-journal",
        f"DTSTAMP:{stamp(now)}",  # with METHOD: when this calendar was made (RFC 5545 3.8.7.2)
        f"LAST-MODIFIED:{stamp(incident.updated_at)}",
        f"CREATED:{stamp(incident.created_at)}",
        f"DTSTART:{stamp(start)}",
    ]
    if end is not None:
        lines.append(f"DTEND:{stamp(end)}")
    lines += [
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(incident.get_kind_display())}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return lines


def calendar(incidents: Iterable[Incident], name: str, base_url: str, now: datetime | None = None) -> Iterator[str]:
    """The calendar, a few lines at a time (streamed)."""
    now = now or timezone.now()
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    head.append(f"X-WR-CALNAME:{escape_text(name)}")
    yield "".join(fold(line) + "\r\n" for line in head)
    for incident in incidents:
        try:
            lines = event_lines(incident, f"{base_url}{incident.get_absolute_url()}", now)
        except OverflowError:  # a stored time no calendar line can hold (year 1, 9999)
            continue
        yield "".join(fold(line) + "\r\n" for line in lines)
    yield "END:VCALENDAR\r\n"
