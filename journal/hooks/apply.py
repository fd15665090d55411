"""What a monitor's messages do to a service's incidents.

- **down / firing**: adds a ``down`` event (source ``webhook``) to the service's open incident,
  or opens one. A monitor that is already down in that incident (a reminder, Alertmanager's
  repeat) adds nothing.
- **up / resolved**: adds an ``up`` event to the open incident, which stays open: the incident
  page offers to resolve it. While other monitors of the service are still down it adds an
  ``observation`` saying so instead (the service is not back). An ``up`` with no open incident,
  or with no down before it, adds nothing.
- Pending, maintenance and other statuses add nothing.

A message already applied (same key) changes nothing. A time in the body outside what
journal.bounds accepts for something that happened is replaced by the time received, and the
delivery says so. What each message did is a ``Said`` line: read in English in the monitor's
JSON answer, and in its reader's language on the service page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from journal import bounds
from journal.hooks.formats import DOWN, Message, Reading
from journal.hooks.models import HookDelivery, HookMessage, WebHook
from journal.hooks.said import Said, said
from journal.models import Incident, Service, TimelineEvent

Outcome = HookDelivery.Outcome


@dataclass
class Result:
    outcome: str
    lines: list[Said] = field(default_factory=list)
    incident: Incident | None = None

    @property
    def detail(self) -> str:
        return "\n".join(str(line) for line in self.lines)


def clean_text(value: str, limit: int, single_line: bool) -> str:
    """Text from a body made storable: no NUL, no lone surrogate, one line where it must be."""
    value = value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if single_line:
        value = "".join(" " if ch in bounds.LINE_BREAKS else ch for ch in value)
        value = " ".join(value.split())
    return value[:limit]


def apply(hook: WebHook, delivery: HookDelivery, reading: Reading) -> Result:
    """Apply the reading's messages to the hook's service, one transaction for the delivery."""
    if not reading.messages:
        return Result(Outcome.IGNORED, [reading.note or said(gettext_noop("No messages."))])
    results = []
    with transaction.atomic():
        # One delivery at a time per service: two firing alerts arriving together open one incident.
        Service.objects.select_for_update().filter(pk=hook.service_id).first()
        for message in reading.messages:
            results.append(_apply_one(hook, delivery, message))
    applied = [r for r in results if r[0] == Outcome.APPLIED]
    if applied:
        outcome = Outcome.APPLIED
    elif all(r[0] == Outcome.REPEAT for r in results):
        outcome = Outcome.REPEAT
    else:
        outcome = Outcome.IGNORED
    incident = next((r[2] for r in reversed(results) if r[2] is not None), None)
    return Result(outcome, [r[1] for r in results], incident)


def _apply_one(hook: WebHook, delivery: HookDelivery, message: Message) -> tuple[str, Said, Incident | None]:
    service = hook.service
    name = clean_text(message.name, 200, single_line=True)
    subject = clean_text(message.subject, 300, single_line=True)
    if HookMessage.objects.filter(service=service, key=message.key).exists():
        return (
            Outcome.REPEAT,
            said(gettext_noop("%(name)s: already received (a retry): nothing changed."), name=name),
            None,
        )
    if not message.state:
        text = clean_text(message.text, 2000, False)
        return Outcome.IGNORED, said(gettext_noop("%(name)s: %(text)s Nothing recorded."), name=name, text=text), None
    at, note = message.at, said("")
    if at is None:
        at = delivery.received_at
    elif problem := bounds.happened_problem(at):
        at_text = clean_text(message.at_text, 64, single_line=True)
        note = said(
            gettext_noop(" (its time %(at)s is %(problem)s: the time received is used)"), at=at_text, problem=problem
        )
        at = delivery.received_at
    text = clean_text(message.text, 2000, single_line=False)
    incident = service.incidents.filter(status=Incident.Status.OPEN).order_by("-created_at", "-id").first()
    down_now = _monitors_down(incident) if incident else {}
    if message.state == DOWN:
        if subject in down_now:
            line = said(gettext_noop("%(name)s: still down%(note)s: nothing added."), name=name, note=note)
            return _record(service, delivery, message, at, incident, None, line)
        opened = incident is None
        if opened:
            incident = Incident(
                service=service,
                title=clean_text(gettext("%(name)s down") % {"name": name}, 300, single_line=True),
                kind=Incident.Kind.OUTAGE,
                notes=gettext("Opened by the webhook “%(hook)s”.") % {"hook": clean_text(hook.name, 100, True)},
            )
            incident._change_reason = f"webhook {hook.name}"[:100]
            incident.save()
        event = _event(hook, incident, at, TimelineEvent.Type.DOWN, text)
        if opened:
            line = said(
                gettext_noop("%(name)s: down%(note)s; opened incident #%(number)s."),
                name=name,
                note=note,
                number=incident.pk,
            )
        else:
            line = said(
                gettext_noop("%(name)s: down%(note)s; added to incident #%(number)s."),
                name=name,
                note=note,
                number=incident.pk,
            )
        return _record(service, delivery, message, at, incident, event, line)
    # UP
    if incident is None:
        line = said(gettext_noop("%(name)s: up, but no incident of this service is open: nothing added."), name=name)
        return Outcome.IGNORED, line, None
    others = sorted(subject_name for subject_id, subject_name in down_now.items() if subject_id != subject)
    if not incident.events.filter(at__lte=at, type__in=[TimelineEvent.Type.DOWN, TimelineEvent.Type.DEGRADED]).exists():
        return _record(
            service,
            delivery,
            message,
            at,
            incident,
            None,
            said(
                gettext_noop("%(name)s: up%(note)s, but incident #%(number)s has no down before it: nothing added."),
                name=name,
                note=note,
                number=incident.pk,
            ),
        )
    if others:
        still = ", ".join(others)
        observed = text + "\n" + gettext("Still down: %(names)s.") % {"names": still}
        event = _event(hook, incident, at, TimelineEvent.Type.OBSERVATION, observed[:2000])
        line = said(
            gettext_noop("%(name)s: up%(note)s; still down: %(others)s (noted on incident #%(number)s)."),
            name=name,
            note=note,
            others=still,
            number=incident.pk,
        )
        return _record(service, delivery, message, at, incident, event, line)
    if not incident.compute_totals().still_down:
        line = said(
            gettext_noop("%(name)s: up%(note)s; incident #%(number)s was up already."),
            name=name,
            note=note,
            number=incident.pk,
        )
        return _record(service, delivery, message, at, incident, None, line)
    event = _event(hook, incident, at, TimelineEvent.Type.UP, text)
    line = said(
        gettext_noop(
            "%(name)s: up%(note)s; added to incident #%(number)s, which stays open until you mark it resolved."
        ),
        name=name,
        note=note,
        number=incident.pk,
    )
    return _record(service, delivery, message, at, incident, event, line)


def _monitors_down(incident: Incident) -> dict[str, str]:
    """Monitors whose last message in this incident said down: {subject: name}."""
    last: dict[str, HookMessage] = {}
    for item in HookMessage.objects.filter(incident=incident).order_by("at", "id"):
        last[item.subject] = item
    return {subject: item.name or subject for subject, item in last.items() if item.state == DOWN}


def _event(hook: WebHook, incident: Incident, at: datetime, kind: str, text: str) -> TimelineEvent:
    event = TimelineEvent(incident=incident, at=at, type=kind, source=TimelineEvent.Source.WEBHOOK, text=text)
    event._change_reason = f"webhook {hook.name}"[:100]
    event.save()
    return event


def _record(service, delivery, message: Message, at, incident, event, line: Said):
    try:
        with transaction.atomic():
            HookMessage.objects.create(
                service=service,
                key=message.key,
                subject=clean_text(message.subject, 300, single_line=True),
                name=clean_text(message.name, 200, single_line=True),
                state=message.state,
                at=at,
                delivery=delivery,
                incident=incident,
                event=event,
            )
    except IntegrityError:  # the same message, applied by a concurrent delivery
        if event is not None:
            event.delete()
        name = clean_text(message.name, 200, True)
        return (
            Outcome.REPEAT,
            said(gettext_noop("%(name)s: already received (a retry): nothing changed."), name=name),
            None,
        )
    return Outcome.APPLIED, line, incident
