"""An incident as a Markdown postmortem: totals, claimed vs observed, the timeline, the
provider's notices quoted verbatim, support contacts, and every log line an event was accepted
from, cited by its line number in the excerpt and the excerpt's SHA-256.

Built from the same domain objects as the incident page (Incident.totals, reconciliation,
format_duration), so its figures are the page's. Everything a person typed or a provider wrote
goes through journal.exports.markdown: no text can pass for a line the journal computed."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone

from journal.downtime import format_duration
from journal.exports.markdown import code, inline, verbatim
from journal.models import Incident
from journal.timezones import get_zone


def filename(incident: Incident) -> str:
    """``2012-07-20-vps-down-twice.md``: the start day and the title, ASCII letters and digits."""
    zone = get_zone(incident.service.time_zone)
    try:
        day = f"{timezone.localtime(incident.started_at, zone):%Y-%m-%d}-"
    except OverflowError:
        day = ""
    slug = re.sub(r"[^a-z0-9]+", "-", incident.title.lower()).strip("-")[:60].strip("-")
    return f"{day}{slug or f'incident-{incident.pk}'}.md"


class _Clock:
    """Times in the service's zone, as the incident page shows them beside each event."""

    def __init__(self, zone_name: str):
        self.zone = get_zone(zone_name)

    def __call__(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        try:
            return f"{timezone.localtime(moment, self.zone):%Y-%m-%d %H:%M:%S %Z}"
        except OverflowError:
            return "out of range"


def build(incident: Incident) -> str:
    """The postmortem text. Needs the incident as journal.views.access.incident_for_page reads
    it (events with their log lines, notices, excerpts, support contacts)."""
    at = _Clock(incident.service.time_zone)
    totals, claims = incident.totals, incident.reconciliation()
    service = incident.service
    lines = [
        f"# Postmortem: {inline(incident.title)}",
        "",
        f"- Provider › service: {inline(service.provider.name)} › {inline(service.name)}",
        f"- Kind: {incident.get_kind_display()}; status: {incident.get_status_display()}",
        f"- Started: {at(incident.started_at)}"
        + (f"; resolved: {at(incident.resolved_at)}" if incident.resolved_at else ""),
        f"- Times are in {service.time_zone} (the service's zone); the journal stores them in UTC.",
        f"- Incident {code(str(incident.uid))}",
        "",
        "Quoted text (“…”) and quoted blocks are what people and the provider wrote; "
        "every other line is computed by the journal.",
        "",
        "## Totals",
        "",
        f"- **Observed down: {format_duration(totals.observed)}** — the union of the down stretches "
        "(a down runs until the next up or degraded; repeated downs are not counted twice):",
        *[f"  - {at(i.start)} → {at(i.end)} ({format_duration(i.duration)})" for i in totals.down],
    ]
    if totals.degraded:
        lines.append(f"- Degraded, counted apart: {format_duration(totals.degraded_time)}")
    lines += [
        f"- First down → last up: {format_duration(totals.span)} ({at(totals.first_down)} → {at(totals.last_up)})",
        f"- Provider claimed: {format_duration(totals.claimed_duration)}"
        + (
            f" ({at(totals.claimed.start)} → {at(totals.claimed.end)}, the latest notice giving both)"
            if totals.claimed
            else " (no notice gives a start and an end)"
        ),
        f"- Claimed − observed: {format_duration(totals.claimed_minus_observed)}",
    ]
    lines += _claims(claims, totals, at)
    lines += _timeline(incident, at)
    lines += _notices(incident, at)
    lines += _contacts(incident, at)
    lines += _log_lines(incident)
    return "\n".join(lines).rstrip("\n") + "\n"


def _claims(claims, totals, at) -> list[str]:
    found = []
    if claims.start_gap is not None:
        found.append(
            f"- Start: the provider says {at(claims.claimed.start)}, first observed down {at(totals.first_down)} "
            f"({_gap(claims.start_gap, 'earlier', 'later')})"
        )
    if claims.end_gap is not None:
        found.append(
            f"- End: the provider says {at(claims.claimed.end)}, last observed up {at(totals.last_up)} "
            f"({_gap(claims.end_gap, 'later', 'earlier')})"
        )
    if claims.claimed:
        found.append(
            f"- Observed downtime outside the claimed window: {format_duration(claims.outside)}"
            if claims.outside
            else "- All observed downtime falls inside the claimed window."
        )
    if claims.notice_latency is not None:
        found.append(
            f"- The first notice was retrieved {format_duration(claims.notice_latency)} after the first observed down."
        )
    found += [
        f"- Status claimed at {at(when)} while observed down: {inline(what)}" for when, what in claims.false_statuses
    ]
    return ["", "## Claimed vs observed", "", *found] if found else []


def _gap(gap, positive: str, negative: str) -> str:
    seconds = gap.total_seconds()
    if seconds == 0:
        return "the same"
    return f"the claim is {format_duration(abs(gap))} {positive if seconds > 0 else negative}"


def _timeline(incident: Incident, at) -> list[str]:
    lines = ["", "## Timeline", ""]
    events = list(incident.events.all())
    if not events:
        return [*lines, "No events recorded."]
    for event in events:
        line = f"- {at(event.at)} — **{event.get_type_display()}** ({event.get_source_display()})"
        if event.text:
            line += f": {inline(event.text)}"
        if event.log_line_id and event.log_line:
            line += f" [log {event.log_line.excerpt_id}, line {event.log_line.number}]"
        lines.append(line)
    return lines


def _notices(incident: Incident, at) -> list[str]:
    notices = list(incident.notices.all())
    if not notices:
        return []
    lines = ["", "## Provider notices", ""]
    for number, notice in enumerate(notices, start=1):
        lines.append(f"### Notice {number}, retrieved {at(notice.retrieved_at)}")
        lines.append("")
        if notice.url:
            lines.append(f"- URL: {inline(notice.url)}")
        if notice.claimed_start or notice.claimed_end:
            approx = " (approximate)" if notice.approximate else ""
            duration = f", {format_duration(notice.claimed_duration)}" if notice.claimed_duration else ""
            lines.append(f"- Claims {at(notice.claimed_start)} → {at(notice.claimed_end)}{duration}{approx}")
        if notice.target:
            lines.append(f"- Affected: {inline(notice.target)}")
        if notice.cause:
            lines.append(f"- Cause given: {inline(notice.cause)}")
        lines.append(f"- SHA-256 of the text: {code(notice.sha256)}")
        lines += ["", verbatim(notice.raw_text)]
    return lines


def _contacts(incident: Incident, at) -> list[str]:
    contacts = list(incident.support_contacts.all())
    if not contacts:
        return []
    lines = ["", "## Support contacts", ""]
    for contact in contacts:
        line = (
            f"- {at(contact.opened_at)} {contact.get_channel_display()}, "
            f"opened by {contact.get_initiated_by_display().lower()}"
        )
        if contact.response_time is not None:
            line += f"; first response after {format_duration(contact.response_time)}"
        if contact.resolved_at:
            line += f"; resolved {at(contact.resolved_at)}"
        if contact.helpfulness:
            line += f"; helpfulness {contact.helpfulness}/5"
        if contact.ticket_ref:
            line += f"; ticket {inline(contact.ticket_ref)}"
        if contact.summary:
            line += f". Summary: {inline(contact.summary)}"
        if contact.outcome:
            line += f". Outcome: {inline(contact.outcome)}"
        lines.append(line)
    return lines


def _log_lines(incident: Incident) -> list[str]:
    """Each excerpt with its SHA-256, and the lines events were accepted from, by number."""
    excerpts = {e.pk: e for e in incident.log_excerpts.all()}
    cited: dict[int, list] = {}
    for event in incident.events.all():
        if event.log_line_id and event.log_line and event.log_line.excerpt_id in excerpts:
            cited.setdefault(event.log_line.excerpt_id, []).append(event.log_line)
    if not excerpts:
        return []
    lines = ["", "## Logs", ""]
    for pk, excerpt in excerpts.items():
        lines.append(
            f"- [log {pk}] {inline(excerpt.name)}: {excerpt.line_count} lines, {excerpt.size} bytes, "
            f"SHA-256 {code(excerpt.sha256)}"
        )
    for pk, cited_lines in cited.items():
        excerpt = excerpts[pk]
        unique = sorted({line.number: line for line in cited_lines}.values(), key=lambda line: line.number)
        lines += ["", f"### Lines cited from {inline(excerpt.name)} (SHA-256 {code(excerpt.sha256)})", ""]
        lines.append(verbatim("\n".join(f"{line.number:>7}  {line.text}" for line in unique)))
    return lines
