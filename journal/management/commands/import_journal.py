from django.core.management.base import BaseCommand, CommandError

from journal.portability import DocumentError, import_document, parse


class Command(BaseCommand):
    help = "Add the contents of an exported JSON document; nothing is imported if any part is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 ({exc})") from None
        try:
            counts = import_document(parse(text))
        except DocumentError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        self.stdout.write(
            f"Imported {counts['providers']} providers, {counts['services']} services, "
            f"{counts['incidents']} incidents ({counts['incidents_skipped']} already present)."
        )
