"""Deleting providers, services and incidents softly and undoing that (purging them for good
later is journal.housekeeping.purge).

A delete marks the row removed (``Removable``) together with everything that goes with it:
a provider's current services, and those services' current incidents. One ``Deletion``
records exactly which rows this delete removed, so that undo restores those and only those
(an incident deleted on its own before its provider stays deleted). The default managers
hide removed rows, so they leave every list, total and scorecard at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from simple_history.utils import bulk_update_with_history

from journal.housekeeping.models import Deletion
from journal.models import Incident, LogExcerpt, Provider, Service, SupportContact, Versioned
from journal.totals.store import refresh_services

COUNTED = {
    "provider": ngettext_lazy("%(n)d provider", "%(n)d providers", "n"),
    "service": ngettext_lazy("%(n)d service", "%(n)d services", "n"),
    "incident": ngettext_lazy("%(n)d incident", "%(n)d incidents", "n"),
    "timeline event": ngettext_lazy("%(n)d timeline event", "%(n)d timeline events", "n"),
    "notice": ngettext_lazy("%(n)d notice", "%(n)d notices", "n"),
    "log excerpt": ngettext_lazy("%(n)d log excerpt", "%(n)d log excerpts", "n"),
    "support contact": ngettext_lazy("%(n)d support contact", "%(n)d support contacts", "n"),
    "support hours entry": ngettext_lazy("%(n)d support hours entry", "%(n)d support hours entries", "n"),
}


def describe(counts: dict[str, int]) -> str:
    """{"service": 2, "incident": 5} → “2 services and 5 incidents” (zeros left out), in the
    active language; the keys are those of COUNTED."""
    parts = [COUNTED[noun] % {"n": n} for noun, n in counts.items() if n]
    if not parts:
        return gettext("nothing else")
    if len(parts) == 1:
        return parts[0]
    return gettext("%(items)s and %(last)s") % {"items": gettext(", ").join(parts[:-1]), "last": parts[-1]}


@dataclass
class Consequences:
    """What deleting something takes with it, for the confirmation page."""

    services: list[Service]
    incidents: int
    events: int
    notices: int
    logs: int
    contacts: int

    @property
    def summary(self) -> str:
        return describe(
            {
                "service": len(self.services),
                "incident": self.incidents,
                "timeline event": self.events,
                "notice": self.notices,
                "log excerpt": self.logs,
                "support contact": self.contacts,
            }
        )


def consequences(target: Provider | Service | Incident) -> Consequences:
    from journal.models import ProviderNotice, TimelineEvent

    services = _services_of(target)
    ids = _incident_ids(target, services)
    return Consequences(
        services=services,
        incidents=0 if isinstance(target, Incident) else len(ids),
        events=TimelineEvent.objects.filter(incident__in=ids).count(),
        notices=ProviderNotice.objects.filter(incident__in=ids).count(),
        logs=LogExcerpt.objects.filter(incident__in=ids).count(),
        contacts=SupportContact.objects.filter(incident__in=ids).count(),
    )


def _services_of(target) -> list[Service]:
    if isinstance(target, Provider):
        return list(Service.objects.filter(provider=target))
    return []


def _incident_ids(target, services: list[Service]) -> list[int]:
    if isinstance(target, Incident):
        return [target.pk]
    service_ids = [s.pk for s in services] if isinstance(target, Provider) else [target.pk]
    return list(Incident.objects.filter(service__in=service_ids).values_list("pk", flat=True))


def _mark(model, ids: list[int], user, at: datetime | None, reason: str, by=None) -> None:
    """Mark (or with ``at`` None, unmark) the rows removed, in bulk, each with its audit
    record (by ``by``, else ``user``); versioned rows get a new version (open edit forms
    conflict)."""
    rows = list(model.all_objects.filter(pk__in=ids))
    if not rows:
        return
    fields = ["removed_at", "removed_by", "removal_reason"]
    versioned = isinstance(rows[0], Versioned)
    if versioned:
        fields.append("version")
    if model is Incident:
        fields.append("updated_at")
    now = timezone.now()
    for row in rows:
        row.removed_at, row.removed_by, row.removal_reason = at, user if at else None, reason if at else ""
        if versioned:
            row.version += 1
        if model is Incident:
            row.updated_at = now
    bulk_update_with_history(
        rows, model, fields, batch_size=500, default_user=by or user, default_date=now, manager=model.all_objects
    )


@transaction.atomic
def delete(target: Provider | Service | Incident, user) -> Deletion:
    """Remove ``target`` and what goes with it; the Deletion that undoes it. AlreadyDeleted
    when another request deleted it first (the row is locked until this one commits)."""
    if not type(target).objects.select_for_update().filter(pk=target.pk).exists():
        raise AlreadyDeleted(gettext("“%(name)s” was deleted already.") % {"name": target})
    services = _services_of(target)
    incidents = _incident_ids(target, services)
    now = timezone.now()
    what = Deletion.What(type(target).__name__.lower())
    deletion = Deletion.objects.create(
        what=what,
        object_id=target.pk,
        label=str(target),
        deleted_at=now,
        deleted_by=user,
        providers=[target.pk] if what == Deletion.What.PROVIDER else [],
        services=[s.pk for s in services] + ([target.pk] if what == Deletion.What.SERVICE else []),
        incidents=incidents,
    )
    went_with = f"Deleted with {what.label} “{target}”"
    for model, ids in ((Incident, deletion.incidents), (Service, deletion.services), (Provider, deletion.providers)):
        _mark(model, [pk for pk in ids if not isinstance(target, model) or pk != target.pk], user, now, went_with)
    _mark(type(target), [target.pk], user, now, "Deleted")
    _refresh_downtime(deletion)
    return deletion


def _refresh_downtime(deletion: Deletion) -> None:
    """The stored downtime of the services these rows belong to (journal.totals), which the
    bulk marking above does not signal."""
    services = set(deletion.services)
    services |= set(Incident.all_objects.filter(pk__in=deletion.incidents).values_list("service_id", flat=True))
    refresh_services(services)


class CannotUndo(Exception):
    pass


class AlreadyDeleted(Exception):
    pass


@transaction.atomic
def undo(deletion: Deletion, user=None) -> None:
    """Restore exactly the rows this deletion removed. Refused (CannotUndo, saying why) when
    what they belong to is deleted itself, or a current one now has the same name."""
    services = list(Service.all_objects.filter(pk__in=deletion.services).select_related("provider"))
    incidents = list(Incident.all_objects.filter(pk__in=deletion.incidents).select_related("service__provider"))
    restored_services = set(deletion.services)
    for incident in incidents:
        service = incident.service
        if service.pk not in restored_services and (service.is_removed or service.provider.is_removed):
            raise CannotUndo(
                gettext("Its service “%(name)s” is deleted: undo deleting that first.") % {"name": service}
            )
    for service in services:
        if service.provider_id not in deletion.providers and service.provider.is_removed:
            raise CannotUndo(
                gettext("Its provider “%(name)s” is deleted: undo deleting that first.") % {"name": service.provider}
            )
        clash = Service.objects.filter(provider_id=service.provider_id, name_key=service.name_key).first()
        if clash:
            raise CannotUndo(
                gettext("A service named “%(name)s” exists at %(provider)s now: rename it first.")
                % {"name": clash.name, "provider": clash.provider}
            )
    for provider in Provider.all_objects.filter(pk__in=deletion.providers):
        clash = Provider.objects.filter(name_key=provider.name_key).first()
        if clash:
            raise CannotUndo(gettext("A provider named “%(name)s” exists now: rename it first.") % {"name": clash.name})
    _mark(Provider, deletion.providers, None, None, "", by=user)
    _mark(Service, deletion.services, None, None, "", by=user)
    _mark(Incident, deletion.incidents, None, None, "", by=user)
    _refresh_downtime(deletion)
    deletion.delete()
