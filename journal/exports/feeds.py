"""Incidents as an Atom feed (Django's syndication framework), all of them or one provider's:
the latest ``LIMIT`` by start, each entry with its totals, updated when the incident changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from journal.downtime import format_duration
from journal.filters import incidents_with_start
from journal.models import Incident, Provider

LIMIT = 50


@dataclass(frozen=True)
class Scope:
    """What one feed shows: every incident, or one provider's."""

    provider: Provider | None
    link: str  # where the feed points (the list, or the provider's page)

    @property
    def title(self) -> str:
        return f"Incidents at {self.provider.name}" if self.provider else "Incidents"

    def incidents(self):
        incidents = incidents_with_start()
        if self.provider is not None:
            incidents = incidents.filter(service__provider=self.provider)
        return incidents


class IncidentFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, scope: Scope) -> Scope:
        return scope

    def title(self, scope: Scope) -> str:
        return f"{scope.title} · Incident journal"

    def subtitle(self, scope: Scope) -> str:
        return "Provider incidents recorded in the journal, with observed and claimed downtime."

    def link(self, scope: Scope) -> str:
        return scope.link

    def feed_guid(self, scope: Scope) -> str:
        return f"tag:incident-journal,2024:{'provider-' + str(scope.provider.pk) if scope.provider else 'all'}"

    def items(self, scope: Scope):
        return list(scope.incidents()[:LIMIT])

    def item_title(self, incident: Incident) -> str:
        service = incident.service
        state = " (open)" if incident.is_open else ""
        return f"{incident.title} — {service.provider.name} › {service.name}{state}"

    def item_description(self, incident: Incident) -> str:
        totals = incident.totals
        return (
            f"{incident.get_kind_display()}, {incident.get_status_display().lower()}. "
            f"Observed down: {format_duration(totals.observed)}. "
            f"Provider claimed: {format_duration(totals.claimed_duration)}. "
            f"Claimed − observed: {format_duration(totals.claimed_minus_observed)}."
        )

    def item_link(self, incident: Incident) -> str:
        return incident.get_absolute_url()

    def item_guid(self, incident: Incident) -> str:
        return f"urn:uuid:{incident.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, incident: Incident):
        return incident.started

    def item_updateddate(self, incident: Incident):
        return incident.updated_at

    def item_categories(self, incident: Incident):
        return [incident.get_kind_display(), incident.service.provider.name]
