"""Reading a webhook body: which monitor sent it and the messages it carries.

Three senders, each detected from the body's fields (or chosen per hook):

- **Uptime Kuma** (notification type "Webhook", body "Preset - application/json" or
  "Preset - multipart/form-data" whose ``data`` field holds the same JSON):
  ``{"heartbeat": {"monitorID", "status", "time", "msg", …}, "monitor": {"id", "name", …}, "msg"}``.
  Heartbeat status 0 is down, 1 up, 2 pending, 3 maintenance; ``time`` is UTC,
  ``"YYYY-MM-DD HH:MM:SS.mmm"``. The "Test" button sends ``heartbeat`` and ``monitor`` null.
- **Healthchecks.io** (integration "Webhook", a body of your own from its placeholders), e.g.
  ``{"check": "$CODE", "name": $NAME_JSON, "status": "$STATUS", "now": "$NOW"}``, or
  ``{"now": "$NOW", "check": $JSON}`` (the check as its API shows it), or the same keys
  form-encoded. ``status`` is ``up`` or ``down``; ``now`` is UTC, ISO 8601.
- **Prometheus Alertmanager** (``webhook_config``, payload version 4; Grafana's webhook sends
  the same shape): ``{"version": "4", "status", "alerts": [{"status": "firing"|"resolved",
  "labels", "annotations", "startsAt", "endsAt", "fingerprint"}, …], …}``.

Each message gets a ``key`` from what identifies it (Alertmanager: fingerprint, status and
startsAt; Uptime Kuma: monitor id, status and heartbeat time; Healthchecks: check, status and
time), so a retry of the same message is recognised.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

from django.http import QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.translation import gettext, gettext_noop

from journal.hooks.models import HookFormat
from journal.hooks.said import Said, said

DOWN, UP = "down", "up"


class BadBody(ValueError):
    """The body cannot be read as a monitor message; the line says why (journal.hooks.said:
    read in the language active when it is turned into text)."""

    def __init__(self, line: str, /, **values):
        super().__init__(line)
        self.line = said(line, **values)

    def __str__(self) -> str:
        return str(self.line)


@dataclass(frozen=True)
class Message:
    subject: str  # what is monitored: "kuma:12", "hc:<uuid>", "am:<fingerprint>"
    state: str  # DOWN, UP, or "" (not a change of state: pending, maintenance, paused …)
    at: datetime | None  # when, as the sender says (None: not given)
    name: str  # the monitor's, check's or alert's name
    text: str  # what it said
    identity: str  # what makes this message itself (hashed into ``key``)
    at_text: str = ""  # the time as written in the body (for a refusal message)

    @property
    def key(self) -> str:
        return hashlib.sha256(self.identity.encode("utf-8", "replace")).hexdigest()


@dataclass
class Reading:
    format: str
    messages: list[Message] = field(default_factory=list)
    note: Said | None = None  # e.g. "a test message": nothing to record


def read(body: bytes, content_type: str, chosen: str = HookFormat.AUTO, received_at: datetime | None = None) -> Reading:
    """The messages in ``body``, or BadBody with the reason."""
    document = _document(body, content_type)
    fmt = chosen if chosen != HookFormat.AUTO else detect(document)
    if fmt == HookFormat.UPTIME_KUMA:
        return _uptime_kuma(document)
    if fmt == HookFormat.HEALTHCHECKS:
        return _healthchecks(document, received_at)
    if fmt == HookFormat.ALERTMANAGER:
        return _alertmanager(document)
    raise BadBody(gettext_noop("Unknown format %(format)s."), format=repr(fmt))


def _document(body: bytes, content_type: str) -> dict:
    """The body as a JSON object: JSON as such; a form's fields (Uptime Kuma's form-data puts
    its JSON in ``data``)."""
    kind = content_type.split(";")[0].strip().lower()
    if not body.strip():
        raise BadBody(gettext_noop("The body is empty."))
    if kind == "application/x-www-form-urlencoded":
        try:
            fields = QueryDict(body, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - any malformed form body is a bad body
            raise BadBody(gettext_noop("Not a readable form body (%(error)s)."), error=exc) from None
        return _form_document(fields)
    if kind == "multipart/form-data":
        meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
        try:
            fields, _ = MultiPartParser(meta, BytesIO(body), [], "utf-8").parse()
        except (MultiPartParserError, ValueError) as exc:
            raise BadBody(gettext_noop("Not a readable multipart body (%(error)s)."), error=exc) from None
        return _form_document(fields)
    try:
        document = json.loads(body)
    except UnicodeDecodeError:
        raise BadBody(gettext_noop("Not JSON: the bytes are not UTF-8 text.")) from None
    except ValueError as exc:
        raise BadBody(gettext_noop("Not JSON: %(error)s."), error=exc) from None
    if not isinstance(document, dict):
        raise BadBody(gettext_noop("Expected a JSON object, got a JSON %(type)s."), type=type(document).__name__)
    return document


def _form_document(fields) -> dict:
    if "data" in fields:  # Uptime Kuma's "multipart/form-data" preset
        try:
            document = json.loads(fields["data"])
        except ValueError as exc:
            raise BadBody(gettext_noop("The form field 'data' is not JSON: %(error)s."), error=exc) from None
        if not isinstance(document, dict):
            raise BadBody(gettext_noop("The form field 'data' is not a JSON object."))
        return document
    return {name: fields.get(name) for name in fields}


def detect(document: dict) -> str:
    if "alerts" in document:
        return HookFormat.ALERTMANAGER
    if "heartbeat" in document or "monitor" in document:
        return HookFormat.UPTIME_KUMA
    check = document.get("check")
    has_status = "status" in document or (isinstance(check, dict) and "status" in check)
    if has_status and any(k in document for k in ("check", "code", "uuid", "slug", "name")):
        return HookFormat.HEALTHCHECKS
    raise BadBody(
        gettext_noop(
            "Could not tell which monitor sent this: expected Uptime Kuma's heartbeat and monitor, "
            "Healthchecks' status with check (or code) and now, or Alertmanager's alerts list."
        )
    )


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value, what: str, naive_is_utc: bool = True) -> datetime:
    """An ISO 8601 / RFC 3339 time (nanoseconds cut to microseconds; a time without offset
    is UTC, as Uptime Kuma writes it), or BadBody naming ``what``."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise BadBody(gettext_noop("%(what)s is not a time: %(value)s."), what=what, value=repr(str(value)[:64]))
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadBody(
            gettext_noop("%(what)s is not an ISO 8601 time: %(value)s."), what=what, value=repr(value[:64])
        ) from None
    if moment.tzinfo is None:
        if not naive_is_utc:
            raise BadBody(gettext_noop("%(what)s has no UTC offset: %(value)s."), what=what, value=repr(value[:64]))
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadBody(
            gettext_noop("%(what)s is outside the calendar: %(value)s."), what=what, value=repr(value[:64])
        ) from None


