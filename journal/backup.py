"""A consistent online copy of the journal: the database and the uploaded files.

``make_backup(directory)`` writes into a new directory

- ``journal.sqlite3`` — SQLite's backup API, taken inside one read transaction so the row
  counts compared afterwards are of the same snapshot; then ``PRAGMA integrity_check``; or
- ``journal.pgdump`` — ``pg_dump --format=custom`` (one snapshot by itself), checked with
  ``pg_restore --list`` (every table's data is in the archive);
- ``uploads.tar`` — the uploads directory (log excerpts as received), written after the
  database, so every file the copied rows name is in it (files are never rewritten in place).

Any failed check raises ``BackupError``; the directory is then not a usable backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    pass


@dataclass
class Backup:
    directory: Path
    database: Path
    uploads: Path
    tables: dict[str, int | None] = field(default_factory=dict)  # rows per table (None: not counted)
    files: int = 0


def make_backup(directory: Path) -> Backup:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory}: exists and is not empty; choose a new directory.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        database = directory / "journal.sqlite3"
        tables = _sqlite_copy(connection.settings_dict["NAME"], database)
    elif connection.vendor == "postgresql":
        database = directory / "journal.pgdump"
        tables = _pg_dump(connection.settings_dict, database)
    else:
        raise BackupError(f"{connection.vendor}: no backup method for this database.")
    uploads = directory / "uploads.tar"
    files = _tar_uploads(Path(settings.MEDIA_ROOT), uploads)
    return Backup(directory, database, uploads, tables, files)


def _sqlite_copy(name, target: Path) -> dict[str, int]:
    name = str(name)
    source = sqlite3.connect(name, uri=name.startswith("file:"), isolation_level=None)
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN")  # one read snapshot for the copy and the counts
        tables = [row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {table: _count(source, table) for table in tables}
        source.backup(copy)
        source.execute("COMMIT")
        check = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            raise BackupError(f"{target}: integrity check failed: {'; '.join(check[:5])}")
        copied = {table: _count(copy, table) for table in tables}
        differ = [f"{t} {counts[t]} → {copied[t]}" for t in tables if counts[t] != copied[t]]
        if differ:
            raise BackupError(f"{target}: row counts differ from the database: {', '.join(differ)}")
        return counts
    finally:
        source.close()
        copy.close()


def _count(db: sqlite3.Connection, table: str) -> int:
    quoted = table.replace('"', '""')
    return db.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0]


def _pg_environment(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _pg_dump(db: dict, target: Path) -> dict[str, None]:
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            raise BackupError(f"{program}: not found; install the PostgreSQL client programs.")
    env = _pg_environment(db)
    dumped = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", db["NAME"]],
        env=env,
        capture_output=True,
        text=True,
    )
    if dumped.returncode:
        raise BackupError(f"pg_dump: {dumped.stderr.strip()}")
    listed = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True)
    if listed.returncode:
        raise BackupError(f"pg_restore --list {target}: {listed.stderr.strip()}")
    # "216; 0 16412 TABLE DATA public journal_incident postgres"
    in_archive = {
        line.split(" TABLE DATA ")[1].split()[1] for line in listed.stdout.splitlines() if " TABLE DATA " in line
    }
    tables = set(connection.introspection.table_names())
    if missing := sorted(tables - in_archive):
        raise BackupError(f"{target}: no data for tables {', '.join(missing)}")
    return dict.fromkeys(sorted(tables))


def _tar_uploads(uploads: Path, target: Path) -> int:
    files = 0
    with tarfile.open(target, "w") as tar:
        if uploads.exists():
            for path in sorted(uploads.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(uploads)), recursive=False)
                    files += 1
    with tarfile.open(target) as tar:
        if sum(1 for member in tar if member.isfile()) != files:
            raise BackupError(f"{target}: the archive does not hold the {files} files written")
    return files
