"""A service's webhook ingest URLs, every delivery they received (kept byte for byte), and the
messages already applied (so a retry of the same message changes nothing)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from journal.secret_tokens import Revocable, token_digest

__all__ = ["HookDelivery", "HookFormat", "HookMessage", "WebHook"]

TOKEN_PREFIX = "wh_"


class HookFormat(models.TextChoices):
    AUTO = "auto", _("Detect from the body")
    UPTIME_KUMA = "uptime_kuma", "Uptime Kuma"
    HEALTHCHECKS = "healthchecks", "Healthchecks.io"
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"


class WebHookQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def find(self, token: str) -> WebHook | None:
        """The active hook for this token; None for an unknown or revoked one."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        return self.active().select_related("service").filter(token_sha256=token_digest(token)).first()


class WebHook(Revocable, models.Model):
    """A secret ingest URL (``/hooks/<token>/``) of one service. Only the token's SHA-256 is
    kept: the URL is shown once, when made or rotated."""

    service = models.ForeignKey("journal.Service", on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(max_length=100, help_text=_("e.g. “Uptime Kuma on the home server”."))
    format = models.CharField(max_length=20, choices=HookFormat, default=HookFormat.AUTO)
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="The token's first characters.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)

    objects = WebHookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_format_display()})"

    def new_token(self) -> str:
        """Give the hook a fresh token (the old one stops working) and return it, unsaved."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_sha256, self.prefix = token_digest(token), token[:10]
        return token

    @classmethod
    def create(cls, service, name: str, format: str, created_by=None) -> tuple[WebHook, str]:
        hook = cls(service=service, name=name, format=format, created_by=created_by)
        token = hook.new_token()
        hook.save()
        return hook, token

    def rotate(self) -> str:
        token = self.new_token()
        self.rotated_at = timezone.now()
        self.save(update_fields=["token_sha256", "prefix", "rotated_at"])
        return token

    def ingest_path(self, token: str) -> str:
        return reverse("hook_ingest", args=[token])


class HookDelivery(models.Model):
    """One request received on a hook, its body kept byte for byte before it was read."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REPEAT = "repeat", _("Repeat (already applied)")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Rejected")
        TOO_LARGE = "too_large", _("Too large")
        # stored, not yet read (a crash between the two)
        RECEIVED = "received", pgettext_lazy("delivery outcome", "Received")

    hook = models.ForeignKey(WebHook, on_delete=models.CASCADE, related_name="deliveries")
    received_at = models.DateTimeField(default=timezone.now)
    body = models.BinaryField(blank=True)
    size = models.PositiveIntegerField(default=0, help_text="Bytes received (the body is not kept when too large).")
    content_type = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, blank=True, help_text="The format the body was read as.")
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.RECEIVED)
    error = models.TextField(blank=True, help_text="Why the body was refused.")
    detail = models.TextField(blank=True, help_text="What each message in it did.")
    incident = models.ForeignKey("journal.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = _("hook deliveries")

    def __str__(self) -> str:
        return f"Delivery {self.pk} to {self.hook.name} at {self.received_at:%Y-%m-%d %H:%M:%S} UTC"

    @property
    def body_text(self) -> str:
        """The body as text for showing (undecodable bytes replaced; the stored bytes stay as received)."""
        return bytes(self.body).decode("utf-8", "replace")


class HookMessage(models.Model):
    """One monitor message (an Uptime Kuma heartbeat, a Healthchecks status change, an
    Alertmanager alert) applied to a service. ``key`` identifies the message: a retry carries
    the same key and is not applied again."""

    class State(models.TextChoices):
        DOWN = "down", "Down"
        UP = "up", "Up"

    service = models.ForeignKey("journal.Service", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, help_text="SHA-256 of the message's identity.")
    subject = models.CharField(max_length=300, help_text="What is monitored: monitor, check or alert.")
    name = models.CharField(max_length=200, blank=True, help_text="Its name, as the monitor gave it.")
    state = models.CharField(max_length=10, choices=State)
    at = models.DateTimeField()
    delivery = models.ForeignKey(HookDelivery, null=True, on_delete=models.SET_NULL, related_name="messages")
    incident = models.ForeignKey("journal.Incident", null=True, on_delete=models.SET_NULL, related_name="+")
    event = models.ForeignKey("journal.TimelineEvent", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "key"], name="unique_hook_message")]
        indexes = [models.Index(fields=["incident", "subject"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.state} at {self.at.isoformat()}"
