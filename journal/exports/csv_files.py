"""Incidents and their events as CSV, filtered like the incident list (journal.filters).

UTF-8 with a byte-order mark: Excel (Windows and Mac) reads a CSV without one in the legacy
code page and turns お名前.com into mojibake; with the BOM it reads UTF-8, and LibreOffice,
Google Sheets, Python's ``utf-8-sig`` and pandas all skip it. Times are ISO 8601 in UTC (``Z``)
plus the service's local time; durations in whole seconds (a number a sheet can add up) and as
shown on the page.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to a
spreadsheet (CSV injection): such text cells get a leading ``'``. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from journal.downtime import format_duration
from journal.models import Incident, TimelineEvent
from journal.timezones import get_zone

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500

INCIDENT_COLUMNS = [
    "id",
    "uid",
    "provider",
    "service",
    "service_time_zone",
    "title",
    "kind",
    "status",
    "started_utc",
    "started_local",
    "resolved_utc",
    "observed_down_seconds",
    "observed_down",
    "first_down_utc",
    "last_up_utc",
    "claimed_seconds",
    "claimed",
    "claimed_minus_observed_seconds",
    "events",
    "url",
]
EVENT_COLUMNS = [
    "incident_id",
    "incident_uid",
    "incident_title",
    "provider",
    "service",
    "at_utc",
    "at_local",
    "type",
    "source",
    "text",
    "log_excerpt_id",
    "log_line",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str | int:
    """A value as a CSV cell: text guarded against formulas, numbers as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    try:
        return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    except OverflowError:
        return ""


def _local(moment: datetime | None, zone_name: str) -> str:
    if moment is None:
        return ""
    try:
        return f"{timezone.localtime(moment, get_zone(zone_name)):%Y-%m-%d %H:%M:%S %Z}"
    except OverflowError:
        return ""


def rows(header: list[str], records: Iterable[list]) -> Iterator[str]:
    """The CSV text, a row at a time (streamed), BOM first."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for record in records:
        yield writer.writerow([cell(value) for value in record])


def _in_chunks(incidents: QuerySet[Incident]) -> Iterator[Incident]:
    return incidents.iterator(chunk_size=CHUNK)


def incident_records(incidents: QuerySet[Incident], base_url: str) -> Iterator[list]:
    """One row per incident (the queryset from journal.filters, with the stored totals)."""
    for incident in _in_chunks(incidents):
        totals = incident.totals
        zone = incident.service.time_zone
        started = getattr(incident, "started", None) or incident.started_at
        yield [
            incident.pk,
            str(incident.uid),
            incident.service.provider.name,
            incident.service.name,
            zone,
            incident.title,
            incident.kind,
            incident.status,
            _utc(started),
            _local(started, zone),
            _utc(incident.resolved_at),
            totals.observed,
            format_duration(totals.observed),
            _utc(totals.first_down),
            _utc(totals.last_up),
            totals.claimed_duration,
            format_duration(totals.claimed_duration) if totals.claimed else "",
            totals.claimed_minus_observed,
            incident.event_count(),
            f"{base_url}{incident.get_absolute_url()}",
        ]


def event_records(incidents: QuerySet[Incident]) -> Iterator[list]:
    """One row per event of the incidents, incident by incident, in time order."""
    events = TimelineEvent.objects.select_related("log_line").order_by("at", "id")
    incidents = incidents.prefetch_related(Prefetch("events", queryset=events, to_attr="csv_events"))
    for incident in _in_chunks(incidents):
        zone = incident.service.time_zone
        for event in incident.csv_events:
            line = event.log_line
            yield [
                incident.pk,
                str(incident.uid),
                incident.title,
                incident.service.provider.name,
                incident.service.name,
                _utc(event.at),
                _local(event.at, zone),
                event.type,
                event.source,
                event.text,
                line.excerpt_id if line else None,
                line.number if line else None,
            ]
