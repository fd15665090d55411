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
delivery says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from journal import bounds
from journal.hooks.formats import DOWN, Message, Reading
from journal.hooks.models import HookDelivery, HookMessage, WebHook
from journal.models import Incident, Service, TimelineEvent

Outcome = HookDelivery.Outcome


@dataclass
class Result:
    outcome: str
    lines: list[str] = field(default_factory=list)
    incident: Incident | None = None

    @property
    def detail(self) -> str:
        return "\n".join(self.lines)


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
        return Result(Outcome.IGNORED, [reading.note or "No messages."])
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


def _apply_one(hook: WebHook, delivery: HookDelivery, message: Message) -> tuple[str, str, Incident | None]:
    service = hook.service
    name = clean_text(message.name, 200, single_line=True)
    subject = clean_text(message.subject, 300, single_line=True)
    if HookMessage.objects.filter(service=service, key=message.key).exists():
        return Outcome.REPEAT, f"{name}: already received (a retry): nothing changed.", None
    if not message.state:
        return Outcome.IGNORED, f"{name}: {clean_text(message.text, 2000, False)} Nothing recorded.", None
    at, note = message.at, ""
    if at is None:
        at = delivery.received_at
    elif problem := bounds.happened_problem(at):
        at_text = clean_text(message.at_text, 64, single_line=True)
        at, note = delivery.received_at, f" (its time {at_text} is {problem}: the time received is used)"
    text = clean_text(message.text, 2000, single_line=False)
    incident = service.incidents.filter(status=Incident.Status.OPEN).order_by("-created_at", "-id").first()
    down_now = _monitors_down(incident) if incident else {}
    if message.state == DOWN:
        if subject in down_now:
            return _record(service, delivery, message, at, incident, None, f"{name}: still down{note}: nothing added.")
        opened = incident is None
        if opened:
            incident = Incident(
                service=service,
                title=clean_text(f"{name} down", 300, single_line=True),
                kind=Incident.Kind.OUTAGE,
                notes=f"Opened by the webhook “{clean_text(hook.name, 100, True)}”.",
            )
            incident._change_reason = f"webhook {hook.name}"[:100]
            incident.save()
        event = _event(hook, incident, at, TimelineEvent.Type.DOWN, text)
        said = f"opened incident #{incident.pk}" if opened else f"added to incident #{incident.pk}"
        return _record(service, delivery, message, at, incident, event, f"{name}: down{note}; {said}.")
    # UP
    if incident is None:
        return Outcome.IGNORED, f"{name}: up, but no incident of this service is open: nothing added.", None
    others = sorted(subject_name for subject_id, subject_name in down_now.items() if subject_id != subject)
    if not incident.events.filter(at__lte=at, type__in=[TimelineEvent.Type.DOWN, TimelineEvent.Type.DEGRADED]).exists():
        return _record(
            service,
            delivery,
            message,
            at,
            incident,
            None,
            f"{name}: up{note}, but incident #{incident.pk} has no down before it: nothing added.",
        )
    if others:
        event = _event(
            hook, incident, at, TimelineEvent.Type.OBSERVATION, f"{text}\nStill down: {', '.join(others)}."[:2000]
        )
        line = f"{name}: up{note}; still down: {', '.join(others)} (noted on incident #{incident.pk})."
        return _record(service, delivery, message, at, incident, event, line)
    if not incident.compute_totals().still_down:
        return _record(
            service, delivery, message, at, incident, None, f"{name}: up{note}; incident #{incident.pk} was up already."
        )
    event = _event(hook, incident, at, TimelineEvent.Type.UP, text)
    line = f"{name}: up{note}; added to incident #{incident.pk}, which stays open until you mark it resolved."
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


def _record(service, delivery, message: Message, at, incident, event, line: str):
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
        return (
            Outcome.REPEAT,
            f"{clean_text(message.name, 200, True)}: already received (a retry): nothing changed.",
            None,
        )
    return Outcome.APPLIED, line, incident
