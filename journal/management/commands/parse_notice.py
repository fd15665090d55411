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
    help = (
        "Read what a provider's notice claims (start, end, approximate, target, cause) from a text file, "
        "with every window it states and why the reader is unsure, if it is."
    )

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
            "kind": claim.chosen.kind if claim.chosen else None,
            "confidence": claim.confidence,
            "unsure": claim.unsure,
            "reasons": list(claim.reasons),
            "windows": [
                {
                    "kind": w.kind,
                    "how": w.how,
                    "start": iso_utc(w.start),
                    "end": iso_utc(w.end),
                    "approximate": w.approximate,
                    "chosen": w is claim.chosen,
                    "text": w.text,
                }
                for w in claim.windows
            ],
            "updates": [{"status": u.status, "posted": iso_utc(u.posted), "text": u.text} for u in claim.updates],
        }
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for key in ("claimed_start", "claimed_end", "approximate", "target", "cause", "kind", "confidence"):
            self.stdout.write(f"{key}: {result[key] if result[key] is not None else '—'}")
        for reason in claim.reasons:
            self.stdout.write(f"unsure: {reason}")
        for window in result["windows"]:
            mark = "*" if window["chosen"] else "-"
            self.stdout.write(
                f"{mark} {window['kind']} ({window['how']}): {window['start']} → {window['end'] or '—'}"
                f"{' approximate' if window['approximate'] else ''}  {window['text']}"
            )
        for update in result["updates"]:
            self.stdout.write(f"  {update['status']}: posted {update['posted'] or '—'}")
