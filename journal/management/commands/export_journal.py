import json
import sys

from django.core.management.base import BaseCommand

from journal.portability import export_document


class Command(BaseCommand):
    help = "Write the whole journal as one JSON document (to FILE, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; standard output when left out.")

    def handle(self, *args, file=None, **options):
        text = json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n"
        if file in (None, "-"):
            sys.stdout.write(text)
        else:
            with open(file, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(f"Exported to {file}.")
