"""Log reading off the request (journal.tasks): the upload returns at once with the excerpt
queued, the pages poll while it is read, a stalled reading is queued again, and the
database backend's worker reads what was queued, then puts it into the text index."""

import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal import demo
from journal.models import LogExcerpt
from journal.tasks import enqueue_reading, requeue_stalled
from tests.factories import IncidentFactory, LogExcerptFactory, UserFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
POLL = {"HX-Request": "true"}


def upload(client, incident, data: bytes = demo.FREEBSD_SYSLOG.encode()):
    return client.post(f"/incidents/{incident.pk}/logs/new/", {"logs-file": SimpleUploadedFile("messages", data)})


def poll(client, excerpt):
    return client.get(excerpt.get_absolute_url(), headers=POLL | {"HX-Target": f"reading-{excerpt.pk}"})


def test_an_upload_returns_at_once_with_the_excerpt_queued_and_the_page_polling(client_alice):
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    response = upload(client_alice, incident)  # on_commit never runs here: nothing is read
    assert response.status_code == 302
    excerpt = LogExcerpt.objects.get()
    assert (excerpt.state, excerpt.line_count, excerpt.lines.count()) == ("queued", 0, 0)
    page = client_alice.get(incident.get_absolute_url()).content.decode()
    assert f'id="reading-{excerpt.pk}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Queued: the lines will be read by a worker." in page
    assert '<a href="">Refresh</a>' in page
    assert "0 lines" not in page


def test_the_poll_says_how_many_lines_are_read_so_far_then_refreshes_the_page(client_alice):
    excerpt = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode())
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="reading", state_since=timezone.now())
    cache.set(excerpt.progress_key, (5000, timezone.now()))
    response = poll(client_alice, excerpt)
    assert text_of(response) == "Reading… 5000 lines so far. Refresh"
    assert "<html" not in response.content.decode()
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="read")
    done = poll(client_alice, excerpt)
    assert (done.status_code, done["HX-Refresh"]) == (200, "true")


def test_a_failed_reading_shows_its_reason_and_is_not_polled(client_alice):
    excerpt = LogExcerptFactory()
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="failed", failure="gzip: damaged <data>")
    page = client_alice.get(excerpt.get_absolute_url()).content.decode()
    assert "Reading failed: gzip: damaged &lt;data&gt;" in page
    assert "hx-trigger" not in page


def test_the_upload_is_read_on_commit_with_the_service_zone(client_alice, django_capture_on_commit_callbacks):
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_alice, incident)
    excerpt = LogExcerpt.objects.get()
    assert (excerpt.state, excerpt.line_count, excerpt.parsed_count) == ("read", 19, 16)
    assert (excerpt.time_zone, excerpt.lines.count()) == ("Asia/Tokyo", 19)
    assert cache.get(excerpt.progress_key) is None
    page = client_alice.get(excerpt.get_absolute_url()).content.decode()
    assert "reading-" not in page and "hx-trigger" not in page


