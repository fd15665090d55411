"""The one place that decides what a signed-in person may see.

The journal is shared by everyone who can sign in to it (a person or a small team
keeping one record), so any signed-in user may see and edit every incident; anonymous
requests never reach a view (LoginRequiredMiddleware).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from journal.models import Incident, Provider, Service, SupportContact


def incident_for_page(request, pk: int) -> Incident:
    """The incident with everything its page shows, in a fixed number of queries. The events'
    log lines are not joined: only the rows shown name theirs (journal.timeline.with_lines)."""
    queryset = Incident.objects.select_related("service__provider").prefetch_related(
        "events",
        "notices",
        "log_excerpts",
        Prefetch(
            "support_contacts",
            queryset=SupportContact.objects.select_related("provider")
            .prefetch_related("provider__support_channels")
            .order_by("opened_at", "id"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def incident_for_change(request, pk: int) -> Incident:
    """The incident and its service only, for a change that answers with a redirect: its
    timeline and evidence are not loaded (a form's own checks read what they need)."""
    return get_object_or_404(Incident.objects.select_related("service__provider"), pk=pk)


def incident_for_summary(request, pk: int) -> Incident:
    """The incident with what its totals, time bar, reconciliation and timeline placement
    read (events, notices, support contacts), in a fixed number of queries."""
    queryset = Incident.objects.select_related("service__provider").prefetch_related(
        "events",
        "notices",
        Prefetch("support_contacts", queryset=SupportContact.objects.order_by("opened_at", "id")),
    )
    return get_object_or_404(queryset, pk=pk)


def _incidents_with_totals() -> Prefetch:
    return Prefetch("incidents", queryset=Incident.objects.prefetch_related("events", "notices"))


def get_provider(request, pk: int, with_totals: bool = False) -> Provider:
    """The provider; with its services' incidents and their events when totals are shown."""
    providers = providers_with_totals() if with_totals else Provider.objects.all()
    providers = providers.prefetch_related("support_channels")
    return get_object_or_404(providers, pk=pk)


def get_service(request, pk: int, with_totals: bool = False) -> Service:
    services = Service.objects.select_related("provider")
    if with_totals:
        services = services.prefetch_related(_incidents_with_totals())
    return get_object_or_404(services, pk=pk)


def providers_with_totals():
    services = Service.objects.prefetch_related(_incidents_with_totals())
    return Provider.objects.prefetch_related(Prefetch("services", queryset=services))
