"""The task worker: django-tasks-db's db_worker (same options), which first queues again the
log readings and jobs a killed worker left stalled (journal.tasks.requeue_stalled,
requeue_stalled_jobs) and removes expired export and import files."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from journal.tasks import remove_expired_files, requeue_stalled, requeue_stalled_jobs


class Command(DbWorker):
    help = "Queue stalled log readings and jobs again, then run the database task worker (see db_worker --help)."

    def handle(self, *args, **options) -> None:
        for excerpt in requeue_stalled():
            self.stdout.write(f"Queued again: log excerpt {excerpt.pk} ({excerpt.name}), stalled while reading.")
        for job in requeue_stalled_jobs():
            self.stdout.write(f"Queued again: {job.get_kind_display()} {job.pk}, stalled while running.")
        remove_expired_files()
        super().handle(*args, **options)
