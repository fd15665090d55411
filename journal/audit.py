"""Who changed what and when: an incident's audit history, read from the tables
django-simple-history keeps for the incident and each kind of its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from journal.field_labels import label_of
from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent

# (model, what it is called, the field of its history that names the incident)
TRACKED = (
    (Incident, gettext_lazy("incident"), "id"),
    (TimelineEvent, gettext_lazy("event"), "incident_id"),
    (ProviderNotice, gettext_lazy("notice"), "incident_id"),
    (SupportContact, gettext_lazy("support contact"), "incident_id"),
    (LogExcerpt, gettext_lazy("log excerpt"), "incident_id"),
)
# Bookkeeping, not something a person changed (the removal shows as the action itself).
UNSHOWN = {"id", "version", "updated_at", "removed_at", "removed_by"}
ACTIONS = {
    "+": pgettext_lazy("history", "created"),
    "~": pgettext_lazy("history", "changed"),
    "-": pgettext_lazy("history", "deleted"),
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    user: str
    action: str
    noun: str
    label: str
    changes: tuple[Change, ...]


def shown(field: models.Field, value) -> str:
    """A stored value as a person reads it (times in the active zone)."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S %Z}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _changes(model: type[models.Model], old, new) -> tuple[Change, ...]:
    if old is None:
        return ()
    fields = (f for f in model._meta.concrete_fields if f.name not in UNSHOWN)
    return tuple(
        Change(label_of(f), shown(f, getattr(old, f.attname)), shown(f, getattr(new, f.attname)))
        for f in fields
        if getattr(old, f.attname) != getattr(new, f.attname)
    )


def _action(record, previous) -> str:
    if record.history_type == "~" and previous is not None and hasattr(record, "removed_at"):
        if record.removed_at and not previous.removed_at:
            return _("removed (%(reason)s)") % {"reason": record.removal_reason}
        if previous.removed_at and not record.removed_at:
            return pgettext("history", "restored")
    return ACTIONS[record.history_type]


def _label(item: models.Model) -> str:
    """What the record is, in words; times in the active zone."""
    if isinstance(item, TimelineEvent):
        at = shown(TimelineEvent._meta.get_field("at"), item.at)
        return _("%(type)s at %(at)s") % {"type": item.get_type_display(), "at": at}
    if isinstance(item, SupportContact):
        at = shown(SupportContact._meta.get_field("opened_at"), item.opened_at)
        return _("%(channel)s at %(at)s") % {"channel": item.get_channel_display(), "at": at}
    return str(item)


def incident_history(incident: Incident) -> list[Entry]:
    """Every create, change and delete of the incident and its evidence, newest first, each
    with the fields it changed (old → new) and who did it (— for commands and imports)."""
    records = []
    for model, noun, key in TRACKED:
        history = model.history.filter(**{key: incident.pk}).select_related("history_user")
        records += [(model, noun, record) for record in history]
    records.sort(key=lambda item: (item[2].history_date, item[2].history_id))
    last: dict[tuple[type, int], object] = {}
    entries = []
    for model, noun, record in records:
        previous = last.get((model, record.id))
        last[(model, record.id)] = record
        user = record.history_user.get_username() if record.history_user else "—"
        label = _label(record.instance)
        entries.append(
            Entry(record.history_date, user, _action(record, previous), noun, label, _changes(model, previous, record))
        )
    entries.reverse()
    return entries
