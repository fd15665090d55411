"""Uploads refused while they arrive: file parts of requests without a signed-in user are
not read into any file, and a log larger than LOG_UPLOAD_MAX_BYTES stops being read as soon
as the limit is passed, with the limit shown next to the file field."""

import pytest
from django.conf import settings as conf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from journal.models import LogExcerpt
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db
RECEIVED: list[int] = []


class Recorder(FileUploadHandler):
    """Stands after the journal's handler: counts the bytes that reach Django's own handlers."""

    def receive_data_chunk(self, raw_data, start):
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def _recorder(settings):
    handlers = list(settings.FILE_UPLOAD_HANDLERS)
    settings.FILE_UPLOAD_HANDLERS = [handlers[0], "tests.test_uploads.Recorder", *handlers[1:]]
    RECEIVED.clear()


def _log(size: int) -> SimpleUploadedFile:
    line = b"Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.\n"
    return SimpleUploadedFile("messages", (line * (size // len(line) + 1))[:size])


def test_an_anonymous_upload_is_not_read_at_all():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y", "file": _log(3 * 1024 * 1024)})
    assert response.status_code == 403  # no CSRF token: refused, and nothing was spooled first
    assert RECEIVED == []


def test_an_anonymous_upload_with_a_valid_token_is_not_read_either(client):
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    client.post("/login/", {"csrfmiddlewaretoken": token, "username": "x", "file": _log(3 * 1024 * 1024)})
    assert RECEIVED == []


def test_a_signed_in_upload_within_the_limit_is_kept(client_alice, settings):
    settings.LOG_UPLOAD_MAX_BYTES = 200_000
    incident = IncidentFactory()
    response = client_alice.post(f"/incidents/{incident.pk}/logs/new/", {"logs-file": _log(150_000)})
    assert response.status_code == 302
    assert incident.log_excerpts.get().size == 150_000
    assert sum(RECEIVED) == 150_000


def test_a_log_over_the_limit_stops_being_read_and_the_form_says_why(client_alice, settings):
    settings.LOG_UPLOAD_MAX_BYTES = 100_000
    incident = IncidentFactory()
    response = client_alice.post(
        f"/incidents/{incident.pk}/logs/new/", {"logs-file": _log(5 * 1024 * 1024)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "the limit is 97.7\xa0KB (LOG_UPLOAD_MAX_BYTES)" in page
    assert LogExcerpt.objects.count() == 0
    assert sum(RECEIVED) <= 100_000  # the rest of the 5 MiB reached no handler


def test_a_large_form_body_without_files_is_refused_at_the_memory_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = b"username=x&password=" + b"y" * (2 * 1024 * 1024)
    response = Client().post("/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_the_memory_limit_is_sane():
    assert 1024 * 1024 <= conf.DATA_UPLOAD_MAX_MEMORY_SIZE <= 64 * 1024 * 1024