def _text(value, limit: int = 2000) -> str:
    return value[:limit] if isinstance(value, str) else ("" if value is None else str(value)[:limit])


def _uptime_kuma(document: dict) -> Reading:
    heartbeat, monitor = document.get("heartbeat"), document.get("monitor")
    msg = _text(document.get("msg"))
    if heartbeat is None:
        msg = f" {msg}" if msg.strip() else ""
        if monitor is None:
            note = said(gettext_noop("Uptime Kuma sent a test message: nothing to record.%(msg)s"), msg=msg)
        else:
            note = said(
                gettext_noop(
                    "Uptime Kuma sent a message without a heartbeat (e.g. a certificate expiry): "
                    "nothing to record.%(msg)s"
                ),
                msg=msg,
            )
        return Reading(HookFormat.UPTIME_KUMA, note=note)
    if not isinstance(heartbeat, dict):
        raise BadBody(gettext_noop("Uptime Kuma: 'heartbeat' is not an object."))
    if not isinstance(monitor, dict):
        monitor = {}
    status = heartbeat.get("status")
    if isinstance(status, bool) or status not in (0, 1, 2, 3):
        raise BadBody(
            gettext_noop("Uptime Kuma: heartbeat status %(status)s is not 0, 1, 2 or 3."), status=repr(str(status)[:20])
        )
    monitor_id = heartbeat.get("monitorID", monitor.get("id"))
    if monitor_id is None or isinstance(monitor_id, (dict, list)):
        raise BadBody(gettext_noop("Uptime Kuma: the heartbeat names no monitor (monitorID)."))
    at = parse_time(heartbeat.get("time"), "Uptime Kuma: heartbeat time")
    name = _text(monitor.get("name"), 300) or f"Monitor {monitor_id}"
    state = {0: DOWN, 1: UP}.get(status, "")
    text = _text(heartbeat.get("msg")) or msg
    if status == 2:
        text = gettext("Pending (not yet down): %(text)s") % {"text": text}
    elif status == 3:
        text = gettext("Maintenance: %(text)s") % {"text": text}
    identity = f"kuma|{monitor_id}|{status}|{heartbeat.get('time')}"
    return Reading(
        HookFormat.UPTIME_KUMA,
        [Message(f"kuma:{monitor_id}", state, at, name, text, identity, str(heartbeat.get("time")))],
    )


