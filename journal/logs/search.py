"""How the log viewer finds lines fast in a large excerpt.

Text: a case-insensitive substring of the message, exactly as ``message__icontains`` (a plain
scan) finds it. On SQLite an FTS5 table with the trigram tokenizer (``journal_logline_text``)
names the lines holding every three-character piece of the needle; when they are few (rare
text) the viewer reads just those lines, by id, and ``icontains`` decides. Reading a log pays
nothing for that index: the worker puts an excerpt's lines in after the reading commits
(``index_text``, one INSERT … SELECT) and marks the excerpt ``text_indexed_at``; until then the
excerpt's text is scanned. Common text is scanned in line order, where a page of matches is
near; needles of one or two characters have no trigram and are scanned too. On PostgreSQL a
side table of the same name (line id, excerpt, message) with a ``pg_trgm`` GIN index on
``UPPER(message)`` is filled by the same worker step (kept out of the reading: maintaining that
index as the lines went in tripled the database's work), and names the excerpt's lines whose
message is LIKE the needle, as ``icontains`` compares. SQLite's index is made by the
log_search migration, PostgreSQL's by 0008_heavyio.

Times: a time range becomes a range of line numbers through the ``(excerpt, at)`` index (from
the first line written at or after the start, in time order, up to the first written after the
end), and the other filters run over that range of lines.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from journal.models import LogExcerpt, LogLine

TEXT_TABLE = "journal_logline_text"
TRIGRAM = 3
RARE = 5000  # at most this many lines holding the text, in the whole journal: read them by id


def containing(excerpt: LogExcerpt, needle: str) -> QuerySet[LogLine]:
    """The excerpt's lines whose message holds ``needle``, case aside (on SQLite ASCII case,
    as its LIKE); all its lines when ``needle`` is empty."""
    lines = excerpt.lines.all()
    if not needle:
        return lines
    lines = lines.filter(message__icontains=needle)
    if len(needle) < TRIGRAM or excerpt.text_indexed_at is None:
        return lines
    if connection.vendor == "postgresql":
        pattern = f"%{connection.ops.prep_for_like_query(needle)}%"
        return lines.filter(
            id__in=RawSQL(
                f"SELECT id FROM {TEXT_TABLE} WHERE excerpt_id = %s AND UPPER(message) LIKE UPPER(%s)",
                [excerpt.pk, pattern],
            )
        )
    if connection.vendor != "sqlite":
        return lines
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH %s LIMIT %s",
            ['"' + needle.replace('"', '""') + '"', RARE + 1],
        )
        found = [row[0] for row in cursor.fetchall()]
    if len(found) > RARE:
        return lines
    # Without the excerpt in the query, the ids are the only way in: the (excerpt, number) index
    # cannot tempt SQLite's planner into scanning the whole excerpt in line order.
    mine = [pk for pk, of in LogLine.objects.filter(id__in=found).values_list("id", "excerpt_id") if of == excerpt.pk]
    return LogLine.objects.filter(id__in=mine, message__icontains=needle)


def index_text(excerpt_id: int) -> int:
    """Put a read excerpt's lines into the text index and mark it indexed; returns how many
    lines went in. An excerpt gone, not read (a reading queued or under way) or indexed already
    is left alone."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    if connection.vendor == "postgresql":
        insert = (
            f"INSERT INTO {TEXT_TABLE} (id, excerpt_id, message) SELECT id, excerpt_id, message "
            f"FROM {LogLine._meta.db_table} WHERE excerpt_id = %s"
        )
    else:
        insert = (
            f"INSERT INTO {TEXT_TABLE}(rowid, message) SELECT id, message FROM {LogLine._meta.db_table} "
            "WHERE excerpt_id = %s"
        )
    with transaction.atomic():
        marked = LogExcerpt.all_objects.filter(
            pk=excerpt_id, state=LogExcerpt.State.READ, text_indexed_at__isnull=True
        ).update(text_indexed_at=timezone.now())
        if not marked:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(insert, [excerpt_id])
            return cursor.rowcount


def first_number_at_or_after(lines: QuerySet[LogLine], at: datetime) -> int | None:
    """The number of the first line, in time order, written at or after ``at``."""
    return lines.filter(at__gte=at).order_by("at", "number").values_list("number", flat=True).first()


def first_number_after(lines: QuerySet[LogLine], at: datetime) -> int | None:
    """The number of the first line, in time order, written after ``at``."""
    return lines.filter(at__gt=at).order_by("at", "number").values_list("number", flat=True).first()


def within_times(excerpt: LogExcerpt, since: datetime | None, until: datetime | None) -> Q:
    """Lines numbered from the first line written at or after ``since`` up to the first written
    after ``until`` (lines without a time, such as continuations, go with the line before them);
    no line when none is written at or after ``since``."""
    numbers = Q()
    if since:
        first = first_number_at_or_after(excerpt.lines.all(), since)
        numbers &= Q(pk__in=[]) if first is None else Q(number__gte=first)
    if until:
        beyond = first_number_after(excerpt.lines.all(), until)
        numbers &= Q() if beyond is None else Q(number__lt=beyond)
    return numbers
