from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.vary import vary_on_headers

from journal import evidence_pack as pack
from journal.filters import IncidentFilter
from journal.forms import IncidentForm
from journal.models import VersionConflict
from journal.views.access import incident_for_page
from journal.views.conflicts import conflict, save_versioned, versioned
from journal.views.incident_page import render_incident


def incident_list(request: HttpRequest) -> HttpResponse:
    filters = IncidentFilter(request.GET)
    page = Paginator(filters.queryset(), 25).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page}
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
        messages.success(request, f"Created incident “{incident.title}”.")
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
            messages.success(request, f"Saved incident “{saved.title}”.")
            return redirect(saved)
        except VersionConflict as exc:
            context["conflict"] = conflict(form, exc.current)
            return render(request, "incidents/form.html", context, status=409)
    return render(request, "incidents/form.html", context, status=422 if form.errors else 200)


def evidence_pack(request: HttpRequest, pk: int) -> FileResponse:
    """The incident's evidence as a ZIP: summary, notices and logs verbatim, SHA-256 manifest."""
    incident = incident_for_page(request, pk)
    filename = f"incident-{incident.pk}-evidence.zip"
    return FileResponse(pack.build(incident), as_attachment=True, filename=filename, content_type="application/zip")
