"""Adding, editing and deleting an incident's evidence in place: timeline events, notices,
support contacts and log excerpts. One set of views serves the four kinds.

With htmx a change answers with the incident page's evidence partial (totals, time bar and
timeline re-rendered); without JavaScript it redirects back to the incident page. A form
with errors comes back with status 422, in place of the form that was sent.
"""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from journal.models import Incident, LogExcerpt
from journal.views.access import incident_for_page
from journal.views.evidence_forms import KINDS, evidence_form, evidence_kind, read_notice
from journal.views.incident_page import incident_changed


def _get_item(incident: Incident, kind: str, item: int):
    return get_object_or_404(evidence_kind(kind).model, pk=item, incident=incident)


def _show_form(request: HttpRequest, incident: Incident, form, status: int = 200) -> HttpResponse:
    """The form alone; with htmx, after a POST, in place of the form that was sent."""
    template = "incidents/evidence_form.html"
    context = {"incident": incident, "form": form}
    if request.htmx:
        response = render(request, template + "#form", context, status=status)
        if request.method == "POST":
            response = reswap(retarget(response, f"#{form.dom_id}"), "outerHTML")
        return response
    return render(request, template, context, status=status)


def _save_or_show(request: HttpRequest, incident: Incident, kind: str, instance=None) -> HttpResponse:
    if request.method != "POST":
        return _show_form(request, incident, evidence_form(request, incident, kind, instance))
    if kind == "notices" and "read_notice" in request.POST:
        data, note = read_notice(request.POST, incident)
        form = evidence_form(request, incident, kind, instance, data)
        form.note = note
        return _show_form(request, incident, form)
    form = evidence_form(request, incident, kind, instance, request.POST)
    if form.is_valid():
        form.save()
        return incident_changed(request, incident, KINDS[kind].anchor)
    return _show_form(request, incident, form, status=422)


def evidence_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _save_or_show(request, incident_for_page(request, pk), kind)


def evidence_edit(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    incident = incident_for_page(request, pk)
    return _save_or_show(request, incident, kind, _get_item(incident, kind, item))


@require_POST
def evidence_delete(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    incident = incident_for_page(request, pk)
    _get_item(incident, kind, item).delete()
    return incident_changed(request, incident, KINDS[kind].anchor)


def log_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    """The log exactly as it was received."""
    return log_file_response(_get_item(incident_for_page(request, pk), "logs", item))


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
