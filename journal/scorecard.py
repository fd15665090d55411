"""A provider's record, per year or all time: how often, how long, how honest, how helpful.

Computed in Python from one provider with its services, incidents (with their stored totals,
journal.totals), support contacts and channels fetched up front (see ``provider_for_scorecard``):
a fixed number of queries however many incidents there are.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from journal import availability, downtime, rental, sla
from journal.models import Incident, Provider, Service, SupportContact
from journal.timezones import get_zone


def provider_for_scorecard(queryset=None):
    """Providers with everything a scorecard reads, prefetched: each incident with its stored
    totals (journal.totals), not its events and notices."""
    incidents = Incident.objects.select_related("stored_totals").defer("notes", "uid", "updated_at")
    services = Service.objects.prefetch_related(Prefetch("incidents", queryset=incidents))
    contacts = SupportContact.objects.defer("summary", "outcome", "agent", "ticket_ref").order_by("opened_at")
    return (queryset or Provider.objects.all()).prefetch_related(
        Prefetch("services", queryset=services),
        Prefetch("support_contacts", queryset=contacts),
        "support_channels",
    )


@dataclass
class ServiceCard:
    service: Service
    months: list[availability.Month]
    terms: list[tuple[availability.Month, sla.MonthTerms]] = field(default_factory=list)
    rental_note: str = ""  # how the months counted were decided (journal.rental)


@dataclass
class Scorecard:
    provider: Provider
    year: int | None
    incidents: list[Incident]
    by_kind: dict[str, int]
    observed: timedelta
    maintenance: timedelta
    months: list[availability.Month]
    services: list[ServiceCard]
    stale: list[Incident]  # open incidents with a down and no up for longer than STALE_DOWN_AFTER_DAYS
    stale_down: timedelta  # the part of ``observed`` those open downs make
    mttr: timedelta | None
    notice_start_error: timedelta | None
    notice_end_error: timedelta | None
    notice_latency: timedelta | None
    contacts: int
    median_first_response: timedelta | None
    provider_initiated_share: float | None
    within_hours_share: float | None
    mean_helpfulness: float | None

    def as_json(self) -> dict:
        def seconds(value):
            return None if value is None else int(value.total_seconds())

        def share(value):
            return None if value is None else round(value, 3)

        return {
            "provider": self.provider.name,
            "year": self.year,
            "incidents": len(self.incidents),
            "incidents_by_kind": self.by_kind,
            "observed_downtime_s": seconds(self.observed),
            "maintenance_s": seconds(self.maintenance),
            "stale_open_downs": len(self.stale),
            "stale_down_s": seconds(self.stale_down),
            "availability_by_month": {
                m.key: round(m.availability, 2) for m in self.months if m.availability is not None
            },
            "mttr_s": seconds(self.mttr),
            "support": {
                "contacts": self.contacts,
                "median_first_response_s": seconds(self.median_first_response),
                "provider_initiated_share": share(self.provider_initiated_share),
                "within_hours_share": share(self.within_hours_share),
                "mean_helpfulness": share(self.mean_helpfulness),
            },
            "notices": {
                "median_start_error_s": seconds(self.notice_start_error),
                "median_end_error_s": seconds(self.notice_end_error),
                "median_latency_s": seconds(self.notice_latency),
            },
        }


def _median(values: list[timedelta]) -> timedelta | None:
    return statistics.median(values) if values else None


def _window(year: int | None, zone) -> tuple[datetime, datetime] | None:
    if year is None:
        return None
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def stale_downs(incidents: list[Incident], now: datetime) -> list[Incident]:
    """Open incidents whose last down has had no up for longer than STALE_DOWN_AFTER_DAYS."""
    after = timedelta(days=settings.STALE_DOWN_AFTER_DAYS)
    return [i for i in incidents if i.is_open and i.totals.stale(now, after)]


def build(provider: Provider, year: int | None = None, now: datetime | None = None) -> Scorecard:
    now = now or timezone.now()
    selected: list[Incident] = []
    cards: list[ServiceCard] = []
    stale: list[Incident] = []
    observed = maintenance_total = stale_total = downtime.ZERO
    for service in provider.services.all():
        zone = get_zone(service.time_zone)
        window = _window(year, zone)
        every = list(service.incidents.all())
        mine = [i for i in every if window is None or window[0] <= i.started_at < window[1]]
        selected += mine
        unplanned = downtime.union(x for i in every if i.kind != Incident.Kind.MAINTENANCE for x in i.totals.down)
        planned = downtime.union(x for i in every if i.kind == Incident.Kind.MAINTENANCE for x in i.totals.down)
        open_too_long = [i for i in stale_downs(every, now) if i.kind != Incident.Kind.MAINTENANCE]
        stale += [i for i in open_too_long if i in mine]
        stretches = [downtime.Interval(i.totals.open_since, now) for i in open_too_long]
        # Only months inside the rental (journal.rental): a trial ends at its last event.
        rented = rental.rental(service, every, zone, now)
        span = rental.month_range(rented, zone, year, now)
        months = availability.months(unplanned, planned, zone, *span, rented.interval, now, stretches) if span else []
        card = ServiceCard(service, months, rental_note=rented.note if rented else "")
        for m in months:
            card.terms.append(
                (
                    m,
                    sla.month_terms(
                        m.year, m.month, m.availability, service.sla_uptime, service.sla_credits, service.sla_claim_days
                    ),
                )
            )
        cards.append(card)
        observed += sum((m.down for m in months), downtime.ZERO) if months else downtime.ZERO
        maintenance_total += sum((m.maintenance for m in months), downtime.ZERO)
        stale_total += sum((m.stale_down for m in months), downtime.ZERO)

    outages = [i for i in selected if i.kind != Incident.Kind.MAINTENANCE]
    spans = [i.totals.span for i in outages if i.totals.down and i.totals.last_up]
    starts, ends, latencies = [], [], []
    for incident in outages:
        totals = incident.totals
        if totals.claimed and totals.first_down:
            starts.append(totals.claimed.start - totals.first_down)
        if totals.claimed and totals.last_up:
            ends.append(totals.claimed.end - totals.last_up)
        first_notice = incident.first_notice_at()
        if first_notice and totals.first_down:  # as journal.downtime.reconcile counts it
            latencies.append(downtime.as_utc(first_notice) - totals.first_down)

    services = list(provider.services.all())
    contact_zone = get_zone(services[0].time_zone if services else "UTC")  # a year of contacts, in its zone
    contacts = [c for c in provider.support_contacts.all() if _in_year(c.opened_at, year, contact_zone)]
    channels = list(provider.support_channels.all())
    hours_known = [
        any(ch.is_open_at(c.opened_at) for ch in channels if ch.channel == c.channel)
        for c in contacts
        if any(ch.channel == c.channel for ch in channels)
    ]
    responses = [c.response_time for c in contacts if c.response_time is not None]
    ratings = [c.helpfulness for c in contacts if c.helpfulness]
    return Scorecard(
        provider=provider,
        year=year,
        incidents=sorted(selected, key=lambda i: i.started_at),
        by_kind=dict(Counter(i.kind for i in selected)),
        observed=observed,
        maintenance=maintenance_total,
        months=availability.combined([card.months for card in cards]),
        services=cards,
        stale=stale,
        stale_down=stale_total,
        mttr=sum(spans, downtime.ZERO) / len(spans) if spans else None,
        notice_start_error=_median(starts),
        notice_end_error=_median(ends),
        notice_latency=_median(latencies),
        contacts=len(contacts),
        median_first_response=_median(responses),
        provider_initiated_share=(
            sum(c.initiated_by == SupportContact.InitiatedBy.PROVIDER for c in contacts) / len(contacts)
            if contacts
            else None
        ),
        within_hours_share=sum(hours_known) / len(hours_known) if hours_known else None,
        mean_helpfulness=statistics.fmean(ratings) if ratings else None,
    )


def _in_year(moment: datetime, year: int | None, zone) -> bool:
    return year is None or timezone.localtime(downtime.as_utc(moment), zone).year == year
