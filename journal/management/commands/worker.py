"""The task worker: django-tasks-db's db_worker (same options), which first queues again the
log readings a killed worker left stalled (journal.tasks.requeue_stalled)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from journal.tasks import requeue_stalled


class Command(DbWorker):
    help = "Queue stalled log readings again, then run the database task worker (see db_worker --help)."

    def handle(self, *args, **options) -> None:
        for excerpt in requeue_stalled():
            self.stdout.write(f"Queued again: log excerpt {excerpt.pk} ({excerpt.name}), stalled while reading.")
        super().handle(*args, **options)
