"""Per-user API tokens: ``Authorization: Bearer <token>``. Only the token's SHA-256 is kept;
the token is shown once, when made. A token acts as its user with that user's role at the
time of each request (a viewer's token reads only); a token made read-only never writes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from journal.secret_tokens import UseNoted, token_digest

__all__ = ["ApiToken"]

TOKEN_PREFIX = "ij_"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def find(self, token: str) -> ApiToken | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        return self.active().select_related("user").filter(token_sha256=token_digest(token)).first()


class ApiToken(UseNoted, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “backup script”.")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="The token's first characters.")
    read_only = models.BooleanField(default=False, help_text="Reads only, whatever its user's role.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def create(cls, user, name: str, read_only: bool = False) -> tuple[ApiToken, str]:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        item = cls.objects.create(
            user=user, name=name, read_only=read_only, token_sha256=token_digest(token), prefix=token[:10]
        )
        return item, token