def test_a_reading_without_progress_for_too_long_is_queued_again_with_what_it_was_asked(settings):
    settings.LOG_READING_STALLED_AFTER = 900
    now = timezone.now()
    stalled, busy, recent = (LogExcerptFactory(name=name) for name in ("stalled", "busy", "recent"))
    LogExcerpt.objects.filter(pk__in=[stalled.pk, busy.pk]).update(
        state="reading", state_since=now - timedelta(seconds=901), reading_zone="UTC", reading_year=2011
    )
    LogExcerpt.objects.filter(pk=recent.pk).update(state="reading", state_since=now - timedelta(seconds=60))
    cache.set(busy.progress_key, (10_000, now - timedelta(seconds=30)))
    assert [e.name for e in requeue_stalled()] == ["stalled"]
    assert list(LogExcerpt.objects.order_by("name").values_list("name", "state", "reading_zone", "reading_year")) == [
        ("busy", "reading", "UTC", 2011),
        ("recent", "reading", "", None),
        ("stalled", "queued", "UTC", 2011),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_reads_what_the_upload_queued_and_what_a_killed_worker_left(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(UserFactory(username="alice"))
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    upload(client, incident)
    uploaded = LogExcerpt.objects.get()
    assert (uploaded.state, uploaded.lines.count()) == ("queued", 0)
    assert DBTaskResult.objects.get().status == "READY"
    killed = LogExcerptFactory(incident=incident, name="killed", data=b"Jul 20 09:59:01 host a: x\n", indexed=False)
    enqueue_reading(killed, "UTC", 2011)
    DBTaskResult.objects.filter(args_kwargs__args=[killed.pk]).update(status="RUNNING")  # its worker died
    LogExcerpt.objects.filter(pk=killed.pk).update(state="reading", state_since=timezone.now() - timedelta(hours=1))

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")

    uploaded.refresh_from_db()
    killed.refresh_from_db()
    assert (uploaded.state, uploaded.line_count, uploaded.lines.count()) == ("read", 19, 19)
    assert (killed.state, killed.lines.count(), killed.time_zone, killed.year) == ("read", 1, "UTC", 2011)
    done = DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("task_path", flat=True)
    assert sorted(done) == ["journal.tasks.index_log_text"] * 2 + ["journal.tasks.read_log"] * 2
    if connection.vendor == "sqlite":  # each reading is followed by its text index
        assert uploaded.text_indexed_at is not None and killed.text_indexed_at is not None


def test_renaming_while_the_lines_are_queued_keeps_the_reading_queued(client_alice):
    excerpt = LogExcerptFactory(data=b"Jul 20 08:12:37 host sshd[1205]: bye\n")
    enqueue_reading(excerpt, "UTC", 2011)  # on_commit never runs here: it stays queued
    client_alice.post(
        f"/incidents/{excerpt.incident_id}/logs/{excerpt.pk}/edit/",
        {"logs-name": "renamed", "logs-version": excerpt.version},
    )
    excerpt.refresh_from_db()
    assert (excerpt.name, excerpt.state) == ("renamed", "queued")
    assert (excerpt.reading_zone, excerpt.reading_year) == ("UTC", 2011)


ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_killed_mid_reading_leaves_no_line_and_the_next_worker_reads_it_again(tmp_path):
    """`manage.py worker` in a process of its own, on a journal of its own (SQLite in
    tmp_path), killed with SIGKILL once it has reported its first lines read."""
    from benchmarks import syslog_gen

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}} | {
        "DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "journal.settings",
    }

    def manage(*args, **kwargs):
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, **kwargs)

    manage("migrate", "--noinput", "-v", "0")
    log = tmp_path / "messages"
    syslog_gen.write(str(log), 200_000)
    queue = (
        "from tests.factories import IncidentFactory; from journal.models import LogExcerpt; "
        "from journal.tasks import enqueue_reading; "
        "e = LogExcerpt(incident=IncidentFactory(service__time_zone='UTC'), name='messages', state='queued'); "
        f"e.store_stream([open({str(log)!r}, 'rb').read()]); enqueue_reading(e, 'UTC', 2024)"
    )
    manage("shell", "-c", queue)
    worker = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "-v", "0"]
    process = subprocess.Popen(worker, cwd=ROOT, env=env)
    cache = data / "cache"
    deadline = time.monotonic() + 120
    while not (cache.exists() and any(cache.iterdir())) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first progress report: 5,000 lines read, none committed
    process.kill()
    process.wait()
    database = sqlite3.connect(data / "journal.sqlite3")
    assert database.execute("SELECT state, line_count FROM journal_logexcerpt").fetchall() == [("reading", 0)]
    assert database.execute("SELECT count(*) FROM journal_logline").fetchone() == (0,)

    env["LOG_READING_STALLED_AFTER"] = "0"
    done = manage("worker", "--batch", "--no-reload", "--no-startup-delay")
    assert "Queued again: log excerpt 1 (messages), stalled while reading." in done.stdout
    assert database.execute("SELECT state, line_count, year FROM journal_logexcerpt").fetchall() == [
        ("read", 200_000, 2024)
    ]
    assert database.execute("SELECT count(*) FROM journal_logline").fetchone() == (200_000,)
