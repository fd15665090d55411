from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from journal import evidence_pack as pack
from journal.filters import IncidentFilter
from journal.forms import IncidentForm
from journal.models import Incident, VersionConflict
from journal.paging import page_of
from journal.views.access import incident_for_change, incident_for_page, incident_for_summary
from journal.views.conflicts import conflict, save_versioned, versioned
from journal.views.incident_page import render_incident, summary_context


def incident_list(request: HttpRequest) -> HttpResponse:
    filters = IncidentFilter(request.GET)
    page = page_of(filters.queryset(), request.GET.get("page"), 25)
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    downloads = {"incidents": reverse("incidents_csv") + query, "events": reverse("events_csv") + query}
    context = {"filters": filters, "page": page, "downloads": downloads}
    return render(request, "incidents/list.html", context, status=400 if filters.errors else 200)


@vary_on_headers("HX-Request")
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_incident(request, incident_for_page(request, pk))


def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(
        request.POST or None, viewer_zone=request.viewer_zone.key, initial={"service": request.GET.get("service")}
    )
    if request.method == "POST" and form.is_valid():
        incident = form.save()
        messages.success(request, _("Created incident “%(title)s”.") % {"title": incident.title})
        return redirect(incident)
    return render(request, "incidents/form.html", {"form": form}, status=422 if form.errors else 200)


def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the incident; a save from a form opened before someone else's save is a 409."""
    incident = incident_for_page(request, pk)
    form = versioned(IncidentForm(request.POST or None, instance=incident, viewer_zone=request.viewer_zone.key))
    context = {"form": form, "incident": incident}
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_versioned(form)
            messages.success(request, _("Saved incident “%(title)s”.") % {"title": saved.title})
            return redirect(saved)
        except VersionConflict as exc:
            context["conflict"] = conflict(form, exc.current)
            return render(request, "incidents/form.html", context, status=409)
    return render(request, "incidents/form.html", context, status=422 if form.errors else 200)


@require_POST
def incident_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the incident resolved, or reopen it, in one click (the page offers it when the
    last down has its up, or a resolved incident has a new down). Versioned like any edit:
    a click on a page opened before someone else's change is a 409 saying what it is now.
    Reopening clears a recorded end, which would cut the new down short."""
    incident = incident_for_change(request, pk)
    status, version = request.POST.get("status", ""), request.POST.get("version", "")
    if status not in Incident.Status.values or not version.isdecimal() or len(version) > 9:
        said = _("status: resolved or open, with the incident's version")
        return HttpResponse(said, status=422, content_type="text/plain; charset=utf-8")
    problem = None
    try:
        with transaction.atomic():
            incident.claim_version(int(version))
            incident.status = status
            if status == Incident.Status.OPEN:
                incident.resolved_at = None
            incident.save()
    except VersionConflict as exc:
        now = exc.current.get_status_display().lower()
        problem = _("Not changed: the incident was edited since this page was opened; it is %(status)s now.") % {
            "status": now
        }
    if not request.htmx:
        if problem:
            return render_incident(request, incident_for_page(request, pk), status=409, status_problem=problem)
        return redirect(f"{incident.get_absolute_url()}#summary")
    incident = incident_for_summary(request, pk)
    said = problem or (_("Marked resolved.") if incident.status == Incident.Status.RESOLVED else _("Marked open."))
    context = {**summary_context(incident), "oob": True, "announce": said, "status_problem": problem}
    response = render(request, "incidents/status_changed.html", context, status=409 if problem else 200)
    response["HX-Reswap"] = "none"
    return response


def evidence_pack(request: HttpRequest, pk: int) -> FileResponse:
    """The incident's evidence as a ZIP: summary, notices and logs verbatim, SHA-256 manifest."""
    incident = incident_for_page(request, pk)
    filename = f"incident-{incident.pk}-evidence.zip"
    return FileResponse(pack.build(incident), as_attachment=True, filename=filename, content_type="application/zip")
