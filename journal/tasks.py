"""Work done off the request, on a worker (`manage.py worker`, django.tasks with the
django-tasks-db backend): reading a log excerpt's lines after an upload or a "read again",
then putting them into SQLite's text index (journal.logs.search; the viewer scans until then);
and the jobs of journal.jobs (accepting all suggestions, exporting and importing the journal).

The excerpt's state says where its reading stands: queued → reading → read (or failed, with
the reason). The lines, the counts and the "read" state are written in the importer's one
transaction, so a worker killed half-way leaves the lines as they were and the excerpt
"reading"; `manage.py worker` queues such stalled readings again when it starts.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from journal.acting import acting_as
from journal.logs import search
from journal.logs.importer import read_excerpt
from journal.logs.lines import LogReadError
from journal.models import Job, LogExcerpt

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
        _failed(excerpt, _("unexpected error (%(error)s); see the worker's log") % {"error": type(exc).__name__})
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


# ------------------------------------------------------------------ jobs asked for on a page
#
# A job's work and its "done" are committed together where the work is in the database
# (accepting, importing): a worker killed before the commit leaves nothing and the job
# running; after it, the job done. Either way running it again is safe (accepting is a
# conditional update per suggestion; an import skips the incidents it has). An export is
# written under a temporary name and renamed once complete.

Kind = Job.Kind
JobState = Job.State


def enqueue_job(job: Job) -> None:
    """Queue the job (already saved). With the database backend its task row is committed
    with the job's, or not at all; the ImmediateBackend runs it here and now."""
    run_job.enqueue(job.pk)


@task()
def run_job(job_id: int) -> str:
    """Do the job; returns its state. A job gone, or finished already (queued twice), is left alone."""
    claimed = Job.objects.filter(pk=job_id, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.RUNNING, state_since=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    from journal.portability import DocumentError  # it queues text indexing from here

    job = Job.objects.select_related("incident", "requested_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):  # the failure, as the page that asked reads
        try:
            RUNNERS[job.kind](job)
        except DocumentError as exc:
            _job_failed(job, str(exc))
        except Exception as exc:
            _job_failed(job, _("unexpected error (%(error)s); see the worker's log") % {"error": type(exc).__name__})
            raise
        finally:
            cache.delete(job.progress_key)
    return Job.objects.values_list("state", flat=True).get(pk=job_id)


def _job_done(job: Job, result: dict, **changes) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE, result=result, finished_at=timezone.now(), state_since=timezone.now(), **changes
    )


def _job_failed(job: Job, reason: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, failure=reason, finished_at=now, state_since=now)


def _accept_all(job: Job) -> None:
    with acting_as(job.requested_by), transaction.atomic():
        accepted, skipped = job.incident.accept_suggestions()
        _job_done(job, {"accepted": accepted, "skipped": skipped})


def _export(job: Job) -> None:
    from journal.portability import write_document

    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"exports/journal-{timezone.now():%Y%m%d-%H%M%S}-{job.pk}.json"
    target = Path(settings.DATA_DIR) / name
    partial = folder / f".job-{job.pk}.partial"  # a killed export's leftover is overwritten
    with partial.open("w", encoding="utf-8") as fh:
        write_document(fh, progress=lambda done, total: job.report(done))
    os.replace(partial, target)
    _job_done(job, {"incidents": job.progress}, file=name, size=target.stat().st_size)


def _import(job: Job) -> None:
    from journal.portability import import_file

    with job.path.open("rb") as fh, transaction.atomic():
        counts = import_file(fh, progress=job.report, user=job.requested_by)
        _job_done(job, counts)


RUNNERS = {Kind.ACCEPT_ALL: _accept_all, Kind.EXPORT: _export, Kind.IMPORT: _import}


def requeue_stalled_jobs() -> list[Job]:
    """Queue again every job running with no sign of life for JOB_STALLED_AFTER seconds (its
    worker was killed or lost): nothing of it was committed, so it starts again."""
    limit = timezone.now() - timedelta(seconds=settings.JOB_STALLED_AFTER)
    stalled = [job for job in Job.objects.filter(state=JobState.RUNNING) if job.last_sign_of_life() <= limit]
    for job in stalled:
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(state=JobState.QUEUED, state_since=timezone.now())
        enqueue_job(job)
    return stalled


def remove_expired_files() -> int:
    """Delete the files of exports and imports finished more than JOB_FILES_KEEP_HOURS ago;
    how many."""
    limit = timezone.now() - timedelta(hours=settings.JOB_FILES_KEEP_HOURS)
    expired = Job.objects.filter(finished_at__lt=limit).exclude(file="")
    count = 0
    for job in expired:
        job.path.unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count
