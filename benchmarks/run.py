"""`make bench`: figures measured beside a baseline taken in the same run, as ratios.

Incident page (benchmarks/incident_page.py): incidents of 5,000 events (typed, and accepted
from a log), rendered through the whole stack (middleware, login, templates) as the page opens
(latest 200 events) and whole (``?all=1``); its query count at 50, 500 and 5,000 events (must
stay the same), its requests per second beside a bare Django view that renders the same rows,
and the cost of adding one event with htmx. ``--incident-page`` runs this section alone.

Log import: a generated 1,000,000-line syslog imported (stored, decoded, parsed, detected,
suggested), its lines per second beside a bare `re` loop that turns each line's time into an
aware UTC datetime (as the app must) and inserts the same columns with sqlite3's executemany;
and the import's peak memory for a 200 MB file beside a 50 MB one; then the time the worker
takes to put the 1,000,000 lines into SQLite's text index (not part of the import).
Each import runs in a process of its own.

Scorecard: a provider with 1,000 incidents over 10 years; the scorecard's query count and
time to render beside the incident list page of the same provider in the same run.

Log viewer: filters on a 1,000,000-line excerpt, through the text and time indexes
(benchmarks/viewer_search.py).

Notice reader: windows read right, unsure-but-offered, wrong and missing, targets and causes
right, over the notice corpus (benchmarks/notice_accuracy.py).
Scale (benchmarks/pages.py): every page at 1,000 and 10,000 generated incidents, with query
counts and the 10k/1k ratio; export/import time and peak RSS. BENCH_QUICK=1: 1,000 only.

Prints each figure on its own line and writes them all to benchmarks/results.json.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal.settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="journal-bench-"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from benchmarks.detector_accuracy import detector_accuracy  # noqa: E402
from benchmarks.incident_page import queries  # noqa: E402
from benchmarks.notice_accuracy import notice_accuracy  # noqa: E402
from benchmarks.viewer_search import viewer_search  # noqa: E402
from journal.models import Incident, Provider, Service, TimelineEvent  # noqa: E402
from journal.totals.store import refresh_incidents  # noqa: E402


def in_process_of_its_own(script: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def log_import() -> dict[str, float]:
    from benchmarks import syslog_gen

    work = Path(tempfile.mkdtemp(prefix="journal-bench-logs-"))
    million = work / "1M.log"
    syslog_gen.write(str(million), 1_000_000)
    ours = in_process_of_its_own("import_one.py", million)
    bare = in_process_of_its_own("baseline_one.py", million)
    results = {
        "log_import_1M_lines_per_s": round(ours["lines"] / ours["read_s"]),
        "log_store_1M_seconds": round(ours["store_s"], 2),
        "log_text_index_1M_seconds": round(ours["index_s"], 2),  # on the worker, after the import
        "bare_import_1M_lines_per_s": round(bare["lines"] / bare["seconds"]),
    }
    results["log_import_vs_bare_ratio"] = round(
        results["log_import_1M_lines_per_s"] / results["bare_import_1M_lines_per_s"], 3
    )
    results.update(log_import_postgresql(million, ours))
    for size_mb in (50, 200):
        path = work / f"{size_mb}MB.log"
        syslog_gen.write_bytes(str(path), size_mb * 1024 * 1024)
        results[f"log_import_{size_mb}MB_peak_rss_mb"] = in_process_of_its_own("import_one.py", path)["peak_rss_mb"]
        path.unlink()
    results["log_import_rss_200MB_vs_50MB_ratio"] = round(
        results["log_import_200MB_peak_rss_mb"] / results["log_import_50MB_peak_rss_mb"], 3
    )
    return results


def log_import_postgresql(million: Path, sqlite: dict) -> dict[str, float]:
    """The same 1,000,000 lines into a throwaway PostgreSQL database (lines go in with COPY),
    beside SQLite's seconds from the same run: wall time, and the CPU both sides spent (the
    client, and PostgreSQL's backend when it runs on this machine: on a machine shared with
    other work the wall time says more about the neighbours). Needs BENCH_POSTGRES_URL naming
    a server whose user may create databases (e.g. postgres://postgres@127.0.0.1:5432/postgres);
    else nothing."""
    from benchmarks.journal_gen import throwaway_journal

    server = os.environ.get("BENCH_POSTGRES_URL")
    if not server:
        return {}
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = server
    try:
        with throwaway_journal("log-import-pg") as env:
            out = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "import_one.py"), str(million)],
                env=env, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
    finally:
        if saved is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = saved
    pg = json.loads(out.strip().splitlines()[-1])
    results = {
        "log_import_1M_sqlite_seconds": round(sqlite["read_s"], 2),
        "log_import_1M_postgresql_seconds": round(pg["read_s"], 2),
        "log_import_1M_postgresql_vs_sqlite_ratio": round(pg["read_s"] / sqlite["read_s"], 3),
        "log_import_1M_sqlite_cpu_s": sqlite["client_cpu_s"],
        "log_import_1M_postgresql_client_cpu_s": pg["client_cpu_s"],
    }
    if pg.get("server_cpu_s") is not None:
        results["log_import_1M_postgresql_server_cpu_s"] = pg["server_cpu_s"]
    return results


def incident_page() -> dict[str, float]:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files
    from django.contrib.auth import get_user_model

    from benchmarks.incident_page import incident_page as measure_incident_page
    from journal.roles import set_role

    user, _ = get_user_model().objects.get_or_create(username="bench")
    set_role(user, "editor")  # the page as someone who records incidents sees it (forms, buttons)
    client = Client()
    client.force_login(user)
    with override_settings(ROOT_URLCONF="benchmarks.bench_urls"):
        return measure_incident_page(client)


def make_history(incidents: int = 1000, years: int = 10) -> Provider:
    """A provider with ``incidents`` outages spread over ``years``, each with a few events,
    a notice and a support contact."""
    from journal.models import ProviderNotice, SupportContact

    provider = Provider.objects.create(name="Decade Hosting")
    service = Service.objects.create(provider=provider, name="vps-10y", time_zone="Europe/Berlin")
    start = datetime(2015, 1, 1, tzinfo=UTC)
    step = timedelta(days=365 * years / incidents)
    events, notices, contacts = [], [], []
    for n in range(incidents):
        began = start + step * n
        incident = Incident.objects.create(
            service=service, title=f"outage {n}", status="resolved", kind="maintenance" if n % 10 == 0 else "outage"
        )
        events += [
            TimelineEvent(incident=incident, at=began, type="down"),
            TimelineEvent(incident=incident, at=began + timedelta(minutes=20), type="noticed"),
            TimelineEvent(incident=incident, at=began + timedelta(minutes=47), type="up"),
        ]
        notices.append(
            ProviderNotice(
                incident=incident,
                raw_text=f"notice {n}",
                retrieved_at=began + timedelta(hours=1),
                claimed_start=began - timedelta(minutes=5),
                claimed_end=began + timedelta(hours=1),
            )
        )
        contacts.append(
            SupportContact(
                provider=provider,
                incident=incident,
                channel="email",
                opened_at=began,
                first_response_at=began + timedelta(minutes=30),
                helpfulness=3,
            )
        )
    TimelineEvent.objects.bulk_create(events)
    for notice in notices:
        notice.sha256 = "0" * 64
    ProviderNotice.objects.bulk_create(notices)
    SupportContact.objects.bulk_create(contacts)
    refresh_incidents(Incident.objects.filter(service=service).values_list("pk", flat=True))  # bulk_create: no signals
    return provider


def timed(client: Client, url: str, rounds: int = 5) -> tuple[float, int]:
    """Best seconds per request over ``rounds``, and the queries one request makes."""
    queries_made = queries(client, url)
    best = min(_once(client, url) for _ in range(rounds))
    return best, queries_made


def _once(client: Client, url: str) -> float:
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    return time.perf_counter() - started


def scorecard() -> dict[str, float]:
    from django.contrib.auth import get_user_model

    provider = make_history()
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    page_s, page_queries = timed(client, f"/providers/{provider.pk}/scorecard/")
    list_s, list_queries = timed(client, f"/incidents/?provider={provider.pk}")
    return {
        "scorecard_1000_incidents_queries": page_queries,
        "scorecard_1000_incidents_ms": round(page_s * 1000, 1),
        "incident_list_same_provider_ms": round(list_s * 1000, 1),
        "scorecard_vs_incident_list_ratio": round(page_s / list_s, 2),
    }


def main() -> None:
    only_page = "--incident-page" in sys.argv  # that section alone, e.g. after changing the page
    results = incident_page()
    if not only_page:
        results.update(scorecard())
        results.update(log_import())
        results.update(viewer_search())
        results.update(notice_accuracy())
        results.update(detector_accuracy())
    for name, value in results.items():
        print(f"{name}: {value}")
    out = ROOT / "benchmarks" / "results.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.update(results)
    out.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    # In a process of its own: Linux counts the forking process's memory into a child's peak
    # RSS, and this one has rendered a 5,000-event page.
    if not only_page:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "pages.py")], check=True)


if __name__ == "__main__":
    main()
