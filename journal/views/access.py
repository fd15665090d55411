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
            queryset=SupportContact.objects.select_related("provider", "stored_totals").order_by("opened_at", "id"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def get_provider(request, pk: int) -> Provider:
    """The provider with its services and support channels (totals: journal.totals.read)."""
    return get_object_or_404(Provider.objects.prefetch_related("services", "support_channels"), pk=pk)


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


def get_service(request, pk: int) -> Service:
    return get_object_or_404(Service.objects.select_related("provider"), pk=pk)
