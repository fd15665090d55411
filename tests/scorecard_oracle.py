"""The scorecard as it was computed before the stored months: from every incident's events and
notices with journal.downtime. A test oracle: journal.scorecard.build must give the same Scorecard."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from journal import availability, downtime, rental, sla
from journal.models import Incident, Provider, Service, SupportContact
from journal.scorecard import Scorecard, ServiceCard, _window
from journal.timezones import get_zone


def providers_with_events():
    """Providers with every incident's events and notices (no stored totals read)."""
    incidents = Incident.objects.prefetch_related("events", "notices")
    return Provider.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.prefetch_related(Prefetch("incidents", queryset=incidents))),
        Prefetch("support_contacts", queryset=SupportContact.objects.order_by("opened_at")),
        "support_channels",
    )


def build(provider: Provider, year: int | None, now: datetime) -> Scorecard:
    after = timedelta(days=settings.STALE_DOWN_AFTER_DAYS)
    selected, cards, stale = [], [], []
    observed = maintenance_total = stale_total = downtime.ZERO
    for service in provider.services.all():
        zone = get_zone(service.time_zone)
        window = _window(year, zone)
        every = list(service.incidents.all())
        totals = {i.pk: i.compute_totals(now) for i in every}
        mine = [i for i in every if window is None or window[0] <= i.started_at < window[1]]
        selected += [(i, totals[i.pk]) for i in mine]
        unplanned = downtime.union(x for i in every if i.kind != "maintenance" for x in totals[i.pk].down)
        planned = downtime.union(x for i in every if i.kind == "maintenance" for x in totals[i.pk].down)
        open_too_long = [i for i in every if i.is_open and i.kind != "maintenance" and totals[i.pk].stale(now, after)]
        stale += [i for i in open_too_long if i in mine]
        stretches = [downtime.Interval(totals[i.pk].open_since, now) for i in open_too_long]
        moments = [at for i in every if (at := i.last_event_at())] or [i.started_at for i in every]
        rented = rental.rental(
            service,
            zone,
            now,
            min((i.started_at for i in every), default=None),
            max(moments, default=None),
            any(i.is_open for i in every),
        )
        span = rental.month_range(rented, zone, year, now)
        months = availability.months(unplanned, planned, zone, *span, rented.interval, now, stretches) if span else []
        card = ServiceCard(service, months, rental_note=rented.note if rented else "")
        for m in months:
            terms = sla.month_terms(
                m.year, m.month, m.availability, service.sla_uptime, service.sla_credits, service.sla_claim_days
            )
            card.terms.append((m, terms))
        cards.append(card)
        observed += sum((m.down for m in months), downtime.ZERO)
        maintenance_total += sum((m.maintenance for m in months), downtime.ZERO)
        stale_total += sum((m.stale_down for m in months), downtime.ZERO)

    outages = [(i, t) for i, t in selected if i.kind != "maintenance"]
    spans = [t.span for _, t in outages if t.down and t.last_up]
    starts = [t.claimed.start - t.first_down for _, t in outages if t.claimed and t.first_down]
    ends = [t.claimed.end - t.last_up for _, t in outages if t.claimed and t.last_up]
    latencies = [
        downtime.as_utc(i.first_notice_at()) - t.first_down for i, t in outages if i.first_notice_at() and t.first_down
    ]
    services = list(provider.services.all())
    contact_zone = get_zone(services[0].time_zone if services else "UTC")
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
        incident_count=len(selected),
        by_kind=dict(Counter(i.kind for i, _ in selected)),
        observed=observed,
        maintenance=maintenance_total,
        months=availability.combined([card.months for card in cards]),
        services=cards,
        stale=stale,
        stale_down=stale_total,
        mttr=sum(spans, downtime.ZERO) / len(spans) if spans else None,
        notice_start_error=statistics.median(starts) if starts else None,
        notice_end_error=statistics.median(ends) if ends else None,
        notice_latency=statistics.median(latencies) if latencies else None,
        contacts=len(contacts),
        median_first_response=statistics.median(responses) if responses else None,
        provider_initiated_share=(
            sum(c.initiated_by == SupportContact.InitiatedBy.PROVIDER for c in contacts) / len(contacts)
            if contacts
            else None
        ),
        within_hours_share=sum(hours_known) / len(hours_known) if hours_known else None,
        mean_helpfulness=statistics.fmean(ratings) if ratings else None,
    )


def latest(provider: Provider, year: int | None) -> list[tuple[datetime, int]]:
    """(start, pk) of the period's incidents, newest first."""
    found = []
    for service in provider.services.all():
        window = _window(year, get_zone(service.time_zone))
        found += [
            (i.started_at, i.pk)
            for i in service.incidents.all()
            if window is None or window[0] <= i.started_at < window[1]
        ]
    return sorted(found, reverse=True)


def _in_year(moment: datetime, year: int | None, zone) -> bool:
    return year is None or timezone.localtime(downtime.as_utc(moment), zone).year == year
