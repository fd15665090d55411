"""Backfilling a timeline: the add-event form keeps the day of the previous event (the time is
cleared) and offers "now", "one minute after the previous event" and reading a pasted log line
or timestamp. Each offer is a submit button (``fill``) answered with the form filled in, not
saved, so it works without JavaScript; with htmx the form is swapped in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import typed_times
from journal.models import Incident, TimelineEvent
from journal.timezones import get_zone

PREFIX = "events"
FILLS = ("now", "after_previous", "read")


@dataclass(frozen=True)
class FillNote:
    text: str

    def __str__(self) -> str:
        return self.text


def previous_event(incident: Incident) -> TimelineEvent | None:
    """The event added last (the one a person backfilling just typed), not the latest in time."""
    return max(incident.events.all(), key=lambda e: e.pk, default=None)


def log_zone(incident: Incident) -> str:
    """The zone a pasted log line written without one is read in: the zone the incident's
    latest log excerpt was read in, else the service's."""
    read = [e for e in incident.log_excerpts.all() if e.time_zone]  # prefetched on the incident page
    latest = max(read, key=lambda e: (e.uploaded_at, e.pk), default=None)
    return latest.time_zone if latest else incident.service.time_zone


def _form_zone(data: QueryDict, incident: Incident):
    try:
        return get_zone(data.get(f"{PREFIX}-zone") or incident.service.time_zone)
    except ValueError:  # the form itself says the zone is wrong
        return get_zone(incident.service.time_zone)


def _put(data: QueryDict, moment: datetime, zone) -> None:
    wall = timezone.localtime(moment, zone)
    data[f"{PREFIX}-at"] = f"{wall:%Y-%m-%d %H:%M:%S}"
    data[f"{PREFIX}-day"] = f"{wall:%Y-%m-%d}"
    data[f"{PREFIX}-zone"] = zone.key


def fill(data: QueryDict, incident: Incident, action: str) -> tuple[QueryDict, FillNote]:
    """The event form's data with "When" filled in by ``action``, and a note saying how."""
    data = data.copy()
    zone = _form_zone(data, incident)
    if action == "now":
        _put(data, timezone.now(), zone)
        return data, FillNote(_("Now, in %(zone)s. Check it, then add the event.") % {"zone": zone.key})
    if action == "after_previous":
        previous = previous_event(incident)
        if previous is None:
            return data, FillNote(_("There is no previous event yet: type the time."))
        _put(data, previous.at + timedelta(minutes=1), zone)
        said = _("One minute after the previous event (%(type)s).") % {"type": previous.get_type_display().lower()}
        return data, FillNote(said)
    try:
        day = date.fromisoformat(data.get(f"{PREFIX}-day", ""))
    except ValueError:
        day = None
    try:
        reading = typed_times.read_typed(data.get(f"{PREFIX}-at", ""), day, log_zone(incident))
    except typed_times.TypedTimeError as exc:
        return data, FillNote(_("Nothing read: %(reason)s") % {"reason": exc})
    if reading.moment is None:
        said = _("Read %(time)s in %(zone)s. Check it, then add the event.")
        return data, FillNote(said % {"time": f"{reading.wall:%Y-%m-%d %H:%M:%S}", "zone": zone.key})
    _put(data, reading.moment, zone)
    if reading.message and not data.get(f"{PREFIX}-text", "").strip():
        data[f"{PREFIX}-text"] = reading.message
    said = _("Read from the pasted %(how)s: %(time)s in %(zone)s. Check it, then add the event.")
    return data, FillNote(said % {"how": reading.how, "time": data[f"{PREFIX}-at"], "zone": zone.key})
