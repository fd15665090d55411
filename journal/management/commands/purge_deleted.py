"""Delete for good what was deleted (soft) longer ago than --older-than: providers, services,
incidents, everything that belongs to them, and log files no excerpt uses any more."""

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from journal.housekeeping import purge
from journal.housekeeping.models import UNDO_DAYS

UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_age(text: str) -> timedelta:
    """“30d”, “12h”, “90m” (a bare number is days)."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*([dhm]?)\s*", text)
    if not match:
        raise CommandError(f"--older-than: {text!r} is not an age like 30d, 12h or 90m.")
    return timedelta(**{UNITS[match.group(2) or "d"]: int(match.group(1))})


class Command(BaseCommand):
    help = "Really delete providers, services and incidents deleted longer ago than --older-than."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default=f"{UNDO_DAYS}d", help=f"e.g. 30d, 12h (default {UNDO_DAYS}d).")

    def handle(self, *args, older_than: str, **options):
        cutoff = timezone.now() - parse_age(older_than)
        counts = purge.purge(cutoff)
        self.stdout.write(
            f"Purged {counts['providers']} provider(s), {counts['services']} service(s) and "
            f"{counts['incidents']} incident(s) deleted before {cutoff:%Y-%m-%d %H:%M} UTC."
        )
