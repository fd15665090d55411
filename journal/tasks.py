"""Work done off the request, on a worker (`manage.py worker`, django.tasks with the
django-tasks-db backend): reading a log excerpt's lines after an upload or a "read again",
then putting them into SQLite's text index (journal.logs.search; the viewer scans until then).

The excerpt's state says where its reading stands: queued → reading → read (or failed, with
the reason). The lines, the counts and the "read" state are written in the importer's one
transaction, so a worker killed half-way leaves the lines as they were and the excerpt
"reading"; `manage.py worker` queues such stalled readings again when it starts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from journal.logs import search
from journal.logs.importer import read_excerpt
from journal.logs.lines import LogReadError
from journal.models import LogExcerpt

State = LogExcerpt.State


def enqueue_reading(excerpt: LogExcerpt, zone_name: str | None = None, year: int | None = None) -> None:
    """Queue the excerpt's (re-)reading once the current transaction commits, with times
    written without a zone in ``zone_name`` (default: the service's) and without a year in
    ``year`` (default: the incident's). Both are kept on the excerpt, so a stalled reading
    queued again reads with them too."""
    changes = {
        "state": State.QUEUED,
        "state_since": timezone.now(),
        "failure": "",
        "reading_zone": zone_name or "",
        "reading_year": year,
    }
    LogExcerpt.all_objects.filter(pk=excerpt.pk).update(**changes)
    for name, value in changes.items():
        setattr(excerpt, name, value)
    cache.delete(excerpt.progress_key)
    transaction.on_commit(lambda: read_log.enqueue(excerpt.pk))


@task()
def read_log(excerpt_id: int) -> int:
    """Read the excerpt's lines; returns how many. An excerpt gone or already read (a
    reading queued twice) is left alone."""
    excerpt = (
        LogExcerpt.all_objects.select_related("incident__service")
        .filter(pk=excerpt_id, state__in=[State.QUEUED, State.READING])
        .first()
    )
    if excerpt is None:
        return 0
    started = timezone.now()
    LogExcerpt.all_objects.filter(pk=excerpt_id).update(state=State.READING, state_since=started)
    excerpt.state, excerpt.state_since = State.READ, started  # saved by the importer with the lines

    def progress(lines: int) -> None:
        cache.set(excerpt.progress_key, (lines, timezone.now()), timeout=None)

    try:
        reading = read_excerpt(excerpt, excerpt.reading_zone or None, excerpt.reading_year, progress=progress)
    except LogReadError as exc:  # damaged compressed data, or too large once decompressed
        _failed(excerpt, str(exc))
        return 0
    except Exception as exc:
        _failed(excerpt, f"unexpected error ({type(exc).__name__}); see the worker's log")
        raise
    finally:
        cache.delete(excerpt.progress_key)
    enqueue_indexing(excerpt)
    return reading.lines


def enqueue_indexing(excerpt: LogExcerpt) -> None:
    """Queue putting the excerpt's lines into the text index once they are committed."""
    transaction.on_commit(lambda: index_log_text.enqueue(excerpt.pk))


@task()
def index_log_text(excerpt_id: int) -> int:
    """Put a read excerpt's lines into the text index; returns how many (0 when it is not read,
    indexed already, or on PostgreSQL, whose index needs no step)."""
    return search.index_text(excerpt_id)


def _failed(excerpt: LogExcerpt, reason: str) -> None:
    LogExcerpt.all_objects.filter(pk=excerpt.pk).update(state=State.FAILED, failure=reason, state_since=timezone.now())


def requeue_stalled() -> list[LogExcerpt]:
    """Queue again every reading that has shown no progress for LOG_READING_STALLED_AFTER
    seconds (its worker was killed or lost): the importer's transaction left nothing
    half-written, so reading again from the start is safe."""
    limit = timezone.now() - timedelta(seconds=settings.LOG_READING_STALLED_AFTER)
    stalled = [
        excerpt
        for excerpt in LogExcerpt.all_objects.filter(state=State.READING)
        if (excerpt.last_sign_of_life() or limit) <= limit
    ]
    for excerpt in stalled:
        enqueue_reading(excerpt, excerpt.reading_zone or None, excerpt.reading_year)
    return stalled
