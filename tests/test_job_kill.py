"""A worker killed (SIGKILL) in the middle of a journal import leaves nothing of it, and the
worker started next imports it again from the start: the journal then holds the document
exactly once.

Real processes on a journal of their own (benchmarks.journal_gen.throwaway_journal: SQLite in a
temporary DATA_DIR, or with DATABASE_URL set a throwaway PostgreSQL database): a generated
journal is exported, emptied, and its document queued as an import job like the import page
queues one; `manage.py worker` runs it and is killed at its first progress report."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.journal_gen import throwaway_journal
from journal.portability import recover_killed_imports
from tests.factories import LogExcerptFactory

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = 300

QUEUE = """
import hashlib
from pathlib import Path
from django.conf import settings
from journal.models import Job
from journal.tasks import enqueue_job
path = Path(settings.DATA_DIR) / "imports" / "journal.json"
job = Job.objects.create(kind="import", file="imports/journal.json", name="journal.json",
                         size=path.stat().st_size, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
enqueue_job(job)
"""

STATE = """
import json
from django.apps import apps
from django.core.cache import cache
from journal.models import Incident, Job, LogExcerpt
rows = {model.__name__: model._base_manager.count() for model in apps.get_app_config("journal").get_models()
        if model is not Job}
uids = list(Incident.all_objects.values_list("uid", flat=True))
jobs = list(Job.objects.values("state", "attempts", "result"))
files = sorted(set(LogExcerpt.all_objects.values_list("raw", flat=True)))
progress = cache.get("job-progress-1", (0, None))[0]
print(json.dumps({"rows": rows, "uids": len(uids), "distinct_uids": len(set(uids)), "jobs": jobs, "files": files,
                  "progress": progress}))
"""


def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_worker_imports_it_once():
    with throwaway_journal("killed-import") as env:
        env = {name: value for name, value in env.items() if name != "TASKS_BACKEND"}
        data = Path(env["DATA_DIR"])

        def run(*command, **extra) -> str:
            done = subprocess.run(
                [sys.executable, *command], cwd=ROOT, env=env | extra, capture_output=True, text=True, check=True
            )
            return done.stdout

        def state() -> dict:
            return json.loads(run("manage.py", "shell", "-c", STATE).strip().splitlines()[-1])

        run("benchmarks/journal_gen.py", str(INCIDENTS))  # migrates too
        document = data / "imports" / "journal.json"
        document.parent.mkdir()
        run("manage.py", "export_journal", str(document))
        run("manage.py", "flush", "--noinput")
        empty = state()["rows"]
        assert empty["Incident"] == 0 and empty["Provider"] == 0
        run("manage.py", "shell", "-c", QUEUE)
        shutil.rmtree(data / "cache", ignore_errors=True)  # what appears there next is the worker's

        worker = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "-v", "0"]
        process = subprocess.Popen(worker, cwd=ROOT, env=env)
        cache = data / "cache"
        deadline = time.monotonic() + 300
        while not (cache.exists() and any(cache.iterdir())) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the job's first progress report: some incidents written, none committed
        assert process.poll() is None, "the worker finished before it could be killed"
        os.kill(process.pid, 9)
        process.wait()

        killed = state()
        assert 0 < killed["progress"] < INCIDENTS  # killed half-way: that many written, uncommitted
        assert killed["rows"] == empty  # nothing of the import: no row, no audit record
        assert killed["jobs"] == [{"state": "running", "attempts": 1, "result": {}}]

        restarted = run("manage.py", "worker", "--batch", "--no-reload", "--no-startup-delay", JOB_STALLED_AFTER="0")
        assert "Queued again: journal import 1, stalled while running." in restarted

        done = state()
        assert done["jobs"][0]["state"] == "done" and done["jobs"][0]["attempts"] == 2
        assert done["jobs"][0]["result"]["incidents"] == INCIDENTS
        assert done["uids"] == done["distinct_uids"] == INCIDENTS
        again = data / "again.json"
        run("manage.py", "export_journal", str(again))
        assert again.read_bytes() == document.read_bytes()  # the journal is the document, once
        uploads = data / "uploads"
        on_disk = sorted(str(p.relative_to(uploads)) for p in (uploads / "logs").rglob("*") if p.is_file())
        assert on_disk == done["files"] and len(on_disk) > 0  # no file left over from the killed import


@pytest.mark.django_db
def test_bytes_a_killed_process_was_storing_are_removed_by_the_next_import(settings):
    """LogExcerpt.store_stream writes under logs/incoming/store-<pid>-… before moving the file
    in place; a process killed in between leaves it, and the next import removes it."""
    incoming = Path(settings.MEDIA_ROOT) / "logs" / "incoming"
    incoming.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = incoming / f"store-{gone.stdout.strip()}-k1ll3d"
    orphan.write_bytes(b"Jul 20 08:12:37 host kernel: half")
    storing = incoming / f"store-{os.getpid()}-l1v3"  # this process: alive, still storing
    storing.write_bytes(b"Jul 20 08:12:37 host kernel: being written")
    recover_killed_imports()
    assert not orphan.exists() and storing.exists()
    LogExcerptFactory(data=b"Jul 20 08:12:37 host kernel: stored\n")
    assert sorted(p.name for p in incoming.iterdir()) == [storing.name]  # its own went in place
