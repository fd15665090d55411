"""Feed tokens: a secret in a feed URL (a calendar app or feed reader has no session). Each
belongs to one person (viewers too: feeds only read); only the token's SHA-256 is stored, so the
database alone cannot rebuild a URL. A revoked token, or one of a deactivated account, opens
nothing (404)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from journal.secret_tokens import UseNoted, token_digest


def _digest(token: str) -> str:
    return token_digest(token, errors="surrogatepass")


class FeedTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def find(self, token: str) -> FeedToken | None:
        """The active token for this secret; None for an unknown or revoked one."""
        if not token or len(token) > 200:
            return None
        return self.active().filter(token_sha256=_digest(token)).first()


class FeedToken(UseNoted, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="Where it is used, e.g. “phone calendar”.")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Feed token {self.name or self.pk} of {self.user}"

    @classmethod
    def create(cls, user, name: str = "") -> tuple[FeedToken, str]:
        """A new token and its secret (shown once: only its hash is kept)."""
        secret = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, token_sha256=_digest(secret)), secret
