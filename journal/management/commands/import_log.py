import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from journal import bounds
from journal.logs.importer import read_excerpt
from journal.logs.lines import LogReadError, read_blocks
from journal.models import Incident, LogExcerpt
from journal.tasks import enqueue_indexing
from journal.timezones import get_zone


def iso_utc(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


class Command(BaseCommand):
    help = "Store a log file verbatim on an incident, read every line, and report what it proves."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--incident", type=int, required=True, help="The incident's id.")
        parser.add_argument("--tz", help="Zone of times written without one (default: the service's).")
        parser.add_argument(
            "--year", type=bounds.year_argument, help="Year of times written without one (default: the incident's)."
        )
        parser.add_argument("--accept", action="store_true", help="Put the suggested events on the timeline.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, path, incident, tz=None, year=None, accept=False, format="text", **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{path}: no such file")
        if not source.is_file():
            raise CommandError(f"{path}: not a file")
        found = Incident.objects.select_related("service").filter(pk=incident).first()
        if found is None:
            raise CommandError(f"no incident with id {incident}")
        if tz:
            try:
                get_zone(tz)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        progress = None
        if options["verbosity"] >= 2:  # lines read so far, after each batch, on stderr

            def progress(lines: int) -> None:
                self.stderr.write(f"read {lines} lines")
                self.stderr.flush()

        with transaction.atomic():  # a process killed half-way leaves no excerpt
            excerpt = LogExcerpt(incident=found, name=source.name)
            with source.open("rb") as fh:
                excerpt.store_stream(read_blocks(fh))
            try:
                reading = read_excerpt(excerpt, tz, year, progress=progress)
            except LogReadError as exc:
                raise CommandError(f"{path}: {exc}") from None
            accepted, skipped = found.accept_suggestions(excerpt) if accept else (0, 0)
            enqueue_indexing(excerpt)  # a worker puts the lines into the text index
        summary = {
            "excerpt": excerpt.pk,
            "lines": reading.lines,
            "parsed": reading.parsed,
            "unparsed": reading.unparsed,
            "encoding": reading.encoding,
            "compression": reading.compression,
            "warnings": reading.warnings,
            "formats": dict(reading.formats.most_common()),
            "first_at": iso_utc(reading.first_at),
            "last_at": iso_utc(reading.last_at),
            "sha256": excerpt.sha256,
            "events": [
                {"type": s.type, "at": iso_utc(s.at), "line": s.line, "text": s.text} for s in reading.suggestions
            ],
        }
        if accept:
            summary |= {"accepted": accepted, "left_pending": skipped}
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        read_as = ", ".join(filter(None, [summary["encoding"], summary["compression"]]))
        formats = ", ".join(f"{k} {v}" for k, v in summary["formats"].items()) or "no format"
        self.stdout.write(
            f"{source.name}: {summary['lines']} lines, {summary['parsed']} parsed, {summary['unparsed']} unparsed "
            f"({read_as}; {formats})"
        )
        for warning in summary["warnings"]:
            self.stdout.write(f"  warning: {warning}")
        for event in summary["events"]:
            self.stdout.write(f"  {event['type']:<11} {event['at']}  line {event['line']}: {event['text']}")
        if accept:
            kept = f"; {skipped} left pending: they match events already on its timeline" if skipped else ""
            self.stdout.write(f"Accepted {accepted} events onto incident {found.pk}{kept}.")
