"""The four kinds of evidence an incident page edits in place, and their forms."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal import backfill
from journal.forms import EventForm, LogExcerptForm, NoticeForm, SupportContactForm
from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent
from journal.notices import parse_notice
from journal.timezones import get_zone
from journal.views.conflicts import versioned


@dataclass(frozen=True)
class Evidence:
    model: type[models.Model]
    form: type[forms.ModelForm]
    noun: str | Promise  # translated lazily
    anchor: str
    starts_at: str | None  # the datetime field a new item defaults to "now"


KINDS = {
    "events": Evidence(TimelineEvent, EventForm, gettext_lazy("event"), "timeline", "at"),
    "notices": Evidence(ProviderNotice, NoticeForm, gettext_lazy("provider notice"), "notices", "retrieved_at"),
    "contacts": Evidence(SupportContact, SupportContactForm, gettext_lazy("support contact"), "support", "opened_at"),
    "logs": Evidence(LogExcerpt, LogExcerptForm, gettext_lazy("log excerpt"), "logs", None),
}


def evidence_kind(kind: str) -> Evidence:
    if kind not in KINDS:
        raise Http404(_("No such kind of evidence."))
    return KINDS[kind]


def evidence_form(request: HttpRequest, incident: Incident, kind: str, instance=None, data=None):
    """The form for one kind of evidence, bound to ``data`` (and the request's files) if given."""
    spec = evidence_kind(kind)
    initial = {}
    if instance is None:
        instance = spec.model(incident=incident)
        if isinstance(instance, SupportContact):
            instance.provider = incident.service.provider
        if spec.starts_at:
            initial[spec.starts_at] = timezone.now()
        if isinstance(instance, TimelineEvent) and data is None:  # a form sent needs no guess
            initial["type"] = _likely_next_event(incident)
            if previous := backfill.previous_event(incident):  # backfilling: its day kept, no time
                zone = get_zone(incident.service.time_zone)
                initial["at"], initial["day"] = "", timezone.localtime(previous.at, zone).date()
    kwargs = {"instance": instance, "initial": initial, "prefix": kind}
    if data is not None:
        kwargs.update(data=data, files=request.FILES)
    if spec.starts_at:
        kwargs["zones"] = [incident.service.time_zone, request.viewer_zone.key]
    if kind == "events":
        kwargs["log_zone"] = backfill.log_zone(incident)
    form = versioned(spec.form(**kwargs))
    form.kind, form.spec = kind, spec
    form.dom_id = f"edit-{kind}-{instance.pk}" if instance.pk else f"new-{kind}"
    form.action = (
        reverse("evidence_edit", args=[incident.pk, kind, instance.pk])
        if instance.pk
        else reverse("evidence_new", args=[incident.pk, kind])
    )
    # Cancelling an inline edit with htmx: an event's row alone comes back, else the evidence.
    if isinstance(instance, TimelineEvent) and instance.pk:
        form.cancel_get, form.cancel_target = (
            reverse("event_row", args=[incident.pk, instance.pk]),
            f"#event-{instance.pk}",
        )
    else:
        form.cancel_get, form.cancel_target = incident.get_absolute_url(), "#evidence"
    return form


def _likely_next_event(incident: Incident) -> str:
    """Down first, up while down, else an observation."""
    totals = incident.totals
    if not totals.down and not totals.degraded:
        return TimelineEvent.Type.DOWN
    if incident.is_open and totals.still_down:
        return TimelineEvent.Type.UP
    return TimelineEvent.Type.OBSERVATION


def blank_forms(request: HttpRequest, incident: Incident) -> dict:
    """An empty "add" form for each kind, as the incident page shows them."""
    return {kind: evidence_form(request, incident, kind) for kind in KINDS}


@dataclass(frozen=True)
class NoticeChoice:
    value: str  # sent back as ``read_notice`` to use this window
    label: str


@dataclass(frozen=True)
class NoticeNote:
    """What reading a notice found, shown above the form; the windows it offers when unsure."""

    text: str
    reasons: tuple[str, ...] = ()
    choices: tuple[NoticeChoice, ...] = ()

    def __str__(self) -> str:
        return self.text


def read_notice(data: QueryDict, incident: Incident) -> tuple[QueryDict, NoticeNote]:
    """The notice form's data with the claimed window, target and cause read from its text
    (journal.notices), in the zone the form is set to; and a note saying what was read.

    When the reader is unsure, the window is left as it was and every window the notice
    states is offered; ``read_notice=w<N>`` (one of those buttons) fills window N."""
    data = data.copy()
    zone = data.get("notices-zone") or incident.service.time_zone
    try:
        tz = get_zone(zone)
    except ValueError:  # the form itself says the zone is wrong
        zone, tz = incident.service.time_zone, get_zone(incident.service.time_zone)
    claim = parse_notice(data.get("notices-raw_text", ""), zone, incident.year)
    picked = _picked_window(data.get("read_notice", ""), claim.windows)
    window = picked or (claim.chosen if not claim.unsure else None)
    found = []
    if window:
        for field, moment in (("claimed_start", window.start), ("claimed_end", window.end)):
            data[f"notices-{field}"] = _wall(moment, tz) if moment else ""
            if moment:
                found.append(field.removeprefix("claimed_"))
        if window.approximate:
            data["notices-approximate"] = "on"
        else:
            data.pop("notices-approximate", None)
    for field in ("target", "cause"):
        if getattr(claim, field) and not data.get(f"notices-{field}"):
            data[f"notices-{field}"] = getattr(claim, field)
            found.append(field)
    offer = claim.unsure and not picked
    choices = tuple(NoticeChoice(f"w{n}", _choice_label(w, tz)) for n, w in enumerate(claim.windows) if offer)
    if picked:
        text = _("Using the window you picked (%(kind)s). Check it, then save.") % {"kind": _window_kind(picked.kind)}
    elif claim.unsure and claim.windows:
        text = _("Not sure which window this notice claims: pick one below, or fill in the times yourself.")
    elif not found:
        text = _("Nothing could be read from this text: fill in what it claims yourself.")
    else:
        names = _(", ").join(str(FOUND_NAMES[name]) for name in found)
        text = _("Read from the text: %(found)s. Check them, then save.") % {"found": names}
        if window and window.kind == "maintenance":
            text += " " + _("This is a maintenance window.")
    if window and window.start > timezone.now():
        text += " " + _("It lies ahead: announced, not yet happened.")
    return data, NoticeNote(text, () if picked else claim.reasons, choices)


# What reading a notice may fill in, as the note names it.
FOUND_NAMES = {
    "start": gettext_lazy("start"),
    "end": gettext_lazy("end"),
    "target": gettext_lazy("target"),
    "cause": gettext_lazy("cause"),
}
# The kinds of window journal.notices reads (its own words, kept in English), as shown.
WINDOW_KINDS = {
    "incident": gettext_lazy("incident"),
    "maintenance": gettext_lazy("maintenance"),
    "update-history": gettext_lazy("update history"),
    "duration": gettext_lazy("duration"),
}


def _window_kind(kind: str) -> str:
    return str(WINDOW_KINDS.get(kind, kind))


def _picked_window(value: str, windows):
    if value.startswith("w") and value[1:].isdecimal() and len(value) <= 4 and int(value[1:]) < len(windows):
        return windows[int(value[1:])]
    return None


def _wall(moment, tz) -> str:
    """The wall-clock reading for the form. A time read in the form's own zone keeps the
    reading the notice wrote, so one the zone skipped is refused by the form, not shifted."""
    wall = moment if getattr(moment.tzinfo, "key", None) == tz.key else timezone.localtime(moment, tz)
    return f"{wall:%Y-%m-%dT%H:%M:%S}"


def _choice_label(window, tz) -> str:
    start = _wall(window.start, tz).replace("T", " ")[:16]
    end = _wall(window.end, tz).replace("T", " ")[:16] if window.end else _("(no end)")
    return f"{start} → {end} · {_window_kind(window.kind)} · {window.text}"
