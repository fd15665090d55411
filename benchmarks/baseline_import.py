"""The bare baseline for the log import: a plain ``re`` loop over the file's lines, inserting
the same columns with sqlite3's executemany, written the obvious way — and, as the app must,
turning each line's wall-clock time into an aware UTC datetime (read in the service's zone,
Europe/Berlin in the benchmark, in the year given) before storing it. Nothing else: no
encoding choices, no detection, no suggestions."""

import re
import sqlite3
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LINE = re.compile(r"(\w{3}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) (?:([^\s:\[\]]+)(?:\[(\d+)\])?: )?(.*)")
SCHEMA = """CREATE TABLE logline (id INTEGER PRIMARY KEY AUTOINCREMENT, excerpt_id INTEGER NOT NULL,
  number INTEGER NOT NULL, at DATETIME NULL, host VARCHAR(255) NOT NULL, program VARCHAR(255) NOT NULL,
  pid INTEGER NULL, prefix TEXT NOT NULL, message TEXT NOT NULL, format VARCHAR(32) NOT NULL,
  rule VARCHAR(64) NOT NULL, UNIQUE (excerpt_id, number))"""
INSERT = (
    "INSERT INTO logline (excerpt_id, number, at, host, program, pid, prefix, message, format, rule) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ZONE = ZoneInfo("Europe/Berlin")
YEAR = 2024


def run(path: str, database: str) -> tuple[int, float]:
    """Lines imported and seconds taken."""
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(SCHEMA)
    db.execute("CREATE INDEX logline_at ON logline (excerpt_id, at)")
    started = time.perf_counter()
    rows = []
    number = 0
    with open(path, encoding="utf-8", errors="backslashreplace") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.rstrip("\n")
            m = LINE.match(line)
            if m:
                mon, day, clock, host, program, pid, message = m.groups()
                written = datetime.strptime(f"{YEAR} {mon} {day} {clock}", "%Y %b %d %H:%M:%S")  # noqa: DTZ007
                at = written.replace(tzinfo=ZONE).astimezone(UTC)
                rows.append(
                    (
                        1,
                        number,
                        at.strftime("%Y-%m-%d %H:%M:%S"),
                        host,
                        program or "",
                        pid and int(pid),
                        line[: m.start(7)],
                        message,
                        "rfc3164",
                        "",
                    )
                )
            else:
                rows.append((1, number, None, "", "", None, "", line, "", ""))
            if len(rows) >= 5000:
                db.executemany(INSERT, rows)
                rows.clear()
    db.executemany(INSERT, rows)
    db.commit()
    return number, time.perf_counter() - started
