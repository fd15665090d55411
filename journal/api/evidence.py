"""An incident's evidence: timeline events, provider notices, support contacts and logs.
Each write goes through the incident page's own form (journal.api.writes)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from journal.api import writes
from journal.api.paging import Pages
from journal.api.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    EventIn,
    EventOut,
    EventPatch,
    LogOut,
    NoticeIn,
    NoticeOut,
    NoticePatch,
    Removal,
)
from journal.forms import EventForm, LogExcerptForm, NoticeForm, SupportContactForm
from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent

router = Router(tags=["evidence"])


def _incident(incident_id: int) -> Incident:
    return get_object_or_404(Incident.objects.select_related("service__provider"), pk=incident_id)


def _form(form_class, instance, incident: Incident, given: dict, version: int | None = None):
    zones = [incident.service.time_zone, "UTC"]
    return writes.write(form_class, instance, given, zoned=True, version=version, zones=zones)


def _patch(form_class, instance, incident, payload):
    return _form(form_class, instance, incident, *writes.given_with_version(payload))


# Timeline events


@router.get("/incidents/{incident_id}/events", response=list[EventOut])
@paginate(Pages)
def list_events(request, incident_id: int):
    return _incident(incident_id).events.order_by("at", "id")


@router.post("/incidents/{incident_id}/events", response={201: EventOut})
def create_event(request, incident_id: int, payload: EventIn):
    incident = _incident(incident_id)
    return Status(201, _form(EventForm, TimelineEvent(incident=incident), incident, payload.model_dump()))


@router.patch("/incidents/{incident_id}/events/{event_id}", response=EventOut)
def update_event(request, incident_id: int, event_id: int, payload: EventPatch):
    incident = _incident(incident_id)
    event = get_object_or_404(TimelineEvent, pk=event_id, incident=incident)
    return _patch(EventForm, event, incident, payload)


@router.delete("/incidents/{incident_id}/events/{event_id}", response={204: None})
def delete_event(request, incident_id: int, event_id: int):
    get_object_or_404(TimelineEvent, pk=event_id, incident_id=incident_id).delete()
    return Status(204, None)


# Provider notices


@router.get("/incidents/{incident_id}/notices", response=list[NoticeOut])
@paginate(Pages)
def list_notices(request, incident_id: int, include_earlier: bool = False):
    """Current notices; ``include_earlier``: superseded and removed ones too."""
    manager = ProviderNotice.all_objects if include_earlier else ProviderNotice.objects
    return manager.filter(incident=_incident(incident_id)).order_by("retrieved_at", "id")


@router.post("/incidents/{incident_id}/notices", response={201: NoticeOut})
def create_notice(request, incident_id: int, payload: NoticeIn):
    incident = _incident(incident_id)
    given = payload.model_dump()
    given["retrieved_at"] = given["retrieved_at"] or timezone.now()
    return Status(201, _form(NoticeForm, ProviderNotice(incident=incident), incident, given))


@router.patch("/incidents/{incident_id}/notices/{notice_id}", response=NoticeOut)
def update_notice(request, incident_id: int, notice_id: int, payload: NoticePatch):
    """A changed ``raw_text`` saves a new notice superseding this one (its id is answered)."""
    incident = _incident(incident_id)
    notice = get_object_or_404(ProviderNotice, pk=notice_id, incident=incident)
    return _patch(NoticeForm, notice, incident, payload)


@router.post("/incidents/{incident_id}/notices/{notice_id}/remove", response=NoticeOut)
def remove_notice(request, incident_id: int, notice_id: int, payload: Removal):
    notice = get_object_or_404(ProviderNotice, pk=notice_id, incident_id=incident_id)
    _remove(notice, request.user, payload.reason)
    return notice


# Support contacts


@router.get("/incidents/{incident_id}/contacts", response=list[ContactOut])
@paginate(Pages)
def list_contacts(request, incident_id: int):
    return _incident(incident_id).support_contacts.order_by("opened_at", "id")


@router.post("/incidents/{incident_id}/contacts", response={201: ContactOut})
def create_contact(request, incident_id: int, payload: ContactIn):
    incident = _incident(incident_id)
    contact = SupportContact(incident=incident, provider=incident.service.provider)
    return Status(201, _form(SupportContactForm, contact, incident, payload.model_dump()))


@router.patch("/incidents/{incident_id}/contacts/{contact_id}", response=ContactOut)
def update_contact(request, incident_id: int, contact_id: int, payload: ContactPatch):
    incident = _incident(incident_id)
    contact = get_object_or_404(SupportContact, pk=contact_id, incident=incident)
    return _patch(SupportContactForm, contact, incident, payload)


@router.delete("/incidents/{incident_id}/contacts/{contact_id}", response={204: None})
def delete_contact(request, incident_id: int, contact_id: int):
    get_object_or_404(SupportContact, pk=contact_id, incident_id=incident_id).delete()
    return Status(204, None)


# Logs


@router.get("/incidents/{incident_id}/logs", response=list[LogOut])
@paginate(Pages)
def list_logs(request, incident_id: int):
    return _incident(incident_id).log_excerpts.order_by("uploaded_at", "id")


@router.get("/incidents/{incident_id}/logs/{log_id}", response=LogOut)
def get_log(request, incident_id: int, log_id: int):
    """Its state says where reading its lines stands: queued, reading, read or failed."""
    return get_object_or_404(LogExcerpt, pk=log_id, incident_id=incident_id)


@router.post("/incidents/{incident_id}/logs", response={201: LogOut})
def upload_log(
    request,
    incident_id: int,
    file: File[UploadedFile] = None,
    text: Form[str] = "",
    name: Form[str] = "",
):
    """A log file (multipart ``file``) or pasted lines (``text``), kept byte for byte; its
    lines are read on a worker (poll the log until its state is ``read``)."""
    incident = _incident(incident_id)
    data = {"name": name, "text": text}
    form = LogExcerptForm(data, {"file": file} if file is not None else {}, instance=LogExcerpt(incident=incident))
    if not form.is_valid():
        raise writes.Invalid(writes.errors_of(form))
    return Status(201, form.save())


@router.post("/incidents/{incident_id}/logs/{log_id}/remove", response=LogOut)
def remove_log(request, incident_id: int, log_id: int, payload: Removal):
    excerpt = get_object_or_404(LogExcerpt, pk=log_id, incident_id=incident_id)
    _remove(excerpt, request.user, payload.reason)
    return excerpt


def _remove(item, user, reason: str) -> None:
    try:
        item.remove(user, reason)
    except ValidationError as exc:
        raise writes.Invalid([{"loc": ["body", "reason"], "msg": exc.messages[0], "type": "no_reason"}]) from None
