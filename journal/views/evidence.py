"""Adding, editing and deleting an incident's evidence in place: timeline events, notices,
support contacts and log excerpts. One set of views serves the four kinds.

With htmx a change to an event answers with that row, the totals and the time bar alone
(journal.views.incident_page.event_changed); a change to the other kinds with the incident
page's evidence partial. Without JavaScript a change redirects back to the incident page,
having loaded only the incident (not its timeline). A form
with errors comes back with status 422, in place of the form that was sent; a save from a
form opened before someone else's save comes back with status 409 (journal.views.conflicts).

Notices and log excerpts are evidence: their text and bytes never change. A notice whose
text is edited is saved as a new version superseding the old; removing either keeps the row,
with who removed it, when and why, until an editor restores it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from journal import backfill
from journal.models import Incident, LogExcerpt, ProviderNotice, Removable, TimelineEvent, VersionConflict
from journal.views.access import incident_for_change
from journal.views.conflicts import conflict, save_versioned
from journal.views.evidence_forms import KINDS, evidence_form, evidence_kind, read_notice
from journal.views.incident_page import event_changed, incident_changed


def _get_item(incident: Incident, kind: str, item: int, removed: bool = False):
    """The item; with ``removed``, also one removed (restoring, downloading)."""
    model = evidence_kind(kind).model
    manager = model.all_objects if removed and issubclass(model, Removable) else model._default_manager
    return get_object_or_404(manager, pk=item, incident=incident)


def _answer(request: HttpRequest, template: str, partial: str, context: dict, status: int, target: str):
    """The page; with htmx only its partial, and after a POST in place of ``target``."""
    if not request.htmx:
        return render(request, template, context, status=status)
    response = render(request, f"{template}#{partial}", context, status=status)
    if request.method == "POST":
        response = reswap(retarget(response, target), "outerHTML")
    return response


def _show_form(request: HttpRequest, incident: Incident, form, status: int = 200, **context) -> HttpResponse:
    """The form alone; with htmx, after a POST, in place of the form that was sent."""
    context = {"incident": incident, "form": form, **context}
    return _answer(request, "incidents/evidence_form.html", "form", context, status, f"#{form.dom_id}")


def _save_or_show(request: HttpRequest, incident: Incident, kind: str, instance=None) -> HttpResponse:
    if request.method != "POST":
        return _show_form(request, incident, evidence_form(request, incident, kind, instance))
    if kind == "notices" and "read_notice" in request.POST:
        data, note = read_notice(request.POST, incident)
        form = evidence_form(request, incident, kind, instance, data)
        form.note = note
        return _show_form(request, incident, form)
    if kind == "events" and request.POST.get("fill") in backfill.FILLS:
        data, note = backfill.fill(request.POST, incident, request.POST["fill"])
        form = evidence_form(request, incident, kind, instance, data)
        form.note = note
        return _show_form(request, incident, form)
    form = evidence_form(request, incident, kind, instance, request.POST)
    if not form.is_valid():
        return _show_form(request, incident, form, status=422)
    try:
        saved = save_versioned(form, save_evidence)
    except VersionConflict as exc:
        return _show_form(request, incident, form, status=409, conflict=conflict(form, exc.current))
    except ValidationError as exc:  # found only on saving (a log that cannot be read)
        form.add_error(None, exc)
        return _show_form(request, incident, form, status=422)
    noun = KINDS[kind].noun
    said = _("Saved the %(noun)s.") if instance is not None else _("Added the %(noun)s.")
    messages.success(request, said % {"noun": noun})
    if kind == "events":
        return event_changed(request, incident, saved, added=instance is None)
    return incident_changed(request, incident, KINDS[kind].anchor)


def save_evidence(form):
    """Save the form; a notice whose text changed becomes a new version of it (also for the
    API's writes, journal.api.writes)."""
    if isinstance(form.instance, ProviderNotice) and form.instance.pk and "raw_text" in form.changed_data:
        notice = form.save(commit=False)
        notice.save_as_new_version()
        return notice
    return form.save()


def evidence_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _save_or_show(request, incident_for_change(request, pk), kind)


def evidence_edit(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """Edit an item; one removed or superseded since the form was opened is a 409 saying so."""
    incident = incident_for_change(request, pk)
    found = _get_item(incident, kind, item, removed=True)
    if isinstance(found, Removable) and not found.is_current:
        context = {"incident": incident, "item": found, "anchor": KINDS[kind].anchor}
        return _answer(request, "incidents/gone.html", "gone", context, 409, f"#edit-{kind}-{found.pk}")
    return _save_or_show(request, incident, kind, found)


@require_POST
def evidence_delete(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """Delete an event or a support contact (its history keeps it); remove a notice or a log
    excerpt, with the reason given (422 without one)."""
    incident = incident_for_change(request, pk)
    found = _get_item(incident, kind, item)
    if isinstance(found, TimelineEvent):
        was = TimelineEvent(pk=found.pk, at=found.at, type=found.type)  # delete() forgets the id
        found.delete()
        messages.success(request, _("Deleted the event."))
        return event_changed(request, incident, None, removed=was)
    if not isinstance(found, Removable):
        found.delete()
        messages.success(request, _("Deleted the %(noun)s.") % {"noun": KINDS[kind].noun})
        return incident_changed(request, incident, KINDS[kind].anchor)
    try:
        found.remove(request.user, request.POST.get("reason", ""))
    except ValidationError as exc:
        context = {"incident": incident, "kind": kind, "item": found, "error": exc.messages[0]}
        return _answer(request, "incidents/remove_form.html", "form", context, 422, f"#remove-{kind}-{found.pk}")
    messages.success(request, _("Removed the %(noun)s; it can be restored below.") % {"noun": KINDS[kind].noun})
    return incident_changed(request, incident, KINDS[kind].anchor)


@require_POST
def evidence_restore(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """Put a removed notice or log excerpt back."""
    incident = incident_for_change(request, pk)
    found = _get_item(incident, kind, item, removed=True)
    if not isinstance(found, Removable):
        raise Http404(_("Only notices and log excerpts are removed and restored."))
    found.restore()
    messages.success(request, _("Restored the %(noun)s.") % {"noun": KINDS[kind].noun})
    return incident_changed(request, incident, KINDS[kind].anchor)


def log_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    """The log exactly as it was received (also after it was removed from the incident)."""
    return log_file_response(_get_item(incident_for_change(request, pk), "logs", item, removed=True))


def log_file_response(excerpt: LogExcerpt) -> FileResponse:
    """An excerpt's bytes as received, as a download with their SHA-256 in a header."""
    response = FileResponse(
        excerpt.raw.open("rb"),
        as_attachment=True,
        filename=excerpt.name,
        content_type="application/octet-stream",
    )
    response["X-Content-SHA256"] = excerpt.sha256
    return response
