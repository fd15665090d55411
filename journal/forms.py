"""Forms. Times are typed as wall-clock readings plus the zone they were read in."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import ErrorList
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from journal import bounds, typed_times
from journal.field_labels import FIELD_LABELS
from journal.housekeeping.names import name_key
from journal.models import (
    Incident,
    LogExcerpt,
    Provider,
    ProviderNotice,
    Service,
    SupportChannel,
    SupportContact,
    TimelineEvent,
)
from journal.tasks import enqueue_reading
from journal.timezones import get_zone, localize, zone_names

# Django's own label of an empty choice, which its Japanese catalogue lacks: marked here so
# that this journal's catalogue carries it.
gettext_noop("- Select an option -")


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock reading with no zone yet; the form decides the zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S")

    def to_python(self, value):
        with timezone.override(UTC):  # UTC has no gaps: parse only, never shift
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed else None


class ZoneInput(forms.TextInput):
    template_name = "forms/zone_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, {**(attrs or {}), "list": "zone-names", "autocomplete": "off"})
        context["zone_names"] = zone_names()
        return context


class ZoneChoiceField(forms.ChoiceField):
    """Offers a few zones, accepts any IANA zone."""

    def valid_value(self, value) -> bool:
        if super().valid_value(value):
            return True
        try:
            get_zone(value)
        except ValueError:
            return False
        return True


def read_in_zone(form: forms.BaseForm, cleaned: dict, names, zone: str) -> None:
    """Turn the wall-clock readings in ``names`` into aware datetimes in ``zone``; a reading
    the zone skipped (a DST gap) or one outside the calendar in UTC becomes an error on its field."""
    for name in names:
        wall = cleaned.get(name)
        if wall is None or not isinstance(wall, datetime) or timezone.is_aware(wall):
            continue  # empty, or already placed (a pasted time that said where it lies)
        try:
            cleaned[name] = localize(wall, zone)
        except ValueError as exc:
            form.add_error(name, ValidationError(str(exc), code="nonexistent_time"))
        except OverflowError:
            problem = gettext("Before 1970-01-01.") if wall.year < bounds.FIRST_YEAR else gettext("Too far ahead.")
            form.add_error(name, ValidationError(problem, code="out_of_range"))


class QuietErrorList(ErrorList):
    """Django's error list, that writes nothing without a template when it holds no error
    (what its template writes then): most fields of most forms shown have none."""

    def render(self, *args, **kwargs):
        return "" if not self.data and not args and not kwargs else super().render(*args, **kwargs)

    __str__ = __html__ = render  # ErrorList's are bound to RenderableMixin.render


class CheckedModelForm(forms.ModelForm):
    """A model form that also refuses what journal.bounds refuses (times out of range, NUL,
    line breaks in one-line fields), next to the field. Fields named by the model alone get
    their label from FIELD_LABELS."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in FIELD_LABELS and field.label == capfirst(name.replace("_", " ")):
                field.label = FIELD_LABELS[name]

    def _post_clean(self):
        super()._post_clean()
        for name, problem in bounds.problems(self.instance).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, bounds.refusal(problem))


