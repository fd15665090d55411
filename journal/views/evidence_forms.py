"""The four kinds of evidence an incident page edits in place, and their forms."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from journal.forms import EventForm, LogExcerptForm, NoticeForm, SupportContactForm
from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent


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


def evidence_form(request: HttpRequest, incident: Incident, kind: str, instance=None, bound: bool = False):
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
    if bound:
        kwargs.update(data=request.POST, files=request.FILES)
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
