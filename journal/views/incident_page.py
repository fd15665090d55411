from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal import timebar
from journal.audit import incident_history
from journal.models import Incident
from journal.timezones import get_zone
from journal.views.access import incident_for_page
from journal.views.evidence_forms import blank_forms

HISTORY_PAGE = 25


def render_incident(request: HttpRequest, incident: Incident) -> HttpResponse:
    """The incident page, or with htmx only its evidence partial (totals, time bar, timeline …)."""
    template = "incidents/detail.html"
    if request.htmx:
        template += "#evidence"
    context = {
        **evidence_context(incident, logs_url=reverse("log_excerpt", args=[incident.pk, 0]).removesuffix("0/")),
        # The timeline may hold thousands of events: its links are built from this prefix
        # rather than reversed once per row.
        "events_url": reverse("evidence_new", args=[incident.pk, "events"]).removesuffix("new/"),
        "suggestions": incident.pending_suggestions(),
        "forms": blank_forms(request, incident),
        "earlier_notices": list(incident.earlier_notices()),
        "removed_log_excerpts": list(incident.removed_log_excerpts()),
        "history": Paginator(incident_history(incident), HISTORY_PAGE).get_page(request.GET.get("history")),
    }
    return render(request, template, context)


def evidence_context(incident: Incident, logs_url: str) -> dict:
    """What the evidence partial shows, read-only (the share page shows just this);
    ``logs_url`` is the prefix of the excerpts' line pages (``<logs_url><id>/``, ``…/raw/``)."""
    return {
        "incident": incident,
        "service": incident.service,
        "service_zone": get_zone(incident.service.time_zone),
        "logs_url": logs_url,
        "totals": incident.totals,
        "reconciliation": incident.reconciliation(),
        "bar": timebar.build(incident),
        "log_context": incident.log_context(),
    }


def incident_changed(request: HttpRequest, incident: Incident, anchor: str) -> HttpResponse:
    """After a change to an incident's evidence: with htmx its evidence partial, re-read;
    without JavaScript a redirect back to the page, at ``anchor``."""
    if request.htmx:
        return render_incident(request, incident_for_page(request, incident.pk))
    return redirect(f"{incident.get_absolute_url()}#{anchor}")