class ZonedModelForm(CheckedModelForm):
    """Datetime fields in ``zoned_fields`` are read in the zone chosen in the ``zone`` field.

    ``zones`` lists the zones offered, the default first: normally the service's zone, then
    the viewer's; UTC is always offered too.
    """

    zoned_fields: tuple[str, ...] = ()
    zone = ZoneChoiceField(label=_("Times are in"))

    def __init__(self, *args, zones: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        offered = list(dict.fromkeys([*zones, "UTC"]))
        labels: dict[str, str] = {}
        for name, label in zip(zones, (gettext("%(zone)s (service)"), gettext("%(zone)s (yours)")), strict=False):
            labels.setdefault(name, label % {"zone": name})
        self.fields["zone"].choices = [(name, labels.get(name, name)) for name in offered]
        self.fields["zone"].initial = offered[0]
        for name in self.zoned_fields:
            value = self.initial.get(name)
            if isinstance(value, datetime) and timezone.is_aware(value):
                try:
                    wall = timezone.localtime(value, get_zone(self.resolve_zone(offered[0], self.initial)))
                except OverflowError:  # a stored value the zone cannot show: type it again
                    self.initial[name] = None
                    continue
                self.initial[name] = wall.replace(tzinfo=None, microsecond=0)

    def resolve_zone(self, choice: str, values: dict) -> str | None:
        """The IANA name a choice of the ``zone`` field stands for."""
        return choice

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("zone") and self.resolve_zone(cleaned["zone"], cleaned)
        if zone:
            read_in_zone(self, cleaned, self.zoned_fields, zone)
        return cleaned


def name_taken(model, name: str, instance=None, **scope):
    """The current row of ``model`` (within ``scope``) whose name collides with ``name``."""
    rows = model.objects.filter(name_key=name_key(name), **scope)
    if instance is not None and instance.pk:
        rows = rows.exclude(pk=instance.pk)
    return rows.first()


def name_taken_error(found) -> ValidationError:
    """“A provider named “Hetzner” already exists.” linking to it."""
    link = format_html('<a href="{}">{}</a>', found.get_absolute_url(), found.name)
    if isinstance(found, Service):
        text = gettext("A service named “%(name)s” already exists at %(provider)s.")
        values = {"name": link, "provider": escape(found.provider.name)}
    else:
        text = gettext("A provider named “%(name)s” already exists.")
        values = {"name": link}
    return ValidationError(mark_safe(escape(text) % values), code="name_taken")


class ProviderForm(CheckedModelForm):
    class Meta:
        model = Provider
        fields = ["name", "url", "status_page_url", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        found = name_taken(Provider, name, self.instance)
        if found:
            raise name_taken_error(found)
        return name


class ServiceForm(CheckedModelForm):
    class Meta:
        model = Service
        fields = [
            "provider",
            "name",
            "host",
            "time_zone",
            "is_trial",
            "started_on",
            "ended_on",
            "sla_uptime",
            "sla_credits",
            "sla_claim_days",
            "notes",
        ]
        widgets = {
            "time_zone": ZoneInput,
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new service may come with a new provider
            self.fields["provider"].required = False
            self.fields["new_provider"] = forms.CharField(
                label=_("…or a new provider named"),
                max_length=Provider._meta.get_field("name").max_length,
                required=False,
                help_text=_("Created with the service (its website and notes can be added later)."),
            )
            self.order_fields(["provider", "new_provider"])

    def clean(self):
        cleaned = super().clean()
        provider, new_name = cleaned.get("provider"), cleaned.get("new_provider")
        if "new_provider" in self.fields and "provider" not in self.errors:
            if bool(provider) == bool(new_name):
                self.add_error(
                    "provider", ValidationError(_("Choose a provider or name a new one."), code="one_provider")
                )
            elif new_name and ("\n" in new_name or "\r" in new_name):
                self.add_error("new_provider", ValidationError(_("One line only."), code="line_break"))
            elif new_name and (found := name_taken(Provider, new_name)):
                self.add_error("new_provider", name_taken_error(found))
        name = cleaned.get("name")
        if name and provider and (found := name_taken(Service, name, self.instance, provider=provider)):
            self.add_error("name", name_taken_error(found))
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        if self.cleaned_data.get("new_provider"):
            self.instance.provider = Provider.objects.create(name=self.cleaned_data["new_provider"])
        return super().save(commit=commit)


class SupportChannelForm(CheckedModelForm):
    days = forms.MultipleChoiceField(
        choices=SupportChannel.Days.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Days"),
        initial=[d.value for d in SupportChannel.Days][:5],
        help_text=_("The days it answers."),
    )

    class Meta:
        model = SupportChannel
        fields = ["channel", "days", "opens", "closes", "time_zone", "notes"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "time_zone": ZoneInput,
        }
        help_texts = {"opens": _("Leave both times empty for around the clock.")}

    def clean_days(self) -> str:
        return ",".join(self.cleaned_data["days"])


class IncidentForm(ZonedModelForm):
    zoned_fields = ("resolved_at", "down_at")
    down_at = LocalDateTimeField(
        label=_("Went down at"),
        required=False,
        help_text=_("Optional: records the first “down” event with the incident."),
    )

    class Meta:
        model = Incident
        fields = ["service", "title", "kind", "status", "resolved_at", "notes"]
        field_classes = {"resolved_at": LocalDateTimeField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"title": {"required": _("Give the incident a title.")}}

    SERVICE_ZONE = "service"

    def __init__(self, *args, viewer_zone: str, **kwargs):
        if kwargs.get("instance") and kwargs["instance"].pk:
            kwargs["initial"] = {"service": kwargs["instance"].service, **kwargs.get("initial", {})}
        super().__init__(*args, zones=[self.SERVICE_ZONE, viewer_zone], **kwargs)
        choices = self.fields["zone"].choices
        self.fields["zone"].choices = [(self.SERVICE_ZONE, gettext("the service's zone")), *choices[1:]]
        if self.instance.pk:
            del self.fields["down_at"]
        self.order_fields(["service", "title", "kind", "status", "down_at", "resolved_at", "zone", "notes"])

    def resolve_zone(self, choice: str, values: dict) -> str | None:
        if choice != self.SERVICE_ZONE:
            return choice
        service = values.get("service")
        return service.time_zone if isinstance(service, Service) else None

    def clean(self):
        cleaned = super().clean()
        resolved_at = cleaned.get("resolved_at")
        if resolved_at and self.instance.pk:
            first = self.instance.events.order_by("at").values_list("at", flat=True).first()
            if first and resolved_at < first:
                self.add_error(
                    "resolved_at",
                    ValidationError(
                        _("The incident cannot end before its first event (%(first)s)."),
                        code="end_before_start",
                        params={"first": f"{timezone.localtime(first):%Y-%m-%d %H:%M:%S %Z}"},
                    ),
                )
        down_at = cleaned.get("down_at")
        problem = timezone.is_aware(down_at) and bounds.happened_problem(down_at) if down_at else None
        if problem:
            self.add_error("down_at", bounds.refusal(problem))
            down_at = None
        if resolved_at and down_at and resolved_at < down_at:
            self.add_error(
                "resolved_at",
                ValidationError(_("The incident cannot end before it went down."), code="end_before_start"),
            )
        return cleaned

    def save(self, commit=True):
        incident = super().save(commit=commit)
        if commit and self.cleaned_data.get("down_at"):
            incident.events.create(
                at=self.cleaned_data["down_at"], type=TimelineEvent.Type.DOWN, text=gettext("Went down.")
            )
        return incident


class TypedTimeInput(forms.TextInput):
    """Shows a stored reading as ``2012-07-20 08:12:37``; what was typed comes back as typed."""

    def format_value(self, value):
        if isinstance(value, datetime):
            return f"{value:%Y-%m-%d %H:%M:%S}"
        return super().format_value(value)


class EventForm(ZonedModelForm):
    """An event. "When" takes ``2012-07-20 08:12``, ``08:12`` or ``8:12:37`` (on the kept
    ``day``) or a pasted log line or timestamp (journal.typed_times)."""

    zoned_fields = ("at",)
    at = forms.CharField(
        label=_("When"),
        strip=True,
        max_length=typed_times.MAX_TYPED,
        widget=TypedTimeInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": _("08:12 · 2012-07-20 08:12 · a log line"),
            }
        ),
        help_text=_("08:12 or 8:12:37 on the day below, 2012-07-20 08:12, or paste a log line or timestamp."),
        error_messages={"max_length": _("Enter a valid date/time.")},
    )
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of a time typed alone: kept from the previous event."),
    )

    class Meta:
        model = TimelineEvent
        fields = ["at", "type", "source", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, log_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_zone = log_zone
        wall = self.initial.get("at")
        if isinstance(wall, datetime) and "day" not in self.initial:
            self.initial["day"] = wall.date()
        typed_by_hand = [TimelineEvent.Source.PERSON, TimelineEvent.Source.NOTICE, TimelineEvent.Source.SUPPORT]
        if self.instance.source not in typed_by_hand:
            typed_by_hand.append(self.instance.source)
        self.fields["source"].choices = [(s.value, s.label) for s in TimelineEvent.Source if s in typed_by_hand]
        self.order_fields(["at", "day", "zone", "type", "source", "text"])

    def clean(self):
        typed = self.cleaned_data.get("at")
        if typed:
            zone = self.cleaned_data.get("zone") or self.fields["zone"].initial
            try:
                reading = typed_times.read_typed(typed, self.cleaned_data.get("day"), self.log_zone or zone)
            except typed_times.TypedTimeError as exc:
                self.add_error("at", ValidationError(str(exc), code="invalid"))
            else:
                self.cleaned_data["at"] = reading.wall or reading.moment
        cleaned = super().clean()
        at, kind = cleaned.get("at"), cleaned.get("type")
        if at and kind == TimelineEvent.Type.UP and not self._went_down_by(at):
            self.add_error(
                "type",
                ValidationError(
                    _("An “up” needs a “down” or “degraded” before it. Record when it went down first."),
                    code="up_before_down",
                ),
            )
        return cleaned

    def _went_down_by(self, at: datetime) -> bool:
        others = self.instance.incident.events.exclude(pk=self.instance.pk)
        return others.filter(at__lte=at, type__in=["down", "degraded"]).exists()


class NoticeForm(ZonedModelForm):
    zoned_fields = ("retrieved_at", "claimed_start", "claimed_end")
    raw_text = forms.CharField(
        label=_("Notice text (kept verbatim)"), strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    class Meta:
        model = ProviderNotice
        fields = ["url", "retrieved_at", "raw_text", "claimed_start", "claimed_end", "approximate", "target", "cause"]
        field_classes = {name: LocalDateTimeField for name in ("retrieved_at", "claimed_start", "claimed_end")}
        widgets = {"cause": forms.Textarea(attrs={"rows": 2})}
        labels = {"url": _("URL")}


class SupportContactForm(ZonedModelForm):
    zoned_fields = ("opened_at", "first_response_at", "resolved_at")

    class Meta:
        model = SupportContact
        fields = [
            "channel",
            "initiated_by",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "ticket_ref",
            "agent",
            "summary",
            "outcome",
            "helpfulness",
        ]
        field_classes = {name: LocalDateTimeField for name in ("opened_at", "first_response_at", "resolved_at")}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "helpfulness": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }


class LogExcerptForm(CheckedModelForm):
    """A log file upload or pasted lines; either way the bytes are kept as received."""

    file = forms.FileField(required=False, label=_("Log file"))
    text = forms.CharField(
        required=False, strip=False, label=_("…or paste lines"), widget=forms.Textarea(attrs={"rows": 6})
    )

    class Meta:
        model = LogExcerpt
        fields = ["name"]
        help_texts = {"name": _("Optional: defaults to the file's name.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if self.instance.pk:
            del self.fields["file"], self.fields["text"]
            self.fields["name"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            return cleaned
        upload, text = cleaned.get("file"), cleaned.get("text")
        if bool(upload) == bool(text):
            raise ValidationError(_("Upload a file or paste lines (one of the two)."), code="one_source")
        limit = settings.LOG_UPLOAD_MAX_BYTES
        if upload and upload.size > limit:
            self.add_error(
                "file",
                ValidationError(
                    _("This file is %(size)s; the limit is %(limit)s (LOG_UPLOAD_MAX_BYTES)."),
                    code="too_big",
                    params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                ),
            )
        if not cleaned.get("name"):
            cleaned["name"] = upload.name if upload else gettext("Pasted lines")
            self.instance.name = cleaned["name"]
        return cleaned

    def save(self, commit=True):
        """Store the bytes and queue their reading (journal.tasks) for when this commits:
        the upload returns at once; the excerpt shows how the reading goes."""
        excerpt = super().save(commit=False)
        if excerpt.pk:  # a rename: never writes back a reading's state or counts read with the form
            excerpt.save(update_fields=["name"])
            return excerpt
        upload = self.cleaned_data.get("file")
        with transaction.atomic():
            excerpt.state = LogExcerpt.State.QUEUED
            if upload:
                excerpt.store_stream(upload.chunks())
            else:
                excerpt.store(self.cleaned_data["text"].encode("utf-8"))
            enqueue_reading(excerpt)
        return excerpt
