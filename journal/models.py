"""The journal's domain: providers, what is rented from them, and the evidence of each incident."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from journal import downtime, hours, sla
from journal.timezones import get_zone, validate_time_zone


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    FORM = "form", _("Contact form")
    CHAT = "chat", _("Chat")
    TICKET = "ticket", _("Ticket")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


CHANNELS = Channel.choices


class VersionConflict(Exception):
    """Someone saved the record after the form being saved was opened."""

    def __init__(self, current: models.Model):
        super().__init__(f"{current} changed since the form was opened")
        self.current = current


class Versioned(models.Model):
    """A ``version`` bumped on every save, so a form opened at one version cannot silently
    overwrite a later one (see ``claim_version``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def claim_version(self, expected: int) -> None:
        """Before saving a form opened at version ``expected``: a conditional update that
        succeeds for one writer only (the row is locked until the transaction ends), else
        VersionConflict carrying the record as it is now. Call inside ``transaction.atomic``."""
        claimed = type(self)._base_manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
        if not claimed:
            raise VersionConflict(type(self)._base_manager.get(pk=self.pk))
        self.version = expected  # save() makes it expected + 1 again, the version claimed


class CurrentManager(models.Manager):
    """Only what has not been removed (the default: totals, claims, exports and the pack)."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Removable(models.Model):
    """Evidence is never deleted from the page, only removed with a reason (and restorable)."""

    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    removal_reason = models.CharField(max_length=500, blank=True, editable=False)

    all_objects = models.Manager()
    objects = CurrentManager()  # the default: see each model's Meta.default_manager_name

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_current(self) -> bool:
        """Counted, shown among the current evidence and editable."""
        return not self.is_removed

    def remove(self, user, reason: str) -> None:
        reason = " ".join(reason.split())
        if not reason:
            raise ValidationError(_("Say why it is removed: the reason is kept with it."), code="no_reason")
        self.removed_at, self.removed_by, self.removal_reason = timezone.now(), user, reason[:500]
        self.save()

    def restore(self) -> None:
        self.removed_at, self.removed_by, self.removal_reason = None, None, ""
        self.save()


# What the evidence kept byte for byte is called in a refusal.
EVIDENCE_NAMES = {"providernotice": _("provider notice"), "logexcerpt": _("log excerpt")}


def _unchanged_evidence(instance: models.Model, field: str) -> None:
    """Stored evidence bytes are immutable: a save that would change their hash is refused."""
    if instance._state.adding or instance.pk is None:
        return
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()
    if stored is not None and stored != getattr(instance, field):
        raise ValidationError(
            _("%(what)s content is immutable once stored."),
            code="immutable",
            params={"what": EVIDENCE_NAMES.get(instance._meta.model_name, instance._meta.verbose_name)},
        )


class NamedMixin:
    """``name_key`` follows ``name`` on every save (journal.housekeeping.names)."""

    def save(self, *args, **kwargs) -> None:
        from journal.housekeeping.names import name_key

        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Provider(NamedMixin, Removable):
    name = models.CharField(max_length=200)
    # The name as compared (NFKC, case-folded, spaces collapsed): unique among current providers.
    name_key = models.CharField(max_length=400, default="", editable=False)
    url = models.URLField(_("website"), blank=True)
    status_page_url = models.URLField(_("status page"), blank=True)
    notes = models.TextField(blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"], condition=models.Q(removed_at__isnull=True), name="unique_provider_name_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("provider", args=[self.pk])

    def downtime_by_year(self) -> dict[int, timedelta]:
        """Observed downtime per calendar year (each service's own zone), newest year first.
        Needs services, their incidents and events (prefetch them)."""
        years: dict[int, timedelta] = {}
        for service in self.services.all():
            for year, total in service.downtime_by_year().items():
                years[year] = years.get(year, downtime.ZERO) + total
        return dict(sorted(years.items(), reverse=True))

    def downtime_in_year(self, year: int) -> timedelta:
        return self.downtime_by_year().get(year, downtime.ZERO)


class SupportChannel(models.Model):
    """A way to reach the provider's support, with its hours (none: around the clock)."""

    class Days(models.TextChoices):
        MON = "mon", pgettext_lazy("weekday", "Mon")
        TUE = "tue", pgettext_lazy("weekday", "Tue")
        WED = "wed", pgettext_lazy("weekday", "Wed")
        THU = "thu", pgettext_lazy("weekday", "Thu")
        FRI = "fri", pgettext_lazy("weekday", "Fri")
        SAT = "sat", pgettext_lazy("weekday", "Sat")
        SUN = "sun", pgettext_lazy("weekday", "Sun")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="support_channels")
    channel = models.CharField(max_length=20, choices=CHANNELS)
    days = models.CharField(max_length=40, default="mon,tue,wed,thu,fri,sat,sun", help_text=_("Days it answers."))
    opens = models.TimeField(null=True, blank=True, help_text=_("Empty with “closes”: all day."))
    closes = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    notes = models.CharField(max_length=200, blank=True, help_text=_("e.g. “closed on public holidays”."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "channel", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.hours_text}"

    def clean(self) -> None:
        if (self.opens is None) != (self.closes is None):
            raise ValidationError(_("Give both opening and closing times, or neither (all day)."), code="half_hours")
        if self.opens is not None and self.closes <= self.opens:
            raise ValidationError({"closes": ValidationError(_("Closes before it opens."), code="end_before_start")})

    @property
    def day_numbers(self) -> set[int]:
        return self.numbers_of(self.days)

    @classmethod
    def numbers_of(cls, days: str) -> set[int]:
        """Weekday numbers (Monday 0) of a ``days`` value such as "mon,tue"."""
        names = [d.value for d in cls.Days]
        return {names.index(d) for d in days.split(",") if d in names}

    @property
    def hours_text(self) -> str:
        days = (
            gettext("every day")
            if len(self.day_numbers) == 7
            else gettext(", ").join(str(d.label) for d in self.Days if d.value in self.days.split(","))
        )
        if self.opens is None:
            return gettext("%(days)s, 24 hours") % {"days": days} if len(self.day_numbers) < 7 else "24/7"
        return f"{days} {self.opens:%H:%M}–{self.closes:%H:%M} {self.time_zone}"

    def is_open_at(self, moment: datetime) -> bool:
        return hours.within(moment, self.day_numbers, self.opens, self.closes, get_zone(self.time_zone))


class Service(NamedMixin, Removable):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    # The name as compared: unique among a provider's current services.
    name_key = models.CharField(max_length=400, default="", editable=False)
    host = models.CharField(_("host or plan"), max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone this service's logs are written in, e.g. Asia/Tokyo."),
    )
    is_trial = models.BooleanField(_("on a free trial"), default=False)
    started_on = models.DateField(
        null=True, blank=True, help_text=_("First day rented; months before it have no data.")
    )
    ended_on = models.DateField(null=True, blank=True, help_text=_("Last day rented; months after it have no data."))
    sla_uptime = models.DecimalField(
        _("SLA: monthly uptime committed (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sla_credits = models.CharField(
        _("SLA: credit tiers"),
        max_length=200,
        blank=True,
        help_text=_("Availability below → credit, e.g. “99.9: 10, 99: 25, 95: 100” (percent of the monthly fee)."),
    )
    sla_claim_days = models.PositiveSmallIntegerField(
        _("SLA: days to claim"), null=True, blank=True, help_text=_("Days after the month ends to claim a credit.")
    )
    notes = models.TextField(blank=True, help_text=_("Markdown."))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "name"]
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name_key"],
                condition=models.Q(removed_at__isnull=True),
                name="unique_service_name_key_per_provider",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} › {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("service", args=[self.pk])

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError(
                {"ended_on": ValidationError(_("It ended before it started."), code="end_before_start")}
            )
        if self.sla_credits:
            try:
                sla.parse_tiers(self.sla_credits)
            except ValueError as exc:
                raise ValidationError({"sla_credits": ValidationError(str(exc), code="bad_tiers")}) from None

    def down_intervals(self) -> list[downtime.Interval]:
        """Union of every incident's down intervals: overlapping incidents count once."""
        return downtime.union(i for incident in self.incidents.all() for i in incident.totals.down)

    def downtime_by_year(self) -> dict[int, timedelta]:
        """Observed downtime per calendar year in the service's zone, newest year first."""
        years = downtime.by_year(self.down_intervals(), get_zone(self.time_zone))
        return dict(sorted(years.items(), reverse=True))


class Incident(Versioned, Removable):
    class Kind(models.TextChoices):
        OUTAGE = "outage", _("Outage")
        DEGRADATION = "degradation", _("Degradation")
        DEFECT = "defect", _("Defect or limitation")
        MAINTENANCE = "maintenance", _("Maintenance")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="incidents")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OUTAGE)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    notes = models.TextField(blank=True, help_text=_("Markdown."))
    resolved_at = models.DateTimeField(null=True, blank=True, help_text=_("When it ended; empty means the last event."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]
        default_manager_name = "objects"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incident", args=[self.pk])

    def clean(self) -> None:
        if not self.title.strip():
            raise ValidationError({"title": ValidationError(_("Give the incident a title."), code="blank")})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def stored(self):
        """Its stored totals (journal.totals) when the query fetched them with
        ``select_related("stored_totals")``, else None: then events and notices are read."""
        return self._state.fields_cache.get("stored_totals")

    @property
    def started_at(self) -> datetime:
        """The earliest fact recorded, else when the incident was written down."""
        if (stored := self.stored) is not None:
            return stored.started_at
        events = self.events.all()
        return min((e.at for e in events), default=self.created_at)

    @property
    def year(self) -> int:
        """The year it started, in its service's zone: the year of dates written without one."""
        return timezone.localtime(downtime.as_utc(self.started_at), get_zone(self.service.time_zone)).year

    def until(self, now: datetime | None = None) -> datetime | None:
        """Where a stretch still down at the last event ends: now while open, else the end."""
        if self.is_open:
            return now or timezone.now()
        return self.resolved_at or self.last_event_at()

    def last_event_at(self) -> datetime | None:
        if (stored := self.stored) is not None:
            return stored.last_event_at
        return max((e.at for e in self.events.all()), default=None)

    def claimed_window(self) -> downtime.Interval | None:
        if (stored := self.stored) is not None:
            return stored.claimed()
        return downtime.claimed_window((n.retrieved_at, n.claimed_start, n.claimed_end) for n in self.notices.all())

    def event_count(self) -> int:
        if (stored := self.stored) is not None:
            return stored.event_count
        return len(self.events.all())

    def first_notice_at(self) -> datetime | None:
        if (stored := self.stored) is not None:
            return stored.first_notice_at
        return min((n.retrieved_at for n in self.notices.all()), default=None)

    def compute_totals(self, now: datetime | None = None) -> downtime.Totals:
        """What its events add up to; from the stored totals when they were fetched with it."""
        if (stored := self.stored) is not None:
            return stored.totals(self.until(now))
        return downtime.totals(((e.at, e.type) for e in self.events.all()), self.until(now), self.claimed_window())

    @cached_property
    def totals(self) -> downtime.Totals:
        return self.compute_totals()

    def reconciliation(self) -> downtime.Reconciliation:
        """The provider's claims beside the observations (needs events and notices)."""
        return downtime.reconcile(
            self.totals,
            ((e.at, e.text) for e in self.events.all() if e.type == TimelineEvent.Type.STATUS_CLAIMED),
            self.first_notice_at(),
        )

    def pending_suggestions(self, excerpt: LogExcerpt | None = None) -> PendingSuggestions:
        """What the logs (or one ``excerpt``) prove that the timeline does not have yet, in time
        order; each with ``match``: the event already on the timeline it may duplicate, or None."""
        pending = LogSuggestion.objects.filter(
            excerpt__incident=self, excerpt__removed_at__isnull=True, status=LogSuggestion.Status.PENDING
        )
        if excerpt is not None:
            pending = pending.filter(excerpt=excerpt)
        pending = PendingSuggestions(pending.select_related("line", "excerpt").order_by("at", "id"))
        events = list(self.events.all())
        for suggestion in pending:
            suggestion.match = suggestion.matching_event(events)
        return pending

    def accept_suggestions(self, excerpt: LogExcerpt | None = None) -> tuple[int, int]:
        """Accept every pending suggestion (of one ``excerpt``, or all) that matches no event on
        the timeline, counting the ones just accepted (so two logs of one reboot give one
        event): (accepted, skipped)."""
        events = list(self.events.all())
        accepted = skipped = 0
        for suggestion in self.pending_suggestions(excerpt):
            if suggestion.matching_event(events):
                skipped += 1
            elif event := suggestion.accept():
                events.append(event)
                accepted += 1
        return accepted, skipped

    def earlier_notices(self):
        """Notices superseded by a corrected version or removed: kept, shown, not counted."""
        return (
            ProviderNotice.all_objects.filter(incident=self)
            .exclude(removed_at__isnull=True, superseded_by__isnull=True)
            .select_related("removed_by")
        )

    def removed_log_excerpts(self):
        return LogExcerpt.all_objects.filter(incident=self, removed_at__isnull=False).select_related("removed_by")


class TimelineEvent(Versioned):
    class Type(models.TextChoices):
        DOWN = "down", pgettext_lazy("event type", "Down")
        UP = "up", pgettext_lazy("event type", "Up")
        DEGRADED = "degraded", _("Degraded")
        NOTICED = "noticed", _("Noticed")
        ACTION = "action", _("Action")
        OBSERVATION = "observation", _("Observation")
        STATUS_CLAIMED = "status_claimed", _("Status claimed")

    class Source(models.TextChoices):
        PERSON = "person", _("You")
        LOG = "log", _("Log line")
        NOTICE = "notice", _("Notice")
        SUPPORT = "support", _("Support contact")
        WEBHOOK = "webhook", _("Webhook")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    type = models.CharField(max_length=20, choices=Type)
    source = models.CharField(max_length=20, choices=Source, default=Source.PERSON)
    text = models.TextField(blank=True)
    log_line = models.ForeignKey(
        "LogLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("The log line this event was accepted from."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} at {self.at.isoformat()}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CurrentNoticeManager(CurrentManager):
    """Notices neither removed nor superseded by a newer version."""

    def get_queryset(self):
        return super().get_queryset().filter(superseded_by__isnull=True)


class ProviderNotice(Versioned, Removable):
    """What the provider published, kept verbatim; the claimed window is typed by the user.

    The text never changes once stored: a corrected text is a new notice that ``supersedes``
    this one (which stays, shown as superseded, with its hash)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    url = models.URLField(max_length=1000, blank=True)
    retrieved_at = models.DateTimeField(default=timezone.now)
    raw_text = models.TextField()
    sha256 = models.CharField(max_length=64, editable=False)
    claimed_start = models.DateTimeField(null=True, blank=True)
    claimed_end = models.DateTimeField(null=True, blank=True)
    approximate = models.BooleanField(
        default=False, help_text=_("The notice gives its times as approximate (頃, around).")
    )
    target = models.CharField(max_length=300, blank=True)
    cause = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
        editable=False,
        help_text=_("The earlier version of this notice, whose text this one corrects."),
    )
    history = HistoricalRecords()

    all_objects = models.Manager()
    objects = CurrentNoticeManager()

    class Meta:
        ordering = ["retrieved_at", "id"]
        default_manager_name = "objects"

    def __str__(self) -> str:
        return gettext("Notice %(source)s") % {"source": self.url or self.sha256[:12]}

    def save(self, *args, **kwargs) -> None:
        self.sha256 = sha256_hex(self.raw_text.encode("utf-8"))
        _unchanged_evidence(self, "sha256")
        super().save(*args, **kwargs)

    def save_as_new_version(self) -> None:
        """Save these values as a new notice superseding the stored one (its text changed)."""
        self.supersedes_id, self.pk, self.id = self.pk, None, None
        self._state.adding, self.version = True, 1
        self.save()

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")

    @property
    def is_current(self) -> bool:
        return super().is_current and not self.is_superseded

    def clean(self) -> None:
        if self.claimed_start and self.claimed_end and self.claimed_end < self.claimed_start:
            raise ValidationError(
                {
                    "claimed_end": ValidationError(
                        _("The claimed end is before the claimed start."), code="end_before_start"
                    )
                }
            )

    @property
    def claimed_duration(self) -> timedelta | None:
        if self.claimed_start and self.claimed_end:
            return self.claimed_end - self.claimed_start
        return None


class CurrentContactManager(models.Manager):
    """Contacts of a deleted incident are deleted with it (until it is restored)."""

    def get_queryset(self):
        current = models.Q(incident__isnull=True) | models.Q(incident__removed_at__isnull=True)
        return super().get_queryset().filter(current)


class SupportContact(Versioned):
    Channel = Channel

    class InitiatedBy(models.TextChoices):
        USER = "user", _("You")
        PROVIDER = "provider", _("Provider")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="support_contacts")
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="support_contacts"
    )
    channel = models.CharField(max_length=20, choices=Channel)
    initiated_by = models.CharField(max_length=20, choices=InitiatedBy, default=InitiatedBy.USER)
    opened_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    ticket_ref = models.CharField(_("ticket reference"), max_length=200, blank=True)
    agent = models.CharField(max_length=200, blank=True, help_text=_("Who answered, if you know."))
    summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    helpfulness = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (useless) to 5 (solved it)."),
    )
    history = HistoricalRecords()

    all_objects = models.Manager()
    objects = CurrentContactManager()

    class Meta:
        ordering = ["opened_at", "id"]
        default_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.get_channel_display()} contact at {self.opened_at.isoformat()}"

    def clean(self) -> None:
        errors = {}
        if self.opened_at and self.first_response_at and self.first_response_at < self.opened_at:
            errors["first_response_at"] = ValidationError(
                _("The first response is before the contact was opened."), code="end_before_start"
            )
        if self.opened_at and self.resolved_at and self.resolved_at < self.opened_at:
            errors["resolved_at"] = ValidationError(
                _("Resolved is before the contact was opened."), code="end_before_start"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def response_time(self) -> timedelta | None:
        return self.first_response_at - self.opened_at if self.first_response_at else None


def log_upload_path(excerpt: LogExcerpt, filename: str) -> str:
    return f"logs/{excerpt.sha256[:2]}/{excerpt.sha256}"


class LogExcerpt(Versioned, Removable):
    """A log as uploaded or pasted, byte for byte, and what reading its lines found. The bytes
    never change once stored; identical uploads share one file."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="log_excerpts")
    name = models.CharField(max_length=255)
    raw = models.FileField(upload_to=log_upload_path, max_length=300)
    size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # How the lines were read (set by journal.logs.importer; a new choice re-reads them).
    encoding = models.CharField(max_length=40, blank=True, help_text='"mixed (utf-8, cp932)" when lines differ.')
    compression = models.CharField(max_length=10, blank=True, help_text="gzip or bzip2: decompressed to read.")
    warnings = models.JSONField(default=list, blank=True, help_text="What reading the lines found suspect.")
    time_zone = models.CharField(max_length=64, blank=True, help_text="Zone of times written without one.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year of times written without one.")
    line_count = models.PositiveIntegerField(default=0)
    parsed_count = models.PositiveIntegerField(default=0)
    formats = models.JSONField(default=dict, blank=True)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class State(models.TextChoices):
        """Where reading the lines stands (journal.tasks reads them on a worker)."""

        QUEUED = "queued", pgettext_lazy("log reading", "queued")
        READING = "reading", pgettext_lazy("log reading", "reading")
        READ = "read", pgettext_lazy("log reading", "read")
        FAILED = "failed", pgettext_lazy("log reading", "failed")

    state = models.CharField(max_length=10, choices=State, default=State.READ)
    state_since = models.DateTimeField(null=True, blank=True, help_text="When the reading was queued or started.")
    failure = models.TextField(blank=True, help_text="Why the last reading failed.")
    # What the queued reading is asked to use (blank: the service's zone, the incident's year);
    # time_zone and year above change once it has read the lines.
    reading_zone = models.CharField(max_length=64, blank=True)
    reading_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # SQLite: when the worker put the lines into the text index (journal.logs.search), after
    # reading them; until then (and on PostgreSQL, whose index needs no step) search scans.
    text_indexed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        default_manager_name = "objects"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        _unchanged_evidence(self, "sha256")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("log_excerpt", args=[self.incident_id, self.pk])

    def delete(self, *args, **kwargs):
        self.clear_lines()
        return super().delete(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        """Read or failed: nothing more will happen until someone reads it again."""
        return self.state in {self.State.READ, self.State.FAILED}

    @property
    def progress_key(self) -> str:
        return f"log-reading-{self.pk}"

    @property
    def lines_so_far(self) -> int:
        """Lines the worker has read so far (kept in the cache: the reading's own transaction
        holds the lines until it commits)."""
        lines, _ = cache.get(self.progress_key, (0, None))
        return lines

    def last_sign_of_life(self) -> datetime | None:
        """When the worker last reported progress, else when the reading started."""
        _, at = cache.get(self.progress_key, (0, None))
        return at or self.state_since

    @property
    def unparsed_count(self) -> int:
        return self.line_count - self.parsed_count

    def store(self, data: bytes) -> None:
        self.store_stream([data])

    def store_stream(self, chunks) -> None:
        """Keep the bytes verbatim with their size and SHA-256, then save. The chunks are
        written to disk as they come (never held whole); identical bytes are stored once.

        When these bytes are stored already, the incoming copy is kept until the transaction
        commits: if the last excerpt sharing them was deleted meanwhile (its file removed on its
        commit), it takes its place."""
        digest, size = hashlib.sha256(), 0
        incoming = Path(settings.MEDIA_ROOT) / "logs" / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        # Named after this process, so that one killed before the file is in place leaves
        # nothing: the next import removes it (journal.portability.recover_killed_imports).
        with tempfile.NamedTemporaryFile(dir=incoming, prefix=f"store-{os.getpid()}-", delete=False) as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.size, self.sha256 = size, digest.hexdigest()
        name = log_upload_path(self, "")
        final = Path(self.raw.storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        with log_files_locked():
            shared = final.exists()
            if not shared:
                os.replace(out.name, final)
        self.raw.name = name
        self.save()
        if shared:
            transaction.on_commit(partial(_settle_upload, Path(out.name), final))

    def read_bytes(self) -> bytes:
        with self.raw.open("rb") as fh:
            return fh.read()

    def clear_lines(self) -> None:
        """Forget the lines read (events accepted from them stay, unlinked), fast for millions;
        their rows in the text index go with them (a trigger of the log_search migration)."""
        if self.pk is None:
            return
        TimelineEvent.objects.filter(log_line__excerpt=self).update(log_line=None)
        LogSuggestion.objects.filter(excerpt=self).delete()
        LogLine.objects.filter(excerpt=self)._raw_delete(LogLine.objects.db)
        LogExcerpt.all_objects.filter(pk=self.pk).update(text_indexed_at=None)
        self.text_indexed_at = None


class LogLine(models.Model):
    """One line of an excerpt, parsed or not: ``prefix + message`` is the line as decoded."""

    # No index of its own: the unique (excerpt, number) constraint serves excerpt lookups.
    excerpt = models.ForeignKey(LogExcerpt, on_delete=models.CASCADE, related_name="lines", db_index=False)
    number = models.PositiveIntegerField()
    at = models.DateTimeField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    program = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    prefix = models.TextField(blank=True)
    message = models.TextField(blank=True)
    format = models.CharField(max_length=32, blank=True, help_text="Empty when no format fits.")
    rule = models.CharField(max_length=64, blank=True, help_text="The detection rule the line matched.")

    class Meta:
        ordering = ["excerpt", "number"]
        constraints = [models.UniqueConstraint(fields=["excerpt", "number"], name="unique_line_number")]
        indexes = [
            models.Index(fields=["excerpt", "at"]),  # a time becomes a line number (journal.logs.search)
            models.Index(fields=["excerpt", "number"], condition=~models.Q(rule=""), name="logline_detected"),
        ]
        # The text search index is made for each database by the log_search migration.

    def __str__(self) -> str:
        return f"{self.excerpt} line {self.number}"

    @property
    def text(self) -> str:
        return self.prefix + self.message

    @property
    def rule_description(self) -> str:
        from journal.logs.rules import BY_NAME

        return BY_NAME[self.rule].description if self.rule in BY_NAME else ""


class PendingSuggestions(list):
    """Pending log suggestions, each with its ``match`` (see Incident.pending_suggestions)."""

    @property
    def matched(self) -> int:
        return sum(1 for s in self if s.match)

    @property
    def unmatched(self) -> int:
        return len(self) - self.matched


class LogSuggestion(models.Model):
    """A timeline event a log proves, waiting for the user to accept or dismiss it."""

    # A suggestion this near an event of its type already on the timeline is the same fact:
    # the user chooses whose time to keep instead of getting a near-duplicate.
    MATCH_TOLERANCE = timedelta(minutes=10)

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    excerpt = models.ForeignKey(LogExcerpt, on_delete=models.CASCADE, related_name="suggestions")
    line = models.ForeignKey(LogLine, on_delete=models.CASCADE, related_name="suggestions")
    type = models.CharField(max_length=20, choices=TimelineEvent.Type)
    at = models.DateTimeField()
    rule = models.CharField(max_length=64)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    event = models.OneToOneField(TimelineEvent, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} at {self.at.isoformat()} ({self.get_status_display()})"

    def matching_event(self, events: list[TimelineEvent]) -> TimelineEvent | None:
        """Of ``events``, the nearest of this type within MATCH_TOLERANCE, or None."""
        near = [e for e in events if e.type == self.type and abs(e.at - self.at) <= self.MATCH_TOLERANCE]
        return min(near, key=lambda e: (abs(e.at - self.at), e.pk), default=None)

    def accept(self) -> TimelineEvent | None:
        """Put it on the timeline as a new event linked to its line. Of concurrent accepts only
        the one that takes it from pending creates the event; the others get None."""
        with transaction.atomic():
            if not self._settle(self.Status.ACCEPTED):
                return None
            event = self.excerpt.incident.events.create(
                at=self.at, type=self.type, source=TimelineEvent.Source.LOG, text=self.text, log_line=self.line
            )
            self._link(event)
        return event

    def adopt(self, event: TimelineEvent) -> bool:
        """Use the log's time: move ``event`` (already on the timeline) to this suggestion's
        time and link it to the line, instead of adding a second event. False when another
        request settled the suggestion first."""
        with transaction.atomic():
            if not self._settle(self.Status.ACCEPTED):
                return False
            event.at, event.log_line = self.at, self.line
            event.save(update_fields=["at", "log_line"])  # versioned and audited like any edit
            LogSuggestion.objects.filter(event=event).update(event=None)  # it stands for this line now
            self._link(event)
        return True

    def dismiss(self) -> bool:
        return self._settle(self.Status.DISMISSED)

    def _settle(self, status: str) -> bool:
        """Pending → ``status`` as one conditional update: True for the one request that did it."""
        done = LogSuggestion.objects.filter(pk=self.pk, status=self.Status.PENDING).update(status=status) == 1
        if done:
            self.status = status
        return done

    def _link(self, event: TimelineEvent) -> None:
        LogSuggestion.objects.filter(pk=self.pk).update(event=event)
        self.event = event


@contextmanager
def log_files_locked() -> Iterator[None]:
    """Serialises "is this file still used?" with storing identical bytes, across processes."""
    path = Path(settings.DATA_DIR) / "log-files.lock"  # beside the uploads, not among them
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _settle_upload(incoming: Path, final: Path) -> None:
    with log_files_locked():
        if final.exists():
            incoming.unlink()
        else:
            os.replace(incoming, final)


def delete_unused_log_file(storage, name: str) -> None:
    """Delete the stored log file ``name`` unless an excerpt (removed ones included) uses it."""
    with log_files_locked():
        if not LogExcerpt.all_objects.filter(raw=name).exists():
            storage.delete(name)


@receiver(post_delete, sender=LogExcerpt)
def _delete_log_file(sender, instance: LogExcerpt, **kwargs) -> None:
    """Once the deletion is committed, the file goes if no excerpt (removed ones included)
    still uses it: identical bytes share one file."""
    if instance.raw:
        transaction.on_commit(partial(delete_unused_log_file, instance.raw.storage, instance.raw.name))


# Models kept in their own modules, registered with this app here.
# isort: split
from journal.api.models import *  # noqa: E402, F401, F403  (API tokens)
from journal.exports.models import FeedToken  # noqa: E402, F401  (feed tokens)
from journal.hooks.models import *  # noqa: E402, F401, F403  (monitor webhooks)
from journal.housekeeping.models import *  # noqa: E402, F401, F403  (deletions and their undo)
from journal.jobs.models import *  # noqa: E402, F401, F403  (background jobs)
from journal.preferences import Preferences  # noqa: E402, F401  (each user's language and zone)
from journal.sharing import ShareLink  # noqa: E402, F401  (share links)
from journal.totals.models import *  # noqa: E402, F401, F403  (stored totals: journal/totals/)
from journal.watcher.models import *  # noqa: E402, F401, F403  (the status-page watcher)
