"""Identical uploads share one stored file; it is deleted only after the deletion commits and
only when no excerpt, removed ones included, still uses those bytes."""

import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from journal.models import LogExcerpt
from tests.factories import IncidentFactory, LogExcerptFactory

pytestmark = pytest.mark.django_db
DATA = b"Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.\n"


def test_deleting_one_of_two_identical_excerpts_keeps_the_file(django_capture_on_commit_callbacks):
    first, twin = LogExcerptFactory(data=DATA), LogExcerptFactory(data=DATA)
    path = Path(first.raw.path)
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert path.read_bytes() == DATA
    assert twin.read_bytes() == DATA


def test_deleting_the_last_excerpt_removes_the_file_after_commit_not_before(django_capture_on_commit_callbacks):
    excerpt = LogExcerptFactory(data=DATA)
    path = Path(excerpt.raw.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        excerpt.delete()
        assert path.exists()
    assert len(callbacks) == 1
    assert not path.exists()


def test_a_rolled_back_deletion_keeps_the_file(django_capture_on_commit_callbacks):
    excerpt = LogExcerptFactory(data=DATA)
    path = Path(excerpt.raw.path)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        LogExcerpt.all_objects.get().delete()
        raise RuntimeError("rolled back")
    assert callbacks == [] and path.read_bytes() == DATA


def test_a_removed_excerpt_still_holds_its_bytes(django_capture_on_commit_callbacks):
    removed, other = LogExcerptFactory(data=DATA), LogExcerptFactory(data=DATA)
    removed.remove(None, "wrong host")
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert Path(removed.raw.path).read_bytes() == DATA


def test_an_upload_racing_the_deletion_of_the_last_copy_keeps_its_file(django_capture_on_commit_callbacks):
    """The deleter saw no other row (the upload was not committed yet) and removed the file:
    the upload, when it commits, puts its own copy in place."""
    old = LogExcerptFactory(data=DATA)
    path = Path(old.raw.path)
    incoming = path.parent.parent / "incoming"
    waiting = set(incoming.iterdir())
    with django_capture_on_commit_callbacks(execute=False) as upload_commit:
        new = LogExcerpt(incident=IncidentFactory(), name="again")
        new.store(DATA)
    old.raw.storage.delete(old.raw.name)  # what the racing deleter did
    for callback in upload_commit:
        callback()
    assert path.read_bytes() == DATA
    assert set(incoming.iterdir()) == waiting  # the upload's incoming copy took the file's place


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_deleting_the_last_copy_while_identical_bytes_are_uploaded_on_postgresql():
    old = LogExcerptFactory(data=DATA)
    incident = old.incident
    path = Path(old.raw.path)
    stored, deleted = threading.Event(), threading.Event()

    def upload():
        try:
            with transaction.atomic():
                LogExcerpt(incident=incident, name="again").store(DATA)
                stored.set()
                deleted.wait(10)  # commit only after the deletion committed and looked
        finally:
            connection.close()

    uploader = threading.Thread(target=upload)
    uploader.start()
    assert stored.wait(10)
    LogExcerpt.objects.get(pk=old.pk).delete()  # autocommit: its file check runs now
    deleted.set()
    uploader.join(10)
    assert LogExcerpt.objects.get().name == "again"
    assert path.read_bytes() == DATA