def _healthchecks(document: dict, received_at: datetime | None) -> Reading:
    check = document.get("check")
    details = check if isinstance(check, dict) else {}
    code = next(
        (
            str(v)
            for v in (
                None if isinstance(check, dict) else check,
                document.get("code"),
                document.get("uuid"),
                details.get("uuid"),
                details.get("slug"),
                document.get("slug"),
                details.get("name"),
                document.get("name"),
            )
            if isinstance(v, (str, int)) and str(v).strip()
        ),
        None,
    )
    if code is None:
        raise BadBody(gettext_noop('Healthchecks: no check given (put "check": "$CODE" in the body).'))
    status = document.get("status", details.get("status"))
    if not isinstance(status, str):
        raise BadBody(gettext_noop('Healthchecks: no status given (put "status": "$STATUS" in the body).'))
    status = status.strip().lower()
    name = _text(document.get("name") or details.get("name"), 300) or code
    now = document.get("now") or document.get("time")
    at = parse_time(now, "Healthchecks: now") if now else None
    # Without a time, retries within the same minute are taken for one message.
    when = now if now else f"received {(received_at or datetime.now(UTC)):%Y-%m-%dT%H:%M}"
    state = status if status in (DOWN, UP) else ""
    text = gettext("Healthchecks: %(name)s is %(status)s.") % {"name": name, "status": status}
    if not state:
        text = gettext("Healthchecks: %(name)s is %(status)s (not up or down).") % {
            "name": name,
            "status": repr(status),
        }
    return Reading(
        HookFormat.HEALTHCHECKS, [Message(f"hc:{code}", state, at, name, text, f"hc|{code}|{status}|{when}", now or "")]
    )


def _alertmanager(document: dict) -> Reading:
    alerts = document.get("alerts")
    if not isinstance(alerts, list):
        raise BadBody(gettext_noop("Alertmanager: 'alerts' is not a list."))
    if not alerts:
        return Reading(
            HookFormat.ALERTMANAGER, note=said(gettext_noop("Alertmanager sent no alerts: nothing to record."))
        )
    messages = []
    for n, alert in enumerate(alerts):
        where = f"Alertmanager: alerts[{n}]"
        if not isinstance(alert, dict):
            raise BadBody(gettext_noop("%(where)s is not an object."), where=where)
        status = alert.get("status")
        if status not in ("firing", "resolved"):
            raise BadBody(
                gettext_noop("%(where)s.status %(status)s is not 'firing' or 'resolved'."),
                where=where,
                status=repr(str(status)[:20]),
            )
        labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
        annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
        fingerprint = alert.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            # Before Alertmanager 0.19 there was none: the labels identify the alert.
            fingerprint = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
        starts = alert.get("startsAt")
        starts_at = parse_time(starts, f"{where}.startsAt", naive_is_utc=False)
        if status == "firing":
            at, at_text = starts_at, starts
        else:
            ends = alert.get("endsAt")
            ended = isinstance(ends, str) and not ends.startswith("0001-")
            at = parse_time(ends, f"{where}.endsAt", naive_is_utc=False) if ended else None
            at_text = ends if ended else ""
        name = _text(labels.get("alertname"), 200) or "alert"
        if labels.get("instance"):
            name = f"{name} on {_text(labels['instance'], 95)}"
        summary = _text(annotations.get("summary") or annotations.get("description") or "")
        text = f"{name} {status}" + (f": {summary}" if summary else ".")
        messages.append(
            Message(
                f"am:{fingerprint[:64]}",
                DOWN if status == "firing" else UP,
                at,
                name,
                text,
                f"am|{fingerprint}|{status}|{starts}",
                str(at_text or ""),
            )
        )
    return Reading(HookFormat.ALERTMANAGER, messages)
