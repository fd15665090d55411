"""Import one log file into a fresh journal (SQLite, or the PostgreSQL database DATABASE_URL
names) and print what it cost, as JSON: lines, seconds, the process's peak resident memory and
CPU time (and PostgreSQL's backend's, when it runs on this machine); then the seconds the
worker's next step takes, putting the lines into SQLite's text index
(journal.logs.search.index_text). Run as a separate process by benchmarks/run.py, so each
measurement has a process of its own."""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="journal-bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from journal.logs import search  # noqa: E402
from journal.logs.importer import read_excerpt  # noqa: E402
from journal.logs.lines import read_blocks  # noqa: E402
from journal.models import Incident, LogExcerpt, Provider, Service  # noqa: E402


def main(path: str) -> None:
    call_command("migrate", verbosity=0)
    provider = Provider.objects.create(name="Bench Hosting")
    service = Service.objects.create(provider=provider, name="vps", time_zone="Europe/Berlin")
    incident = Incident.objects.create(service=service, title="bench")
    server_cpu = _server_cpu()
    started = time.perf_counter()
    excerpt = LogExcerpt(incident=incident, name=Path(path).name)
    with open(path, "rb") as fh:
        excerpt.store_stream(read_blocks(fh))
    stored = time.perf_counter()
    reading = read_excerpt(excerpt, year=2024)
    done = time.perf_counter()
    server_cpu_s = _server_cpu() - server_cpu if server_cpu is not None else None
    client_cpu_s = sum(os.times()[:2])
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    indexed = search.index_text(excerpt.pk)
    index_s = time.perf_counter() - done
    print(
        json.dumps(
            {
                "lines": reading.lines,
                "store_s": stored - started,
                "read_s": done - stored,
                "indexed": indexed,
                "index_s": index_s,
                "suggestions": len(reading.suggestions),
                "peak_rss_mb": round(peak_kib / 1024, 1),
                "vendor": connection.vendor,
                "client_cpu_s": round(client_cpu_s, 2),  # this process, from its start
                "server_cpu_s": server_cpu_s and round(server_cpu_s, 2),  # PostgreSQL's backend, same machine
            }
        )
    )


def _server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main(sys.argv[1])
