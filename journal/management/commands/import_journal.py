from django.core.management.base import BaseCommand, CommandError

from journal.portability import DocumentError, import_file


class Command(BaseCommand):
    help = "Add the contents of an exported JSON document; nothing is imported if any part is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        """Read as it is imported (journal.jsonstream): memory stays flat whatever the size."""
        try:
            fh = open(file, "rb")  # noqa: SIM115  (closed below, after the import)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        progress = None
        if options["verbosity"] >= 2:

            def progress(incidents: int) -> None:
                self.stderr.write(f"imported {incidents} incidents")

        try:
            with fh:
                counts = import_file(fh, progress=progress)
        except DocumentError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        self.stdout.write(
            f"Imported {counts['providers']} providers, {counts['services']} services, "
            f"{counts['incidents']} incidents ({counts['incidents_skipped']} already present)."
        )
