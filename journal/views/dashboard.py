from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal.filters import incidents_with_start
from journal.models import Incident
from journal.totals.read import providers_in_year, recent_resolved


def dashboard(request: HttpRequest) -> HttpResponse:
    """Ongoing incidents first, then the latest ones, then this year's downtime per provider."""
    year = timezone.localdate().year
    incidents = incidents_with_start()
    ongoing = list(incidents.filter(status=Incident.Status.OPEN))
    context = {
        "ongoing": ongoing,
        "recent": list(incidents.filter(pk__in=recent_resolved(10, len(ongoing)))),
        "year": year,
        "downtime": providers_in_year(year),
    }
    return render(request, "dashboard.html", context)
