"""Heavy work asked for on a page and done by a worker (journal.jobs, journal.tasks.run_job):
accept-all on an incident, and the JSON journal exported for download and imported from an
upload, by admins only. The database backend queues; `run_job.call` is the worker's step."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal import demo
from journal.models import Incident, Job, LogSuggestion, TimelineEvent
from journal.portability import export_document
from journal.roles import Role
from journal.tasks import requeue_stalled_jobs, run_job
from tests.factories import IncidentFactory, LogExcerptFactory, UserFactory
from tests.helpers import text_of
from tests.rows import snapshot

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ada", role=Role.ADMIN))
    return client


@pytest.fixture
def outage():
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status=Incident.Status.RESOLVED)
    LogExcerptFactory(incident=incident, data=demo.FREEBSD_SYSLOG.encode())
    return incident


def test_accept_all_is_queued_the_page_says_accepting_then_the_result_once(client_alice, outage, settings):
    settings.TASKS = DB_BACKEND
    assert LogSuggestion.objects.filter(status="pending").count() == 4
    response = client_alice.post(f"/incidents/{outage.pk}/suggestions/accept-all/")
    assert response.status_code == 302 and response["Location"].endswith("#log-suggestions")
    job = Job.objects.get()
    assert (job.kind, job.state, job.incident, job.requested_by.username) == ("accept_all", "queued", outage, "alice")
    assert DBTaskResult.objects.get().status == "READY"
    assert outage.events.count() == 0
    page = client_alice.get(outage.get_absolute_url())
    assert "Accept all: queued, a worker will take it. Refresh" in text_of(page)
    assert f'hx-get="/incidents/{outage.pk}/suggestions/accept-all/{job.pk}/"' in page.content.decode()
    assert "<button>Accept all" not in page.content.decode()
    again = client_alice.post(f"/incidents/{outage.pk}/suggestions/accept-all/")  # a second click
    assert again.status_code == 302 and Job.objects.count() == 1

    status = f"/incidents/{outage.pk}/suggestions/accept-all/{job.pk}/"
    Job.objects.filter(pk=job.pk).update(state="running")
    assert text_of(client_alice.get(status, headers=HX)) == "Accepting… Refresh"
    Job.objects.filter(pk=job.pk).update(state="queued")

    assert run_job.call(job.pk) == "done"  # the worker's step
    job.refresh_from_db()
    assert (job.state, job.result, job.attempts) == ("done", {"accepted": 4, "skipped": 0}, 1)
    assert sorted(outage.events.values_list("type", flat=True)) == ["down", "down", "up", "up"]
    users = set(TimelineEvent.history.filter(history_type="+").values_list("history_user__username", flat=True))
    assert users == {"alice"}  # the history names who asked, not the worker

    polled = client_alice.get(status, headers=HX)
    assert polled["HX-Refresh"] == "true"
    assert "Accepted 4 suggested events." in text_of(client_alice.get(outage.get_absolute_url()))
    assert "Accepted 4" not in text_of(client_alice.get(outage.get_absolute_url()))  # said once
    assert run_job.call(job.pk) == "skipped"  # queued twice: nothing more happens
    assert outage.events.count() == 4


def test_accept_all_without_javascript_follows_the_refresh_link_to_the_result(client_alice, outage, settings):
    settings.TASKS = DB_BACKEND
    client_alice.post(f"/incidents/{outage.pk}/suggestions/accept-all/")
    job = Job.objects.get()
    status = f"/incidents/{outage.pk}/suggestions/accept-all/{job.pk}/"
    assert client_alice.get(status)["Location"] == f"{outage.get_absolute_url()}#log-suggestions"
    run_job.call(job.pk)
    response = client_alice.get(status, follow=True)
    assert "Accepted 4 suggested events." in text_of(response)


def test_an_accept_all_whose_worker_died_is_queued_again_and_accepts_once(client_alice, outage, settings):
    settings.TASKS = DB_BACKEND
    settings.JOB_STALLED_AFTER = 900
    client_alice.post(f"/incidents/{outage.pk}/suggestions/accept-all/")
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state="running", state_since=timezone.now() - timedelta(seconds=60))
    assert requeue_stalled_jobs() == []  # a minute without news: still alive
    Job.objects.filter(pk=job.pk).update(state_since=timezone.now() - timedelta(seconds=901))
    assert [j.pk for j in requeue_stalled_jobs()] == [job.pk]
    assert Job.objects.get().state == "queued"
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # the lost one's task, and a new one
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        run_job.call(*result.args_kwargs["args"])
    assert outage.events.count() == 4
    assert Job.objects.get().result == {"accepted": 4, "skipped": 0}


def test_only_admins_open_export_and_import(client, db):
    for role in (Role.EDITOR, Role.VIEWER):
        client.force_login(UserFactory(role=role))
        for url in ("/journal/export/", "/journal/import/"):
            assert client.get(url).status_code == 403
            assert client.post(url).status_code == 403
    assert not Job.objects.exists()


def test_an_export_is_written_by_the_worker_then_downloaded_until_it_expires(admin_client, seed, settings):
    settings.TASKS = DB_BACKEND
    response = admin_client.post("/journal/export/", follow=True)
    job = Job.objects.get()
    assert "Queued: a worker will take it." in text_of(response)
    assert 'hx-trigger="every 2s"' in response.content.decode()
    Job.objects.filter(pk=job.pk).update(state="running")
    job.report(1)
    polled = admin_client.get("/journal/export/", headers=HX | {"HX-Target": "jobs"})
    assert "Writing… 1 incident so far." in text_of(polled) and "<html" not in polled.content.decode()

    assert run_job.call(job.pk) == "done"
    assert admin_client.get("/journal/export/", headers=HX | {"HX-Target": "jobs"})["HX-Refresh"] == "true"
    job.refresh_from_db()
    assert job.file.startswith("exports/journal-") and job.result == {"incidents": 2}
    assert [p.name for p in (settings.DATA_DIR / "exports").iterdir()] == [job.path.name]  # no partial left
    page = text_of(admin_client.get("/journal/export/"))
    assert "Download (" in page and "2 incidents" in page
    download = admin_client.get(f"/journal/export/{job.pk}/download/")
    assert download["Content-Disposition"] == f'attachment; filename="{job.path.name}"'
    body = b"".join(download.streaming_content)
    assert len(body) == job.size and json.loads(body) == export_document()

    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    assert "Expired" in text_of(admin_client.get("/journal/export/"))
    assert not job.path.exists()
    assert admin_client.get(f"/journal/export/{job.pk}/download/").status_code == 404


def test_an_uploaded_journal_is_kept_byte_for_byte_then_imported_by_the_worker(admin_client, settings):
    settings.TASKS = DB_BACKEND
    data = json.dumps(demo.document(), ensure_ascii=False, indent=1).encode()
    response = admin_client.post("/journal/import/", {"document": SimpleUploadedFile("backup.json", data)}, follow=True)
    job = Job.objects.get()
    assert (job.state, job.name, job.size) == ("queued", "backup.json", len(data))
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    assert job.path.read_bytes() == data
    assert "Queued: a worker will take it." in text_of(response)
    assert not Incident.objects.exists()
    assert run_job.call(job.pk) == "done"
    assert Incident.objects.count() == 2
    page = text_of(admin_client.get("/journal/import/"))
    assert "Imported 2 providers, 2 services, 2 incidents (0 already present)." in page
    assert set(Incident.history.values_list("history_user__username", flat=True)) == {"ada"}


def test_a_refused_upload_fails_with_its_reason_and_imports_nothing(admin_client, settings):
    settings.TASKS = DB_BACKEND
    document = demo.document()
    document["incidents"][1]["events"][3]["at"] = "2099-01-01T00:00:00Z"  # after its log was written
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode())
    admin_client.post("/journal/import/", {"document": upload})
    job = Job.objects.get()
    before = snapshot()
    assert run_job.call(job.pk) == "failed"
    after = snapshot()
    assert (before.pop("Job")[0]["state"], after.pop("Job")[0]["state"]) == ("queued", "failed")
    assert after == before  # no row, no log file
    page = text_of(admin_client.get("/journal/import/"))
    assert "Failed incidents[1].events[3].at: later than now Nothing was imported." in page


def test_an_upload_that_is_not_json_fails_with_its_reason(admin_client):
    admin_client.post("/journal/import/", {"document": SimpleUploadedFile("x.json", b'{"format": "incident-journal"')})
    job = Job.objects.get()  # the ImmediateBackend ran it at once
    assert job.state == "failed" and job.failure.startswith("document: not JSON")
    assert "document: not JSON" in text_of(admin_client.get("/journal/import/"))


def test_an_upload_form_without_a_file_says_so(admin_client):
    response = admin_client.post("/journal/import/", {})
    assert response.status_code == 200 and "This field is required." in text_of(response)
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_again_an_import_a_killed_worker_left_and_runs_it(settings, client):
    settings.TASKS = DB_BACKEND
    settings.JOB_STALLED_AFTER = 0
    client.force_login(UserFactory(username="ada", role=Role.ADMIN))
    client.post("/journal/import/", {"document": SimpleUploadedFile("j.json", json.dumps(demo.document()).encode())})
    job = Job.objects.get()
    DBTaskResult.objects.update(status="RUNNING")  # its worker was killed: the task stays "running"
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, state_since=timezone.now() - timedelta(hours=1))
    cache.clear()

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")

    job.refresh_from_db()
    assert (job.state, job.attempts, job.result["incidents"]) == ("done", 2, 2)
    assert Incident.objects.count() == 2
