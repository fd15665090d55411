"""Read-only share links: one incident shown, without signing in, to whoever holds the link
(e.g. the provider's support). The token is random and only its SHA-256 is stored, so the
database alone cannot rebuild a link; each link expires and can be revoked."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.secret_tokens import Revocable, token_digest

DEFAULT_DAYS = 14
MAX_DAYS = 365


def _digest(token: str) -> str:
    return token_digest(token, errors="strict")


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def find(self, token: str) -> ShareLink | None:
        """The active link for this token; None for an unknown, expired or revoked one."""
        return self.active().select_related("incident").filter(token_sha256=_digest(token)).first()


class ShareLink(Revocable, models.Model):
    incident = models.ForeignKey("journal.Incident", on_delete=models.CASCADE, related_name="share_links")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(max_length=200, blank=True, help_text=_("Who it was sent to."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link for {self.incident} until {self.expires_at:%Y-%m-%d %H:%M} UTC"

    @classmethod
    def create(cls, incident, days: int, note: str = "", created_by=None) -> tuple[ShareLink, str]:
        """A new link and its token (shown once: only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        link = cls.objects.create(
            incident=incident,
            token_sha256=_digest(token),
            note=note,
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return link, token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
