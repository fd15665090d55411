"""Heavy work asked for on a page and done on a worker (journal.tasks): accepting all of an
incident's log suggestions, writing the JSON journal for download, importing an uploaded one.

A job is queued → running → done (with its result) or failed (with the reason). Its worker
reports progress through the cache (the work's own transaction holds its rows until it
commits); a job running with no sign of life for JOB_STALLED_AFTER seconds was lost with its
worker and is queued again when a worker starts (``journal.tasks.requeue_stalled_jobs``).
Files (an export written, an import uploaded) live under DATA_DIR and expire
JOB_FILES_KEEP_HOURS after the job finished.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

__all__ = ["Job"]


class Job(models.Model):
    class Kind(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("accepting all suggestions")
        EXPORT = "export", _("journal export")
        IMPORT = "import", _("journal import")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job", "queued")
        RUNNING = "running", pgettext_lazy("job", "running")
        DONE = "done", pgettext_lazy("job", "done")
        FAILED = "failed", pgettext_lazy("job", "failed")

    kind = models.CharField(max_length=20, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incident = models.ForeignKey("journal.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    state_since = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text=_("Times a worker started it."))
    file = models.CharField(max_length=300, blank=True, help_text=_("Relative to DATA_DIR; empty once expired."))
    name = models.CharField(max_length=255, blank=True, help_text=_("The uploaded file's name."))
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text=_("The language of the page that asked: its worker writes the failure in it."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def imported(self) -> str:
        """What a finished import added: “2 providers, 2 services, 2 incidents”."""
        from journal.housekeeping.removal import COUNTED

        names = ("provider", "providers"), ("service", "services"), ("incident", "incidents")
        return gettext(", ").join(COUNTED[noun] % {"n": self.result.get(key, 0)} for noun, key in names)

    @property
    def path(self) -> Path | None:
        return Path(settings.DATA_DIR) / self.file if self.file else None

    @property
    def expires_at(self) -> datetime | None:
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(hours=settings.JOB_FILES_KEEP_HOURS)

    @property
    def progress_key(self) -> str:
        return f"job-progress-{self.pk}"

    @property
    def progress(self) -> int:
        """Incidents written or imported so far (reported by the worker)."""
        done, _ = cache.get(self.progress_key, (0, None))
        return done

    def report(self, done: int) -> None:
        cache.set(self.progress_key, (done, timezone.now()), timeout=None)

    def last_sign_of_life(self) -> datetime:
        _, at = cache.get(self.progress_key, (0, None))
        return at or self.state_since
