"""Streaming journal I/O (issue 10 item 6): ``export_journal`` and ``import_journal`` on a
generated journal of N incidents, and on a journal holding one large log, each command in a
process of its own: seconds and peak RSS (``os.wait4``'s rusage of that child).

    python benchmarks/journal_io.py 10000          # a 10,000-incident journal
    python benchmarks/journal_io.py --log-mb 1024  # one incident with a 1 GB log

Prints one JSON object. SQLite, or a throwaway PostgreSQL database with DATABASE_URL set.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.journal_gen import build, database_vendor, throwaway_journal  # noqa: E402
from benchmarks.pages import _timed_child  # noqa: E402

ADD_LOG = """
import sys
import django
django.setup()
from journal.logs.lines import read_blocks
from journal.models import Incident, LogExcerpt, Provider, Service
provider = Provider.objects.create(name="Big Log Hosting")
service = Service.objects.create(provider=provider, name="vps", time_zone="Europe/Berlin")
incident = Incident.objects.create(service=service, title="a gigabyte of syslog", status="resolved")
excerpt = LogExcerpt(incident=incident, name="messages", line_count=0)
with open(sys.argv[1], "rb") as fh:
    excerpt.store_stream(read_blocks(fh))
"""


def measure(incidents: int, log_mb: int) -> dict:
    manage = [sys.executable, str(ROOT / "manage.py")]
    figures: dict = {"vendor": database_vendor(), "incidents": incidents, "log_mb": log_mb}
    with throwaway_journal(f"io-{incidents}-{log_mb}") as env, tempfile.TemporaryDirectory() as work:
        if incidents:
            figures["journal"] = build(env, incidents)
        else:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
        if log_mb:
            from benchmarks import syslog_gen

            log = Path(work) / "messages"
            syslog_gen.write_bytes(str(log), log_mb * 1024 * 1024)
            subprocess.run([sys.executable, "-c", ADD_LOG, str(log)], env=env | {"PYTHONPATH": str(ROOT)}, check=True,
                           cwd=ROOT, input=None)  # fmt: skip
            log.unlink()
        document = Path(work) / "journal.json"
        export = [*manage, "export_journal", str(document)]
        figures["export_s"], figures["export_peak_rss_mb"] = _timed_child(export, env)
        figures["document_mb"] = round(document.stat().st_size / 1024**2, 1)
        with throwaway_journal(f"io-in-{incidents}-{log_mb}") as fresh:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=fresh, check=True)
            figures["import_s"], figures["import_peak_rss_mb"] = _timed_child(
                [*manage, "import_journal", str(document)], fresh
            )
    return figures


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 0
    mb = int(sys.argv[sys.argv.index("--log-mb") + 1]) if "--log-mb" in sys.argv else 0
    print(json.dumps(measure(size, mb)))
