"""The status watcher's scheduler: queues due polls for the task worker (`manage.py worker`)."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from journal.watcher.tasks import enqueue_due


class Command(BaseCommand):
    help = "Every --every seconds, queue a poll of each status source that is due (the worker runs them)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=30.0, help="Seconds between checks (default 30).")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args, every: float, once: bool, **options) -> None:
        while True:
            try:
                queued = enqueue_due()
            except DatabaseError as exc:  # the database away for a moment: try again next time
                if once:
                    raise
                self.stderr.write(f"Could not queue polls: {exc}")
                queued = 0
            if queued or once:
                self.stdout.write(f"Queued {queued} poll(s).")
            if once:
                return
            time.sleep(every)
