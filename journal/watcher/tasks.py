"""Polls run on the task worker (django.tasks, django-tasks-db), never in a web request.

The scheduler is ``manage.py watch`` (started by ``make run`` beside the worker): every few
seconds it calls ``enqueue_due``, which queues a poll of each enabled source whose next poll is
due. ``queued_at`` marks a poll waiting, so a source is queued once until its poll ends (a poll
queued longer than QUEUED_STALE ago, its worker lost, is queued again)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from journal.watcher.models import StatusSource
from journal.watcher.poll import poll

QUEUED_STALE = timedelta(minutes=15)


@task()
def poll_source(source_id: int) -> dict:
    """Poll the source (gone or disabled: nothing); returns what the poll found."""
    source = StatusSource.objects.select_related("service").filter(pk=source_id).first()
    if source is None:
        return {}
    if not source.enabled:
        StatusSource.objects.filter(pk=source_id).update(queued_at=None)
        return {}
    outcome = poll(source)
    return {
        "fetched": outcome.fetched,
        "unchanged": outcome.unchanged,
        "new_items": outcome.new_items,
        "new_versions": outcome.new_versions,
        "vanished": outcome.vanished,
        "error": outcome.error,
    }


def _claim(source_id: int, now) -> bool:
    """Mark the source queued; True for the one caller that did it."""
    free = Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUED_STALE)
    return bool(StatusSource.objects.filter(free, pk=source_id).update(queued_at=now))


def enqueue_poll(source: StatusSource) -> bool:
    """Queue a poll of ``source`` now (once the transaction commits); False when one is waiting."""
    now = timezone.now()
    if not _claim(source.pk, now):
        return False
    source.queued_at = now
    transaction.on_commit(lambda: poll_source.enqueue(source.pk))
    return True


def enqueue_due(now=None) -> int:
    """Queue a poll of every enabled source that is due; returns how many were queued."""
    now = now or timezone.now()
    due = StatusSource.objects.filter(enabled=True, next_poll_at__lte=now).values_list("pk", flat=True)
    queued = 0
    for pk in due:
        if _claim(pk, now):
            with transaction.atomic():
                transaction.on_commit(lambda pk=pk: poll_source.enqueue(pk))
            queued += 1
    return queued
