"""An incident's evidence as one ZIP: a summary of the timeline and totals (and how they were
computed), every notice and log excerpt verbatim, and a SHA-256 manifest of the files."""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile

from django.utils import timezone

from journal.downtime import format_duration
from journal.models import Incident
from journal.timezones import get_zone

CHUNK = 1024 * 1024


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._")[:80] or "file"


def summary(incident: Incident) -> str:
    zone = get_zone(incident.service.time_zone)
    totals, claims = incident.totals, incident.reconciliation()

    def at(moment) -> str:
        return f"{timezone.localtime(moment, zone):%Y-%m-%d %H:%M:%S %Z}" if moment else "—"

    lines = [
        f"# {incident.title}",
        "",
        f"- Provider › service: {incident.service.provider.name} › {incident.service.name}",
        f"- Kind: {incident.get_kind_display()}; status: {incident.get_status_display()}",
        f"- Times below are in {incident.service.time_zone} (the service's zone); every time is stored in UTC.",
        "",
        "## Totals",
        "",
        f"- Observed down: {format_duration(totals.observed)} — the union of the down stretches "
        "(a down runs until the next up or degraded; repeated downs are not counted twice):",
        *[f"  - {at(i.start)} → {at(i.end)} ({format_duration(i.duration)})" for i in totals.down],
        f"- First down → last up: {format_duration(totals.span)} ({at(totals.first_down)} → {at(totals.last_up)})",
        f"- Provider claimed: {format_duration(totals.claimed_duration)}"
        + (
            f" ({at(totals.claimed.start)} → {at(totals.claimed.end)}, the latest notice giving both)"
            if totals.claimed
            else ""
        ),
        f"- Claimed − observed: {format_duration(totals.claimed_minus_observed)}",
    ]
    if claims.false_statuses:
        lines += ["", "## Status claimed while observed down", ""]
        lines += [f"- {at(moment)}: {what}" for moment, what in claims.false_statuses]
    lines += ["", "## Timeline", ""]
    lines += [
        f"- {at(e.at)} — {e.get_type_display()} ({e.get_source_display()}): {e.text}" for e in incident.events.all()
    ]
    contacts = list(incident.support_contacts.all())
    if contacts:
        lines += ["", "## Support contacts", ""]
        lines += [
            f"- {at(c.opened_at)} {c.get_channel_display()}, opened by {c.get_initiated_by_display().lower()}"
            + (f", first response after {format_duration(c.response_time)}" if c.response_time is not None else "")
            + (f": {c.summary}" if c.summary else "")
            + (f" Outcome: {c.outcome}" if c.outcome else "")
            for c in contacts
        ]
    return "\n".join(lines) + "\n"


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
