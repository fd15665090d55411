"""`manage.py backup DIR`: a verified copy of the database (SQLite backup API or pg_dump) and
the uploaded files, taken while the app runs."""

import shutil
import sqlite3
import subprocess
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from journal import demo
from journal.models import Incident, LogExcerpt, TimelineEvent

pytestmark = pytest.mark.django_db(transaction=True)  # the copy is read by another connection


@pytest.fixture
def loaded(db):
    demo.load()
    return {"incidents": Incident.objects.count(), "events": TimelineEvent.objects.count()}


def _backup(directory) -> str:
    out = StringIO()
    call_command("backup", str(directory), stdout=out)
    return out.getvalue()


def _uploads(backup_dir) -> dict[str, bytes]:
    with tarfile.open(backup_dir / "uploads.tar") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def test_the_uploads_are_in_the_tar_byte_for_byte(loaded, tmp_path):
    _backup(tmp_path / "b")
    files = _uploads(tmp_path / "b")
    excerpts = list(LogExcerpt.objects.all())
    assert excerpts and len(files) == len({e.raw.name for e in excerpts})
    for excerpt in excerpts:
        assert files[excerpt.raw.name] == excerpt.raw.open("rb").read()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backup API")
def test_sqlite_copy_has_the_same_rows_and_passes_the_integrity_check(loaded, tmp_path):
    message = _backup(tmp_path / "b")
    assert "journal.sqlite3" in message and "verified" in message
    copy = sqlite3.connect(tmp_path / "b" / "journal.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM journal_incident").fetchone() == (loaded["incidents"],)
    assert copy.execute("SELECT count(*) FROM journal_timelineevent").fetchone() == (loaded["events"],)
    titles = {row[0] for row in copy.execute("SELECT title FROM journal_incident")}
    assert titles == set(Incident.objects.values_list("title", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is for PostgreSQL")
@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="PostgreSQL client programs not installed")
def test_postgres_dump_restores_with_the_same_rows(loaded, tmp_path):
    message = _backup(tmp_path / "b")
    assert "journal.pgdump" in message and "verified" in message
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / "b" / "journal.pgdump")], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public journal_incident" in listing
    data = subprocess.run(
        ["pg_restore", "--data-only", "--table=journal_incident", "--file=-", str(tmp_path / "b" / "journal.pgdump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for title in Incident.objects.values_list("title", flat=True):
        assert title in data


def test_a_directory_that_is_not_empty_is_refused(loaded, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "something").write_text("keep me")
    with pytest.raises(CommandError, match="exists and is not empty"):
        _backup(tmp_path / "b")
    assert (tmp_path / "b" / "something").read_text() == "keep me"


def test_the_backup_directory_is_private(loaded, tmp_path):
    _backup(tmp_path / "b")
    assert (tmp_path / "b").stat().st_mode & 0o077 == 0
