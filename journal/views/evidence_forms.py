"""The four kinds of evidence an incident page edits in place, and their forms."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone

from journal import bounds
from journal.forms import EventForm, LogExcerptForm, NoticeForm, SupportContactForm
from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent
from journal.notices import parse_notice
from journal.timezones import get_zone


@dataclass(frozen=True)
class Evidence:
    model: type[models.Model]
    form: type[forms.ModelForm]
    noun: str
    anchor: str
    starts_at: str | None  # the datetime field a new item defaults to "now"


KINDS = {
    "events": Evidence(TimelineEvent, EventForm, "event", "timeline", "at"),
    "notices": Evidence(ProviderNotice, NoticeForm, "provider notice", "notices", "retrieved_at"),
    "contacts": Evidence(SupportContact, SupportContactForm, "support contact", "support", "opened_at"),
    "logs": Evidence(LogExcerpt, LogExcerptForm, "log excerpt", "logs", None),
}


def evidence_kind(kind: str) -> Evidence:
    if kind not in KINDS:
        raise Http404("No such kind of evidence.")
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
        if isinstance(instance, TimelineEvent):
            initial["type"] = _likely_next_event(incident)
    kwargs = {"instance": instance, "initial": initial, "prefix": kind}
    if data is not None:
        kwargs.update(data=data, files=request.FILES)
    if spec.starts_at:
        kwargs["zones"] = [incident.service.time_zone, request.viewer_zone.key]
    form = spec.form(**kwargs)
    form.kind, form.spec = kind, spec
    form.dom_id = f"edit-{kind}-{instance.pk}" if instance.pk else f"new-{kind}"
    form.action = (
        reverse("evidence_edit", args=[incident.pk, kind, instance.pk])
        if instance.pk
        else reverse("evidence_new", args=[incident.pk, kind])
    )
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


def read_notice(data: QueryDict, incident: Incident) -> tuple[QueryDict, str]:
    """The notice form's data with the claimed window, target and cause read from its text
    (journal.notices), in the zone the form is set to; and a note saying what was read."""
    data = data.copy()
    zone = data.get("notices-zone") or incident.service.time_zone
    claim = parse_notice(data.get("notices-raw_text", ""), zone, incident.year)
    found = []
    for field, moment in (("claimed_start", claim.start), ("claimed_end", claim.end)):
        if moment and bounds.announced_problem(moment):  # e.g. year 9999: not filled in, not shown
            continue
        if moment:
            data[f"notices-{field}"] = f"{timezone.localtime(moment, get_zone(zone)):%Y-%m-%dT%H:%M:%S}"
            found.append(field.removeprefix("claimed_"))
    if claim.approximate:
        data["notices-approximate"] = "on"
    for field in ("target", "cause"):
        if getattr(claim, field) and not data.get(f"notices-{field}"):
            data[f"notices-{field}"] = getattr(claim, field)
            found.append(field)
    if not found:
        return data, "Nothing could be read from this text: fill in what it claims yourself."
    return data, f"Read from the text: {', '.join(found)}. Check them, then save."
