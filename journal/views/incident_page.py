from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal import timebar
from journal.models import Incident
from journal.views.evidence_forms import blank_forms


def render_incident(request: HttpRequest, incident: Incident) -> HttpResponse:
    """The incident page, or with htmx only its evidence partial (totals, time bar, timeline …)."""
    template = "incidents/detail.html"
    if request.htmx:
        template += "#evidence"
    context = {
        "incident": incident,
        "service": incident.service,
        "totals": incident.totals,
        "bar": timebar.build(incident),
        "forms": blank_forms(request, incident),
    }
    return render(request, template, context)
