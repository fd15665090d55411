"""Each user's own language and time zone, kept with the account so they follow the user from
one browser to the next. Empty means "not chosen": the language then comes from the browser
(Accept-Language, or the language cookie) and the zone from the zone cookie or TIME_ZONE."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journal.timezones import validate_time_zone


class Preferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("", _("As my browser asks"))] + [(code, name) for code, name in settings.LANGUAGES],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_time_zone])

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'} {self.time_zone or '-'}"

    @classmethod
    def of(cls, user) -> "Preferences":
        """The user's preferences (unsaved and empty if they never chose)."""
        try:
            return cls.objects.get(user=user)
        except cls.DoesNotExist:
            return cls(user=user)

    @classmethod
    def remember(cls, user, **values) -> None:
        cls.objects.update_or_create(user=user, defaults=values)
