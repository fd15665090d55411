"""What the provider and incident pages show of the status watcher (their includes load it, so
the pages' views stay as they are)."""

from django import template
from django.db.models import Count, Prefetch

from journal.watcher import diff, offers
from journal.watcher.forms import StatusSourceForm
from journal.watcher.models import SourceItem, SourceItemVersion, StatusSource

register = template.Library()

PENDING_SHOWN = 20


@register.simple_tag(takes_context=True)
def watcher_sources(context, provider) -> dict:
    """The provider's sources (with their item counts), the notices offered from them (each
    with the incidents it matches) and a blank form to add one."""
    sources = (
        StatusSource.objects.filter(provider=provider)
        .select_related("service")
        .annotate(item_count=Count("items"))
        .order_by("id")
    )
    pending = list(
        SourceItem.objects.filter(source__provider=provider, offer=SourceItem.Offer.PENDING)
        .select_related("source")
        .order_by("-first_seen", "-id")[:PENDING_SHOWN]
    )
    near = offers.candidates_for(pending)
    for item in pending:
        item.candidates = near.get(item.pk, [])
    return {
        "sources": list(sources),
        "pending": pending,
        "form": StatusSourceForm(provider=provider, initial={"time_zone": _zone(context)}),
    }


@register.simple_tag
def watcher_incident(incident, shared=None) -> dict:
    """Notices of this incident that came from a status source (every version, what changed,
    first seen, vanished), and notices offered to it (not on a ``shared`` copy)."""
    items = (
        SourceItem.objects.filter(incident=incident)
        .select_related("source")
        .prefetch_related(Prefetch("versions", queryset=SourceItemVersion.objects.order_by("number")))
        .order_by("first_seen", "id")
    )
    archived = [(item, list(reversed(diff.history(item.versions.all())))) for item in items]
    return {"archived": archived, "offered": [] if shared else list(offers.offered_to(incident))}


def _zone(context) -> str:
    request = context.get("request")
    zone = getattr(request, "viewer_zone", None)
    return getattr(zone, "key", "UTC")
