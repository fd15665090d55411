"""What one "Delete" took with it, so that "Undo" puts back exactly those rows."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Deletion", "UNDO_DAYS"]

UNDO_DAYS = 30  # deletions older than this may be purged (manage.py purge_deleted)


class Deletion(models.Model):
    """A provider, service or incident deleted by someone, and every row removed with it
    (a provider's services and their incidents). The rows stay, marked removed, until undone
    or purged."""

    class What(models.TextChoices):
        PROVIDER = "provider", _("provider")
        SERVICE = "service", _("service")
        INCIDENT = "incident", _("incident")

    what = models.CharField(max_length=10, choices=What)
    object_id = models.PositiveIntegerField()
    label = models.CharField(max_length=500, help_text=_("What was deleted, as it was called then."))
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    providers = models.JSONField(default=list, help_text=_("Ids of the providers removed by this deletion."))
    services = models.JSONField(default=list, help_text=_("Ids of the services removed by this deletion."))
    incidents = models.JSONField(default=list, help_text=_("Ids of the incidents removed by this deletion."))

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"Deleted {self.what} {self.label}"

    @property
    def undo_until(self):
        return self.deleted_at + timedelta(days=UNDO_DAYS)

    @property
    def can_undo(self) -> bool:
        return timezone.now() < self.undo_until

    @property
    def went_with(self) -> dict[str, int]:
        """How many providers, services and incidents went with it (the deleted thing apart)."""
        counts = {"provider": len(self.providers), "service": len(self.services), "incident": len(self.incidents)}
        counts[self.what] -= 1
        return counts

    @property
    def what_went(self) -> str:
        """“2 services and 5 incidents” (what went with it, the deleted thing apart)."""
        from journal.housekeeping.removal import describe

        return describe(self.went_with)
