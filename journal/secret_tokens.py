"""What the rows holding a secret token share (share links, API tokens, feed tokens, webhook
URLs): only the token's SHA-256 is stored, a row is revoked once and for good, and its use is
noted at most once a minute (a feed reader or a script may call every few seconds)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

LAST_USED_EVERY = timedelta(minutes=1)


def token_digest(token: str, errors: str = "replace") -> str:
    """The SHA-256 stored for ``token``; ``errors`` says how a character UTF-8 cannot encode is
    treated (each door keeps the rule it was written with)."""
    return hashlib.sha256(token.encode("utf-8", errors)).hexdigest()


class Revocable:
    """For a model with ``revoked_at``."""

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class UseNoted(Revocable):
    """For a model with ``revoked_at`` and ``last_used_at``."""

    def note_use(self) -> None:
        """Note the use, at most once a minute (a read should not write on every request)."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_EVERY:
            type(self)._default_manager.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
