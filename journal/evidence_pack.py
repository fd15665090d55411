"""An incident's evidence as one ZIP: a summary of the timeline and totals (and how they were
computed), every notice and log excerpt verbatim, and a SHA-256 manifest of the files.

In ``summary.md`` every value a person typed is quoted on one line (JSON string syntax: line
breaks written ``\n``), so no text can pass for a line the journal computed. The summary is
written in the requester's language; the files it quotes stay as they were."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from journal.downtime import format_duration
from journal.models import Incident
from journal.timezones import get_zone

CHUNK = 1024 * 1024
# Line breaks str.splitlines() knows that JSON leaves unescaped.
_UNESCAPED_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._")[:80] or "file"


def quoted(text: str) -> str:
    """User text in double quotes on one line: quotes, backslashes and every line break escaped."""
    return json.dumps(text, ensure_ascii=False).translate(_UNESCAPED_BREAKS)


def summary(incident: Incident) -> str:
    zone = get_zone(incident.service.time_zone)
    totals, claims = incident.totals, incident.reconciliation()

    def at(moment) -> str:
        if not moment:
            return "—"
        try:
            return f"{timezone.localtime(moment, zone):%Y-%m-%d %H:%M:%S %Z}"
        except OverflowError:
            return _("out of range")

    service = incident.service
    claimed = _("- Provider claimed: %(duration)s") % {"duration": format_duration(totals.claimed_duration)}
    if totals.claimed:
        claimed = _("- Provider claimed: %(duration)s (%(start)s → %(end)s, the latest notice giving both)") % {
            "duration": format_duration(totals.claimed_duration),
            "start": at(totals.claimed.start),
            "end": at(totals.claimed.end),
        }
    lines = [
        _("# Incident %(title)s") % {"title": quoted(incident.title)},
        "",
        _("Text typed by people is quoted, with line breaks written \\n; every other line is computed."),
        "",
        _("- Provider › service: %(provider)s › %(service)s")
        % {"provider": quoted(service.provider.name), "service": quoted(service.name)},
        _("- Kind: %(kind)s; status: %(status)s")
        % {"kind": incident.get_kind_display(), "status": incident.get_status_display()},
        _("- Times below are in %(zone)s (the service's zone); every time is stored in UTC.")
        % {"zone": service.time_zone},
        "",
        _("## Totals"),
        "",
        _(
            "- Observed down: %(duration)s — the union of the down stretches "
            "(a down runs until the next up or degraded; repeated downs are not counted twice):"
        )
        % {"duration": format_duration(totals.observed)},
        *[f"  - {at(i.start)} → {at(i.end)} ({format_duration(i.duration)})" for i in totals.down],
        _("- First down → last up: %(duration)s (%(first)s → %(last)s)")
        % {"duration": format_duration(totals.span), "first": at(totals.first_down), "last": at(totals.last_up)},
        claimed,
        _("- Claimed − observed: %(duration)s") % {"duration": format_duration(totals.claimed_minus_observed)},
    ]
    if claims.false_statuses:
        lines += ["", _("## Status claimed while observed down"), ""]
        lines += [f"- {at(moment)}: {quoted(what)}" for moment, what in claims.false_statuses]
    lines += ["", _("## Timeline"), ""]
    lines += [
        f"- {at(e.at)} — {e.get_type_display()} ({e.get_source_display()}): {quoted(e.text)}"
        for e in incident.events.all()
    ]
    contacts = list(incident.support_contacts.all())
    if contacts:
        lines += ["", _("## Support contacts"), ""]
        lines += [_contact(c, at) for c in contacts]
    return "\n".join(lines) + "\n"


def _contact(contact, at) -> str:
    line = _("- %(at)s %(channel)s, opened by %(who)s") % {
        "at": at(contact.opened_at),
        "channel": contact.get_channel_display(),
        "who": contact.get_initiated_by_display().lower(),
    }
    if contact.response_time is not None:
        line += _(", first response after %(duration)s") % {"duration": format_duration(contact.response_time)}
    if contact.summary:
        line += f": {quoted(contact.summary)}"
    if contact.outcome:
        line += " " + _("Outcome: %(outcome)s") % {"outcome": quoted(contact.outcome)}
    return line


def build(incident: Incident):
    """A temporary file holding the ZIP (logs are copied in blocks, never held whole)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    manifest = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as pack:

        def add(name: str, chunks) -> None:
            digest = hashlib.sha256()
            with pack.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    digest.update(chunk)
                    member.write(chunk)
            manifest.append(f"{digest.hexdigest()}  {name}")

        add("summary.md", [summary(incident).encode("utf-8")])
        for number, notice in enumerate(incident.notices.all(), start=1):
            add(f"notices/{number:02d}.txt", [notice.raw_text.encode("utf-8")])
        for number, excerpt in enumerate(incident.log_excerpts.all(), start=1):
            with excerpt.raw.open("rb") as fh:
                add(f"logs/{number:02d}-{_safe(excerpt.name)}", iter(lambda fh=fh: fh.read(CHUNK), b""))
        pack.writestr("SHA256SUMS", "\n".join(manifest) + "\n")
    out.seek(0)
    return out
