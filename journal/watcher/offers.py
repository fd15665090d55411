"""Offering a notice seen on a source: to the incidents it matches (same provider, the source's
service if it names one, windows overlapping), or as a new incident; attaching makes a
ProviderNotice from the latest version (retrieved at the version's time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from journal.filters import incidents_with_start
from journal.models import Incident, ProviderNotice
from journal.watcher.models import SourceItem, SourceItemVersion

SLACK = timedelta(hours=2)  # windows this near count as overlapping
CANDIDATES = 10
INCIDENTS_READ = 500  # the provider's latest incidents looked at


def incident_span(incident: Incident, now: datetime | None = None) -> tuple[datetime, datetime]:
    """From its first event (else its creation) to its end (now while open)."""
    now = now or timezone.now()
    start = getattr(incident, "started", None) or incident.started_at
    return start, incident.until(now) or start


def _later(moment: datetime) -> datetime:
    """``moment`` + SLACK, at most the last representable instant (incidents at the extremes)."""
    try:
        return moment + SLACK
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC)


def _earlier(moment: datetime) -> datetime:
    try:
        return moment - SLACK
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def overlaps(item: SourceItem, start: datetime, end: datetime, now: datetime | None = None) -> bool:
    if item.window_start is None:
        return False
    item_end = item.window_end or now or timezone.now()
    return item.window_start <= _later(end) and item_end >= _earlier(start)


def candidates(item: SourceItem, now: datetime | None = None) -> list[Incident]:
    """Incidents this notice may be about, nearest start first."""
    return candidates_for([item], now).get(item.pk, [])


def candidates_for(items: list[SourceItem], now: datetime | None = None) -> dict[int, list[Incident]]:
    """For each notice (of one provider's sources), the incidents it may be about, nearest
    start first: one query for all of them."""
    items = [item for item in items if item.window_start is not None]
    if not items:
        return {}
    now = now or timezone.now()
    provider = items[0].source.provider_id
    latest_start = _later(max(item.window_end or now for item in items))
    incidents = list(
        incidents_with_start().filter(service__provider_id=provider, started__lte=latest_start)[:INCIDENTS_READ]
    )
    spans = [(incident, incident_span(incident, now)) for incident in incidents]
    found = {}
    for item in items:
        near = [
            incident
            for incident, span in spans
            if (not item.source.service_id or incident.service_id == item.source.service_id)
            and overlaps(item, *span, now)
        ]
        near.sort(key=lambda i: (abs((i.started - item.window_start).total_seconds()), -i.pk))
        found[item.pk] = near[:CANDIDATES]
    return found


def offered_to(incident: Incident, now: datetime | None = None):
    """Pending notices of the incident's provider whose window overlaps the incident."""
    start, end = incident_span(incident, now)
    return (
        SourceItem.objects.filter(offer=SourceItem.Offer.PENDING, source__provider_id=incident.service.provider_id)
        .filter(Q(source__service__isnull=True) | Q(source__service_id=incident.service_id))
        .filter(window_start__lte=_later(end))
        .filter(Q(window_end__isnull=True) | Q(window_end__gte=_earlier(start)))
        .select_related("source")
        .order_by("window_start", "id")[:CANDIDATES]
    )


def notice_from(version: SourceItemVersion, incident: Incident) -> ProviderNotice:
    return ProviderNotice(
        incident=incident,
        url=version.url,
        retrieved_at=version.retrieved_at,
        raw_text=version.text,
        claimed_start=version.claimed_start,
        claimed_end=version.claimed_end,
        approximate=version.approximate,
        target=version.target[:300],
        cause=version.cause,
    )


@transaction.atomic
def attach(item: SourceItem, incident: Incident) -> ProviderNotice:
    """Attach the item's latest version to ``incident`` as a provider notice; later versions
    will supersede it there (see ``follow``)."""
    version = item.versions.order_by("-number").first()
    notice = notice_from(version, incident)
    notice.save()
    SourceItem.objects.filter(pk=item.pk).update(offer=SourceItem.Offer.ATTACHED, incident=incident, notice=notice)
    item.offer, item.incident, item.notice = SourceItem.Offer.ATTACHED, incident, notice
    return notice


@transaction.atomic
def new_incident(item: SourceItem, service, now: datetime | None = None) -> Incident:
    """A new incident of ``service`` titled after the notice, with the notice attached."""
    now = now or timezone.now()
    ended = item.window_end is not None and item.window_end <= now
    incident = Incident.objects.create(
        service=service,
        title=(item.title or gettext("Provider notice"))[:300],
        kind=Incident.Kind.MAINTENANCE if item.is_maintenance else Incident.Kind.OUTAGE,
        status=Incident.Status.RESOLVED if ended else Incident.Status.OPEN,
        resolved_at=item.window_end if ended else None,
    )
    attach(item, incident)
    return incident


def dismiss(item: SourceItem) -> bool:
    return bool(
        SourceItem.objects.filter(pk=item.pk, offer=SourceItem.Offer.PENDING).update(offer=SourceItem.Offer.DISMISSED)
    )


def follow(item: SourceItem, version: SourceItemVersion) -> ProviderNotice | None:
    """A new version of an attached notice: the incident's notice is superseded by one made
    from it (the earlier stays, shown as superseded). Nothing when the notice was removed."""
    current = item.notice
    while current is not None and current.is_superseded:  # edited on the incident page since
        current = current.superseded_by
    if current is None or not current.is_current:
        return None
    notice = notice_from(version, current.incident)
    notice.pk, notice.version = current.pk, current.version
    notice.save_as_new_version()
    SourceItem.objects.filter(pk=item.pk).update(notice=notice)
    item.notice = notice
    return notice
