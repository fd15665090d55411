"""Merging two providers or two services: everything of the one moves to the other, which
keeps its own name and settings; the one merged away is deleted (its audit history stays)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext, ngettext

from journal.models import Incident, Provider, Service, SupportChannel, SupportContact
from journal.totals import contacts as contact_hours
from journal.totals import store as totals_store


class MergeRefused(Exception):
    pass


@dataclass
class Moves:
    """What a merge moves, for its confirmation page and its message."""

    services: int = 0
    incidents: int = 0
    contacts: int = 0
    channels: int = 0

    @property
    def summary(self) -> str:
        from journal.housekeeping.removal import describe

        return describe(
            {
                "service": self.services,
                "incident": self.incidents,
                "support contact": self.contacts,
                "support hours entry": self.channels,
            }
        )


def clashing_services(source: Provider, target: Provider) -> list[tuple[Service, Service]]:
    """Current services of ``source`` whose name a current service of ``target`` has."""
    theirs = {s.name_key: s for s in Service.objects.filter(provider=target)}
    return [(s, theirs[s.name_key]) for s in Service.objects.filter(provider=source) if s.name_key in theirs]


def clash_names(clashes: list[tuple[Service, Service]]) -> str:
    """“cx22”, “Storage Box”: the names two providers' services share, quoted."""
    return gettext(", ").join(gettext("“%(name)s”") % {"name": mine.name} for mine, _ in clashes)


def provider_moves(source: Provider) -> Moves:
    return Moves(
        services=Service.objects.filter(provider=source).count(),
        incidents=Incident.objects.filter(service__provider=source).count(),
        contacts=SupportContact.objects.filter(provider=source).count(),
        channels=SupportChannel.objects.filter(provider=source).count(),
    )


def service_moves(source: Service) -> Moves:
    return Moves(incidents=Incident.objects.filter(service=source).count())


@transaction.atomic
def merge_providers(source: Provider, target: Provider) -> Moves:
    """Move ``source``'s services (deleted ones too), support contacts and hours to ``target``,
    then delete ``source``. Refused when both have a service of the same name: merge those
    services first (or rename one)."""
    if source.pk == target.pk:
        raise MergeRefused(gettext("A provider cannot be merged into itself."))
    clashes = clashing_services(source, target)
    if clashes:
        names = clash_names(clashes)
        raise MergeRefused(
            ngettext(
                "Both have a service named %(names)s: merge that service into %(target)s’s first, or rename it.",
                "Both have a service named %(names)s: merge those services into %(target)s’s first, or rename them.",
                len(clashes),
            )
            % {"names": names, "target": target.name}
        )
    moves = provider_moves(source)
    for service in Service.all_objects.filter(provider=source):
        service.provider = target
        service.save()
    for contact in SupportContact.all_objects.filter(provider=source):
        contact.provider = target
        contact.save()
    SupportChannel.objects.filter(provider=source).update(provider=target)
    contact_hours.refresh_providers([target.pk])  # the update sends no signal
    changed = False
    for field in ("url", "status_page_url"):
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
            changed = True
    if source.notes.strip():
        target.notes = f"{target.notes.rstrip()}\n\nFrom {source.name}:\n\n{source.notes.strip()}".strip()
        changed = True
    if changed:
        target.save()
    source.delete()
    return moves


@transaction.atomic
def merge_services(source: Service, target: Service) -> Moves:
    """Move ``source``'s incidents (deleted ones too) to ``target``, then delete ``source``.
    Their support contacts follow to ``target``'s provider when it is another."""
    if source.pk == target.pk:
        raise MergeRefused(gettext("A service cannot be merged into itself."))
    moves = service_moves(source)
    incidents = list(Incident.all_objects.filter(service=source))
    with totals_store.deferred():  # each incident's and both services' totals once, at the end
        for incident in incidents:
            incident.service = target
            incident.save()
    if source.provider_id != target.provider_id:
        for contact in SupportContact.all_objects.filter(incident__in=incidents, provider_id=source.provider_id):
            contact.provider_id = target.provider_id
            contact.save()
    source.delete()
    return moves
