"""An incident as a Markdown postmortem: totals, claimed vs observed, the timeline, the
provider's notices quoted verbatim, support contacts, and every log line an event was accepted
from, cited by its line number in the excerpt and the excerpt's SHA-256.

Built from the same domain objects as the incident page (Incident.totals, reconciliation,
format_duration), so its figures are the page's. Everything a person typed or a provider wrote
goes through journal.exports.markdown: no text can pass for a line the journal computed. It is
written in the requester's language (headings, labels, durations); quoted text stays as written."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

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
            return _("out of range")


def build(incident: Incident) -> str:
    """The postmortem text. Needs the incident as journal.views.access.incident_for_page reads
    it (events with their log lines, notices, excerpts, support contacts)."""
    at = _Clock(incident.service.time_zone)
    totals, claims = incident.totals, incident.reconciliation()
    service = incident.service
    started = _("- Started: %(at)s") % {"at": at(incident.started_at)}
    if incident.resolved_at:
        started = _("- Started: %(at)s; resolved: %(resolved)s") % {
            "at": at(incident.started_at),
            "resolved": at(incident.resolved_at),
        }
    lines = [
        _("# Postmortem: %(title)s") % {"title": inline(incident.title)},
        "",
        _("- Provider › service: %(provider)s › %(service)s")
        % {"provider": inline(service.provider.name), "service": inline(service.name)},
        _("- Kind: %(kind)s; status: %(status)s")
        % {"kind": incident.get_kind_display(), "status": incident.get_status_display()},
        started,
        _("- Times are in %(zone)s (the service's zone); the journal stores them in UTC.")
        % {"zone": service.time_zone},
        _("- Incident %(uid)s") % {"uid": code(str(incident.uid))},
        "",
        _(
            "Quoted text (“…”) and quoted blocks are what people and the provider wrote; "
            "every other line is computed by the journal."
        ),
        "",
        _("## Totals"),
        "",
        _(
            "- **Observed down: %(duration)s** — the union of the down stretches "
            "(a down runs until the next up or degraded; repeated downs are not counted twice):"
        )
        % {"duration": format_duration(totals.observed)},
        *[f"  - {at(i.start)} → {at(i.end)} ({format_duration(i.duration)})" for i in totals.down],
    ]
    if totals.degraded:
        lines.append(_("- Degraded, counted apart: %(duration)s") % {"duration": format_duration(totals.degraded_time)})
    if totals.claimed:
        claimed = _("- Provider claimed: %(duration)s (%(start)s → %(end)s, the latest notice giving both)") % {
            "duration": format_duration(totals.claimed_duration),
            "start": at(totals.claimed.start),
            "end": at(totals.claimed.end),
        }
    else:
        claimed = _("- Provider claimed: %(duration)s (no notice gives a start and an end)") % {
            "duration": format_duration(totals.claimed_duration)
        }
    lines += [
        _("- First down → last up: %(duration)s (%(first)s → %(last)s)")
        % {"duration": format_duration(totals.span), "first": at(totals.first_down), "last": at(totals.last_up)},
        claimed,
        _("- Claimed − observed: %(duration)s") % {"duration": format_duration(totals.claimed_minus_observed)},
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
            _("- Start: the provider says %(claimed)s, first observed down %(observed)s (%(gap)s)")
            % {
                "claimed": at(claims.claimed.start),
                "observed": at(totals.first_down),
                "gap": _gap(claims.start_gap, positive_is_earlier=True),
            }
        )
    if claims.end_gap is not None:
        found.append(
            _("- End: the provider says %(claimed)s, last observed up %(observed)s (%(gap)s)")
            % {
                "claimed": at(claims.claimed.end),
                "observed": at(totals.last_up),
                "gap": _gap(claims.end_gap, positive_is_earlier=False),
            }
        )
    if claims.claimed:
        found.append(
            _("- Observed downtime outside the claimed window: %(duration)s")
            % {"duration": format_duration(claims.outside)}
            if claims.outside
            else _("- All observed downtime falls inside the claimed window.")
        )
    if claims.notice_latency is not None:
        found.append(
            _("- The first notice was retrieved %(duration)s after the first observed down.")
            % {"duration": format_duration(claims.notice_latency)}
        )
    found += [
        _("- Status claimed at %(at)s while observed down: %(what)s") % {"at": at(when), "what": inline(what)}
        for when, what in claims.false_statuses
    ]
    return ["", _("## Claimed vs observed"), "", *found] if found else []


def _gap(gap, positive_is_earlier: bool) -> str:
    """How the claim stands beside what was observed: a positive gap is an earlier claim for a
    start (``positive_is_earlier``), a later one for an end."""
    seconds = gap.total_seconds()
    if seconds == 0:
        return _("the same")
    values = {"duration": format_duration(abs(gap))}
    if (seconds > 0) == positive_is_earlier:
        return _("the claim is %(duration)s earlier") % values
    return _("the claim is %(duration)s later") % values


def _timeline(incident: Incident, at) -> list[str]:
    lines = ["", _("## Timeline"), ""]
    events = list(incident.events.all())
    if not events:
        return [*lines, _("No events recorded.")]
    for event in events:
        line = f"- {at(event.at)} — **{event.get_type_display()}** ({event.get_source_display()})"
        if event.text:
            line += f": {inline(event.text)}"
        if event.log_line_id and event.log_line:
            line += " " + _("[log %(log)s, line %(line)s]") % {
                "log": event.log_line.excerpt_id,
                "line": event.log_line.number,
            }
        lines.append(line)
    return lines


def _notices(incident: Incident, at) -> list[str]:
    notices = list(incident.notices.all())
    if not notices:
        return []
    lines = ["", _("## Provider notices"), ""]
    for number, notice in enumerate(notices, start=1):
        lines.append(_("### Notice %(number)s, retrieved %(at)s") % {"number": number, "at": at(notice.retrieved_at)})
        lines.append("")
        if notice.url:
            lines.append(f"- URL: {inline(notice.url)}")
        if notice.claimed_start or notice.claimed_end:
            approx = " " + _("(approximate)") if notice.approximate else ""
            duration = f", {format_duration(notice.claimed_duration)}" if notice.claimed_duration else ""
            claims = _("- Claims %(start)s → %(end)s") % {
                "start": at(notice.claimed_start),
                "end": at(notice.claimed_end),
            }
            lines.append(claims + duration + approx)
        if notice.target:
            lines.append(_("- Affected: %(target)s") % {"target": inline(notice.target)})
        if notice.cause:
            lines.append(_("- Cause given: %(cause)s") % {"cause": inline(notice.cause)})
        lines.append(_("- SHA-256 of the text: %(digest)s") % {"digest": code(notice.sha256)})
        lines += ["", verbatim(notice.raw_text)]
    return lines


def _contacts(incident: Incident, at) -> list[str]:
    contacts = list(incident.support_contacts.all())
    if not contacts:
        return []
    lines = ["", _("## Support contacts"), ""]
    for contact in contacts:
        line = _("- %(at)s %(channel)s, opened by %(who)s") % {
            "at": at(contact.opened_at),
            "channel": contact.get_channel_display(),
            "who": contact.get_initiated_by_display().lower(),
        }
        if contact.response_time is not None:
            line += _("; first response after %(duration)s") % {"duration": format_duration(contact.response_time)}
        if contact.resolved_at:
            line += _("; resolved %(at)s") % {"at": at(contact.resolved_at)}
        if contact.helpfulness:
            line += _("; helpfulness %(score)s/5") % {"score": contact.helpfulness}
        if contact.ticket_ref:
            line += _("; ticket %(ref)s") % {"ref": inline(contact.ticket_ref)}
        if contact.summary:
            line += _(". Summary: %(summary)s") % {"summary": inline(contact.summary)}
        if contact.outcome:
            line += _(". Outcome: %(outcome)s") % {"outcome": inline(contact.outcome)}
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
    lines = ["", _("## Logs"), ""]
    for pk, excerpt in excerpts.items():
        lines.append(
            _("- [log %(log)s] %(name)s: %(lines)s lines, %(size)s bytes, SHA-256 %(digest)s")
            % {
                "log": pk,
                "name": inline(excerpt.name),
                "lines": excerpt.line_count,
                "size": excerpt.size,
                "digest": code(excerpt.sha256),
            }
        )
    for pk, cited_lines in cited.items():
        excerpt = excerpts[pk]
        unique = sorted({line.number: line for line in cited_lines}.values(), key=lambda line: line.number)
        heading = _("### Lines cited from %(name)s (SHA-256 %(digest)s)") % {
            "name": inline(excerpt.name),
            "digest": code(excerpt.sha256),
        }
        lines += ["", heading, ""]
        lines.append(verbatim("\n".join(f"{line.number:>7}  {line.text}" for line in unique)))
    return lines
