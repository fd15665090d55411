"""Incidents and their totals (the same journal.downtime arithmetic the pages show)."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from journal import bounds
from journal.api import writes
from journal.api.paging import Pages
from journal.api.schemas import (
    IncidentFilters,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentTotalsRow,
    TotalsOut,
)
from journal.filters import incidents_with_start
from journal.forms import IncidentForm
from journal.management.commands.report import incident_summary
from journal.models import Incident

router = Router(tags=["incidents"])


def _incidents(filters: IncidentFilters):
    incidents = incidents_with_start()
    if filters.provider is not None:
        incidents = incidents.filter(service__provider_id=filters.provider)
    if filters.service is not None:
        incidents = incidents.filter(service_id=filters.service)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.year is not None:
        if problem := bounds.year_problem(filters.year):
            raise writes.Invalid(
                [{"loc": ["query", "year"], "msg": bounds.refusal(problem).message, "type": "out_of_range"}]
            )
        incidents = incidents.filter(started__year=filters.year)
    return incidents


@router.get("/incidents", response=list[IncidentOut])
@paginate(Pages)
def list_incidents(request, filters: Query[IncidentFilters]):
    """Newest first (by first event), with each incident's totals."""
    return _incidents(filters)


@router.get("/totals", response=list[IncidentTotalsRow])
@paginate(Pages)
def list_totals(request, filters: Query[IncidentFilters]):
    """Every incident's totals, oldest first: the rows of `manage.py report --format json`."""
    return _Rows(_incidents(filters).order_by("started", "id"))


class _Rows:
    """A queryset whose slices come out as report rows (the paginator slices, then counts)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __getitem__(self, index):
        return [incident_summary(i) for i in self.queryset[index]]

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()


@router.get("/incidents/{incident_id}", response=IncidentOut)
def get_incident(request, incident_id: int):
    return get_object_or_404(incidents_with_start(), pk=incident_id)


@router.get("/incidents/{incident_id}/totals", response=TotalsOut)
def get_totals(request, incident_id: int):
    return TotalsOut.of(get_object_or_404(incidents_with_start(), pk=incident_id).totals)


@router.post("/incidents", response={201: IncidentOut})
def create_incident(request, payload: IncidentIn):
    incident = writes.write(IncidentForm, Incident(), payload.model_dump(), zoned=True, viewer_zone="UTC")
    return Status(201, get_object_or_404(incidents_with_start(), pk=incident.pk))


@router.patch("/incidents/{incident_id}", response=IncidentOut)
def update_incident(request, incident_id: int, payload: IncidentPatch):
    incident = get_object_or_404(Incident, pk=incident_id)
    given, version = writes.given_with_version(payload)
    writes.write(IncidentForm, incident, given, zoned=True, version=version, viewer_zone="UTC")
    return get_object_or_404(incidents_with_start(), pk=incident.pk)
