"""Reading a stored log excerpt into lines and suggestions.

Streams the stored bytes block by block (decompressing gzip and bzip2 as it goes) and writes
lines in batches straight through the database cursor (PostgreSQL: COPY; SQLite: executemany;
the ORM's per-object cost is too much for a million lines), so memory stays flat whatever the
file's size. Lines in = lines stored: every line is stored, parsed or not. Runs in one
transaction: an excerpt is read whole or not at all (a process killed half-way leaves the lines
as they were; reading again works).
What a reader should know (a binary file, few lines parsed, times out of range) is kept as
the excerpt's warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import batched

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from journal.logs.clock import Clock
from journal.logs.formats import parse_line
from journal.logs.lines import (
    Decoder,
    Decompressed,
    binary_reason,
    compression_named,
    compression_of,
    split_lines,
    with_sample,
)
from journal.logs.rules import match_lines
from journal.logs.suggest import DEFAULT_GAP, Suggester, Suggestion
from journal.models import LogExcerpt, LogLine, LogSuggestion
from journal.timezones import get_zone

BATCH = 5000
MOSTLY_UNPARSED = 0.5  # below this share of lines parsed, the excerpt warns
COLUMNS = ["excerpt_id", "number", "at", "host", "program", "pid", "prefix", "message", "format", "rule"]


@dataclass
class Reading:
    """What reading an excerpt found."""

    lines: int = 0
    parsed: int = 0
    untimed: int = 0  # lines whose time was written but lies before 1970, after tomorrow, or off the calendar
    encoding: str = ""
    compression: str = ""
    binary: str = ""  # why the bytes do not look like a text log, or ""
    named: str = ""  # the compression the file's name promises
    damage: str = ""  # what was wrong with damaged compressed data, and what was read
    formats: Counter = field(default_factory=Counter)
    first_at: datetime | None = None
    last_at: datetime | None = None
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def unparsed(self) -> int:
        return self.lines - self.parsed

    @property
    def warnings(self) -> list[str]:
        """What someone relying on this excerpt should know, in plain words."""
        found = []
        if self.binary:
            found.append(f"This does not look like a text log: {self.binary}. Its lines are kept as read.")
        if self.damage:
            found.append(f"Compressed data: {self.damage}.")
        elif self.named and self.named != self.compression:
            found.append(f"The name says {self.named} but the bytes are not {self.named}-compressed: read as they are.")
        if self.lines and self.parsed < self.lines * MOSTLY_UNPARSED:
            found.append(
                f"Mostly unparsed: only {self.parsed} of {self.lines} lines ({self.parsed * 100 // self.lines} %) "
                "fit a known log format."
            )
        if self.untimed:
            found.append(
                f"{self.untimed} lines have a time before 1970, more than a day ahead, or not on the calendar: "
                "they are kept with no time."
            )
        return found


def read_excerpt(
    excerpt: LogExcerpt,
    zone_name: str | None = None,
    year: int | None = None,
    gap: timedelta = DEFAULT_GAP,
    progress: Callable[[int], None] | None = None,
) -> Reading:
    """(Re-)read the excerpt's lines: times without a zone in ``zone_name`` (default: the
    service's), times without a year in ``year`` (default: the incident's). ``progress`` is
    told the lines read so far after each batch. Raises LogReadError (nothing changed) when
    a compressed file holds more than LOG_UPLOAD_MAX_BYTES once decompressed."""
    zone_name = zone_name or excerpt.incident.service.time_zone
    zone = get_zone(zone_name)
    explicit_year = year is not None
    year = year or excerpt.incident.year
    clock = Clock(zone, year, near=None if explicit_year else excerpt.incident.started_at)
    with transaction.atomic():
        excerpt.clear_lines()
        with excerpt.raw.open("rb") as fh:
            reading = _read(excerpt, fh, clock, Suggester(gap, describe=_summary), progress)
        _save_suggestions(excerpt, reading.suggestions)
        excerpt.encoding, excerpt.compression = reading.encoding, reading.compression
        excerpt.warnings = reading.warnings
        excerpt.time_zone, excerpt.year = zone_name, year
        excerpt.line_count, excerpt.parsed_count = reading.lines, reading.parsed
        excerpt.formats = dict(reading.formats.most_common())
        excerpt.first_at, excerpt.last_at = reading.first_at, reading.last_at
        excerpt.parsed_at = timezone.now()
        excerpt.save()
    return reading


def _read(excerpt: LogExcerpt, fh, clock: Clock, suggester: Suggester, progress) -> Reading:
    compression = compression_of(fh.read(4))
    fh.seek(0)
    decompressed = Decompressed(fh, compression, settings.LOG_UPLOAD_MAX_BYTES)
    sample, blocks = with_sample(decompressed)
    reading = Reading(compression=compression, binary=binary_reason(sample), named=compression_named(excerpt.name))
    decoder = Decoder(sample)
    excerpt_id = excerpt.pk
    adapt = _datetime_adapter()
    write = _row_writer()
    formats = reading.formats
    number = parsed_count = 0
    last_wall, at, stored_at = None, None, None  # lines often share a timestamp: place it once
    previous = None  # (number, time, line) of the last line with a time
    with connection.cursor() as cursor, write(cursor) as insert:
        for batch in batched(split_lines(blocks), BATCH):
            texts = decoder.decode([data for data, _ in batch])
            detected = match_lines(texts)
            rows = []
            for index, ((data, length), text) in enumerate(zip(batch, texts, strict=True)):
                number += 1
                if length > len(data):
                    text += f" […cut: the line has {length} bytes]"
                rule = detected.get(index)
                rule_name = rule.name if rule else ""
                parsed = parse_line(text)
                if parsed is None:
                    rows.append((excerpt_id, number, None, "", "", None, "", text, "", rule_name))
                    if rule_name or suggester.waiting:
                        suggester.feed(number, None, rule_name, text, previous)
                    continue
                if parsed.wall is None or parsed.wall != last_wall:
                    at = clock.check(parsed.at) if parsed.wall is None else clock.place(parsed.wall)
                    last_wall, stored_at = parsed.wall, adapt(at)
                    if at is not None:
                        if reading.first_at is None or at < reading.first_at:
                            reading.first_at = at
                        if reading.last_at is None or at > reading.last_at:
                            reading.last_at = at
                parsed_count += 1
                formats[parsed.format] += 1
                if at is None and (parsed.wall is not None or parsed.at is not None):
                    reading.untimed += 1
                rows.append((excerpt_id, number, stored_at, parsed.host[:255], parsed.program[:255], parsed.pid,
                             parsed.prefix, parsed.message, parsed.format, rule_name))  # fmt: skip
                if rule_name or suggester.waiting:
                    suggester.feed(number, at, rule_name, parsed, previous)
                if at is not None:
                    previous = (number, at, parsed)
            insert(rows)
            if progress:
                progress(number)
    reading.encoding = decoder.encoding
    reading.compression, reading.damage = decompressed.compression, decompressed.damage
    reading.parsed = parsed_count
    reading.lines = number
    reading.suggestions = suggester.found
    return reading


def _datetime_adapter():
    """How a UTC datetime goes into the database: what connection.ops.adapt_datetimefield_value
    gives, without its per-call cost (it is called a million times for a million lines)."""
    if connection.vendor == "sqlite":
        return lambda at: str(at)[:-6] if at else None  # "2012-07-19 23:12:37[.ffffff]+00:00"
    return connection.ops.adapt_datetimefield_value


def _summary(parsed) -> str:
    """How a line reads in a suggestion: program[pid]: message (an unparsed line as it is)."""
    if isinstance(parsed, str):
        return parsed
    if not parsed.program:
        return parsed.message
    return f"{parsed.program}{f'[{parsed.pid}]' if parsed.pid else ''}: {parsed.message}"


def _row_writer():
    """How batches of rows go in: on PostgreSQL one ``COPY … FROM STDIN`` for the whole excerpt
    (psycopg 3's ``cursor.copy()``: rows streamed in PostgreSQL's own format, no statement per
    row), elsewhere ``executemany`` of one INSERT per batch (SQLite's fastest way in)."""
    quote = connection.ops.quote_name
    table = quote(LogLine._meta.db_table)
    columns = ", ".join(quote(c) for c in COLUMNS)

    @contextmanager
    def copy(cursor):
        # wrapped: a row PostgreSQL refuses raises Django's DatabaseError, as with executemany
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
            write_row = stream.write_row

            def insert(rows):
                for row in rows:
                    write_row(row)

            yield insert

    @contextmanager
    def executemany(cursor):
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
        yield partial(cursor.executemany, sql)

    return copy if connection.vendor == "postgresql" else executemany


def _save_suggestions(excerpt: LogExcerpt, suggestions: list[Suggestion]) -> None:
    """Store the suggestions; one the timeline already has (same time and type, from a log)
    is stored as accepted and linked to that event, so reading again never duplicates."""
    if not suggestions:
        return
    lines = dict(
        LogLine.objects.filter(excerpt=excerpt, number__in={s.line for s in suggestions}).values_list("number", "id")
    )
    taken = LogSuggestion.objects.filter(excerpt__incident=excerpt.incident, event__isnull=False)
    events = {(e.at, e.type): e for e in excerpt.incident.events.filter(source="log").exclude(logsuggestion__in=taken)}
    created = []
    for s in suggestions:
        event = events.pop((s.at, s.type), None)
        if event is not None and event.log_line_id is None:
            event.log_line_id = lines[s.line]
            event.save(update_fields=["log_line"])
        created.append(
            LogSuggestion(
                excerpt=excerpt,
                line_id=lines[s.line],
                type=s.type,
                at=s.at,
                rule=s.rule,
                text=s.text,
                event=event,
                status=LogSuggestion.Status.ACCEPTED if event else LogSuggestion.Status.PENDING,
            )
        )
    LogSuggestion.objects.bulk_create(created)
