import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from journal.portability import write_document


class Command(BaseCommand):
    help = "Write the whole journal as one JSON document (to FILE, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; standard output when left out.")

    def handle(self, *args, file=None, **options):
        """Streamed: incidents a chunk at a time, logs a block at a time. A FILE is written
        beside itself under a temporary name and renamed once complete, so it is never seen
        half-written."""
        if file in (None, "-"):
            write_document(sys.stdout)
            return
        target = Path(file)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            with partial.open("w", encoding="utf-8") as fh:
                write_document(fh)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"Exported to {file}.")
