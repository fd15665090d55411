"""Status sources of a provider, the notices seen on them and every version of each notice."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.timezones import validate_time_zone

MAX_BACKOFF = timedelta(hours=24)

__all__ = ["StatusSource", "SourceItem", "SourceItemVersion"]


class StatusSource(models.Model):
    """Somewhere a provider publishes notices, polled by the worker on its own interval."""

    class Kind(models.TextChoices):
        STATUSPAGE = "statuspage", _("Atlassian Statuspage")
        FEED = "feed", _("Atom or RSS feed")
        HTML = "html", _("Plain HTML page")

    provider = models.ForeignKey("journal.Provider", on_delete=models.CASCADE, related_name="status_sources")
    service = models.ForeignKey(
        "journal.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_sources",
        help_text=_("The service its notices are about; empty: any of the provider's services."),
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.STATUSPAGE)
    url = models.URLField(
        _("URL"),
        max_length=1000,
        help_text=_("Statuspage: the page's address (its /api/v2/ documents are read). Feed or page: its own address."),
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone of times its notices write without one, e.g. Asia/Tokyo."),
    )
    interval_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"), default=15, help_text=_("Between 1 minute and 1 day.")
    )
    enabled = models.BooleanField(default=True)
    # Conditional GET: per document URL, {"etag": …, "last_modified": …} of the last 200.
    validators = models.JSONField(default=dict, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False, help_text="Errors in a row.")
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="A poll is waiting.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider", "id"]
        indexes = [models.Index(fields=["enabled", "next_poll_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"

    def clean(self) -> None:
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            raise ValidationError({"url": ValidationError(_("Only http:// and https:// addresses are polled."))})
        if not 1 <= (self.interval_minutes or 0) <= 24 * 60:
            raise ValidationError(
                {"interval_minutes": ValidationError(_("Poll between every minute and once a day (1–1440)."))}
            )
        if self.service_id and self.service.provider_id != self.provider_id:
            raise ValidationError({"service": ValidationError(_("That service is rented from another provider."))})

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.interval_minutes)

    def delay_after(self, failures: int) -> timedelta:
        """Until the next poll: the interval, doubled for each error in a row, at most a day
        (never less than the interval)."""
        if failures <= 0:
            return self.interval
        doubled = self.interval * (2 ** min(failures, 20))
        return max(self.interval, min(doubled, MAX_BACKOFF))

    @property
    def backing_off(self) -> bool:
        return self.failures > 0

    def document_urls(self) -> list[str]:
        if self.kind == self.Kind.STATUSPAGE:
            base = self.url.split("/api/v2/")[0].rstrip("/")
            return [f"{base}/api/v2/incidents.json", f"{base}/api/v2/scheduled-maintenances.json"]
        return [self.url]


class SourceItem(models.Model):
    """One notice on a source (an incident, a maintenance, a feed entry, the page), across its
    versions: when it was first and last seen, and when it vanished from the source."""

    class Offer(models.TextChoices):
        PENDING = "pending", _("Offered")
        ATTACHED = "attached", _("Attached")
        DISMISSED = "dismissed", _("Dismissed")

    source = models.ForeignKey(StatusSource, on_delete=models.CASCADE, related_name="items")
    document = models.URLField(max_length=1000, help_text="The document it is listed in.")
    external_id = models.CharField(max_length=500)
    title = models.CharField(max_length=500, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    vanished_at = models.DateTimeField(null=True, blank=True, help_text="No longer on the source since.")
    offer = models.CharField(max_length=20, choices=Offer, default=Offer.PENDING)
    incident = models.ForeignKey(
        "journal.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_items"
    )
    notice = models.ForeignKey(
        "journal.ProviderNotice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The incident's notice made from its latest version.",
    )
    # The latest version's window (what offers are matched on); no end: still going on.
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen", "-id"]
        indexes = [models.Index(fields=["offer", "window_start"])]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="unique_item_per_source")]

    def __str__(self) -> str:
        return self.title or self.external_id

    def get_absolute_url(self) -> str:
        return reverse("source_item", args=[self.pk])

    @property
    def latest(self) -> SourceItemVersion | None:
        versions = list(self.versions.all())
        return versions[-1] if versions else None

    @property
    def is_maintenance(self) -> bool:
        return self.external_id.startswith("maintenance:")


class SourceItemVersion(models.Model):
    """A version of a notice as retrieved: the bytes verbatim with their SHA-256, the text read
    from them, and what the notice reader found in it. Never changed once stored."""

    item = models.ForeignKey(SourceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.BinaryField(help_text="The bytes as retrieved (a Statuspage entry: its JSON object).")
    sha256 = models.CharField(max_length=64)
    text = models.TextField(help_text="The notice as text, read from the bytes.")
    text_sha256 = models.CharField(max_length=64, help_text="A new version is stored when this changes.")
    url = models.URLField(max_length=1000)
    etag = models.CharField(max_length=500, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    retrieved_at = models.DateTimeField()
    claimed_start = models.DateTimeField(null=True, blank=True)
    claimed_end = models.DateTimeField(null=True, blank=True)
    approximate = models.BooleanField(default=False)
    target = models.CharField(max_length=300, blank=True)
    cause = models.TextField(blank=True)
    reader_doubts = models.JSONField(default=list, blank=True, help_text="Why the notice reader is unsure.")

    class Meta:
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A retrieved version is kept as it was retrieved.", code="immutable")
        self.sha256 = hashlib.sha256(bytes(self.body)).hexdigest()
        self.text_sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        super().save(*args, **kwargs)

    @property
    def window(self) -> tuple[datetime | None, datetime | None]:
        return self.claimed_start, self.claimed_end


def user_agent() -> str:
    return getattr(settings, "WATCHER_USER_AGENT", "incident-journal-watcher/1.0 (self-hosted status watcher)")
