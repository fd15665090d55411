from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from journal.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Copy the journal while it runs into a new DIRECTORY: the database (SQLite backup API, "
        "or pg_dump on PostgreSQL), verified, and the uploaded files as uploads.tar."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new (or empty) directory for the copy.")

    def handle(self, *args, directory: Path, **options):
        try:
            backup = make_backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up to {backup.directory}: {backup.database.name} ({len(backup.tables)} tables, verified), "
            f"{backup.uploads.name} ({backup.files} files)."
        )
