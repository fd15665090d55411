from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal.filters import incidents_with_start
from journal.models import Incident
from journal.paging import first
from journal.totals.read import providers_in_year


def dashboard(request: HttpRequest) -> HttpResponse:
    """Ongoing incidents first, then the latest ones, then this year's downtime per provider."""
    year = timezone.localdate().year
    incidents = incidents_with_start()
    context = {
        "ongoing": list(incidents.filter(status=Incident.Status.OPEN)),
        "recent": first(incidents.filter(status=Incident.Status.RESOLVED), 10),
        "year": year,
        "downtime": providers_in_year(year),
    }
    return render(request, "dashboard.html", context)
