import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal import bounds
from journal.logs.lines import detect_encoding
from journal.notices import parse_notice
from journal.timezones import get_zone


def iso_utc(moment) -> str | None:
    return moment.astimezone(get_zone("UTC")).isoformat().replace("+00:00", "Z") if moment else None


class Command(BaseCommand):
    help = "Read what a provider's notice claims (start, end, approximate, target, cause) from a text file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--tz", default="UTC", help="Zone of times the notice names none for (default UTC).")
        parser.add_argument("--year", type=bounds.year_argument, help="Year of dates written without one.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, tz="UTC", year=None, format="text", **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            get_zone(tz)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(detect_encoding(raw), errors="replace")
        claim = parse_notice(text, tz, year)
        result = {
            "claimed_start": iso_utc(claim.start),
            "claimed_end": iso_utc(claim.end),
            "approximate": claim.approximate,
            "target": claim.target or None,
            "cause": claim.cause or None,
        }
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value if value is not None else '—'}")
