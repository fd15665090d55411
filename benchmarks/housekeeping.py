"""Deleting, undoing and purging the largest provider of a generated journal (1,000
incidents by default; benchmarks/journal_gen.py), in a throwaway DATA_DIR (SQLite) or, with
DATABASE_URL set, a throwaway PostgreSQL database. Through Django's test client (DEBUG off):
the confirmation page, the delete (POST), the Undo (POST), the delete again, then
``purge_deleted`` once the deletion is 31 days old: its time and queries, the rows it took
(events, notices, contacts, log excerpts and lines), the audit's "deleted" records it wrote,
and the log files it removed from disk. Prints one line per figure.

    python benchmarks/housekeeping.py [incidents]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.journal_gen import USERS, build, database_vendor, throwaway_journal  # noqa: E402


def measure() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from journal.housekeeping.models import Deletion
    from journal.models import (
        Incident,
        LogExcerpt,
        LogLine,
        Provider,
        ProviderNotice,
        Service,
        SupportContact,
        TimelineEvent,
    )
    from journal.roles import Role, set_role

    user = get_user_model().objects.get(username=USERS[0])
    set_role(user, Role.EDITOR)  # generated users are viewers
    client = Client()
    client.force_login(user)
    provider = Provider.objects.annotate(n=Count("services__incidents")).order_by("-n", "pk")[0]
    incidents = Incident.objects.filter(service__provider=provider)
    figures = {
        "incidents": incidents.count(),
        "events": TimelineEvent.objects.filter(incident__in=incidents).count(),
        "log_lines": LogLine.objects.filter(excerpt__incident__in=incidents).count(),
        "journal_incidents": Incident.objects.count(),
    }

    def timed(name, method, url):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method)(url)
        figures[f"{name}_ms"] = round((time.perf_counter() - started) * 1000, 1)
        figures[f"{name}_queries"] = len(ctx.captured_queries)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{name}: {url} answered {response.status_code}")

    timed("confirm_page", "get", f"/providers/{provider.pk}/delete/")
    timed("delete", "post", f"/providers/{provider.pk}/delete/")
    assert Incident.objects.filter(service__provider_id=provider.pk).count() == 0
    timed("dashboard_after_delete", "get", "/")
    deletion = Deletion.objects.get()
    timed("undo", "post", f"/deleted/{deletion.pk}/undo/")
    assert Incident.objects.filter(service__provider_id=provider.pk).count() == figures["incidents"]
    timed("delete_again", "post", f"/providers/{provider.pk}/delete/")
    old = timezone.now() - timedelta(days=31)
    for model in (Provider, Service, Incident):
        model.all_objects.filter(removed_at__isnull=False).update(removed_at=old)
    counted = {
        "events": TimelineEvent.objects,
        "notices": ProviderNotice.all_objects,
        "contacts": SupportContact.all_objects,
        "log_excerpts": LogExcerpt.all_objects,
        "log_lines": LogLine.objects,
    }
    rows = {name: manager.count() for name, manager in counted.items()}
    records = _deleted_records()
    uploads = Path(settings.MEDIA_ROOT)
    files = sum(1 for path in uploads.rglob("*") if path.is_file())
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        call_command("purge_deleted", "--older-than", "30d", verbosity=0)
    figures["purge_ms"] = round((time.perf_counter() - started) * 1000, 1)
    figures["purge_queries"] = len(ctx.captured_queries)
    for name, manager in counted.items():
        figures[f"purged_{name}"] = rows[name] - manager.count()
    figures["purge_deleted_records_written"] = _deleted_records() - records
    figures["purge_log_files_removed"] = files - sum(1 for path in uploads.rglob("*") if path.is_file())
    figures["journal_incidents_after_purge"] = Incident.all_objects.count()
    return figures


def _deleted_records() -> int:
    """The audit's "deleted" records, of every model with a history."""
    from django.apps import apps

    return sum(
        model.history.filter(history_type="-").count()
        for model in apps.get_app_config("journal").get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    )


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000
    with throwaway_journal("housekeeping") as env:
        build(env, size)
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), "--measure"], env=env, check=True, stdout=subprocess.PIPE, text=True
        ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    for name, value in figures.items():
        print(f"housekeeping {database_vendor()} {size}: {name} = {value}")


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    else:
        main()
