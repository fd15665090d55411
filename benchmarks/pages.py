"""Scale measurements (issue 10): each page at 1,000 and 10,000 generated incidents.

For each size a journal is generated once (benchmarks/journal_gen.py) in a throwaway DATA_DIR
(SQLite) or, when DATABASE_URL is set, a throwaway PostgreSQL database. In a process of its own
(DEBUG off, a user logged in with ``force_login``) every page below is fetched with Django's
test client RUNS times (BENCH_RUNS, default 3): the query count of the first fetch
(CaptureQueriesContext) and the median time of all, by the wall clock and by this process's CPU
time (steadier on a shared machine; it counts SQLite's work, not a PostgreSQL server's); then
an event is added with htmx to an incident of the largest service (``add_event``), as often. Then
``export_journal`` writes the journal to a file and ``import_journal`` reads it into a second
fresh journal, each in a process of its own whose time and peak RSS
(``os.wait4``'s rusage of that one child) are kept. Linux counts the memory of the process
that forks a child into the child's peak RSS, so this process stays small (no Django) and
records its own peak beside the figures (``rss_floor_mb``): a child's peak cannot read lower.
Prints one line per figure with the 10k/1k ratio and the issue's goal, and writes them under
``scale`` (then the database vendor) in benchmarks/results.json.

    python benchmarks/pages.py            # 1k and 10k
    python benchmarks/pages.py --quick    # 1k only (also BENCH_QUICK=1 for `make bench`)
    BENCH_PAGES=dashboard,compare_4_all_time,scorecard_all_time python benchmarks/pages.py
                                          # only those pages, no export or import: under ``scale_pages``

Figures on a machine shared with other work are noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.journal_gen import USERS, build, database_vendor, throwaway_journal  # noqa: E402

SIZES = (1_000, 10_000)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
GOAL = 1.5  # 10k/1k, for every page but the paginated lists' last pages
UNBOUND = {"incident_list_last_page"}  # more pages at 10k: the last page may cost more


def selected() -> set[str]:
    """The pages BENCH_PAGES names (comma-separated); empty: every page, and export and import."""
    return {name for name in os.environ.get("BENCH_PAGES", "").split(",") if name}


def sizes() -> tuple[int, ...]:
    quick = "--quick" in sys.argv or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    return SIZES[:1] if quick else SIZES


def scale(sizes: tuple[int, ...] = SIZES) -> dict:
    """Generate, measure and compare; the figures, keyed by database vendor."""
    by_size = {}
    for size in sizes:
        with throwaway_journal(f"scale-{size}") as env:
            started = time.perf_counter()
            figures = {"journal": build(env, size), "generate_s": round(time.perf_counter() - started, 1)}
            figures["pages"] = _in_process_of_its_own(env)
            if not selected():
                figures.update(_export_import(env, size))
            figures["rss_floor_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        by_size[str(size)] = figures
    vendor = database_vendor()
    result = {"sizes": by_size, "runs_per_page": RUNS, "goal_ratio": GOAL}
    if len(sizes) == 2:
        small, large = (by_size[str(s)] for s in sizes)
        result["ratios"] = {
            name: round(large["pages"][name]["ms"] / small["pages"][name]["ms"], 2) for name in small["pages"]
        }
        # This process's CPU time (SQLite runs in it; PostgreSQL's server is not counted): steadier
        # than the wall clock on a machine others load.
        result["cpu_ratios"] = {
            name: round(large["pages"][name]["cpu_ms"] / small["pages"][name]["cpu_ms"], 2) for name in small["pages"]
        }
        for name in ("export_s", "import_s"):
            if name in small:
                result["ratios"][name] = round(large[name] / small[name], 2)
    _print(vendor, result)
    return {vendor: result}


def record(key: str, figures: dict) -> None:
    """Merge ``figures`` (keyed by database vendor) into benchmarks/results.json under ``key``."""
    out = ROOT / "benchmarks" / "results.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    results[key] = {**results.get(key, {}), **figures}
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written to {out.relative_to(ROOT)} ({key})")


def _print(vendor: str, result: dict) -> None:
    sizes = list(result["sizes"])
    ratios = result.get("ratios", {})
    for name in result["sizes"][sizes[0]]["pages"]:
        cells = [
            f"{int(size) // 1000}k {result['sizes'][size]['pages'][name]['ms']:.0f} ms "
            f"(CPU {result['sizes'][size]['pages'][name]['cpu_ms']:.0f} ms) "
            f"{result['sizes'][size]['pages'][name]['queries']} queries"
            for size in sizes
        ]
        if name in ratios:
            goal = "no goal (grows with the pages)" if name in UNBOUND else f"goal ≤ {GOAL}"
            cells.append(f"ratio {ratios[name]}, CPU {result['cpu_ratios'][name]} ({goal})")
        print(f"scale {vendor} {name}: " + " · ".join(cells))
    for job in ("export", "import") if "export_s" in result["sizes"][sizes[0]] else ():
        cells = [
            f"{int(size) // 1000}k {result['sizes'][size][f'{job}_s']} s "
            f"peak RSS {result['sizes'][size][f'{job}_peak_rss_mb']} MB"
            for size in sizes
        ]
        if f"{job}_s" in ratios:
            cells.append(f"ratio {ratios[f'{job}_s']} (goal: peak RSS ≤ 150 MB)")
        print(f"scale {vendor} {job}_journal: " + " · ".join(cells))


# ------------------------------------------------------------------ in the journal's process


def _in_process_of_its_own(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), "--measure"], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure() -> dict[str, dict[str, float]]:
    """Every page's query count and median time, in the configured journal."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from journal.models import Incident, Provider, Service

    client = Client()
    client.force_login(get_user_model().objects.get(username=USERS[0]))
    by_size = Provider.objects.annotate(n=Count("services__incidents")).order_by("-n", "pk")
    largest = by_size[0]
    service = Service.objects.annotate(n=Count("incidents")).order_by("-n", "pk")[0]
    incident = Incident.objects.filter(service=service, status="resolved").order_by("-created_at")[0]
    last_page = math.ceil(Incident.objects.count() / 25)
    urls = {
        "dashboard": "/",
        "compare_4_all_time": "/providers/compare/?" + "&".join(f"p={p.pk}" for p in by_size[:4]),
        "scorecard_all_time": f"/providers/{largest.pk}/scorecard/",
        "provider_page": largest.get_absolute_url(),
        "incident_list_page_1": "/incidents/",
        "incident_list_last_page": f"/incidents/?page={last_page}",
        "service_page": service.get_absolute_url(),
        "incident_page": incident.get_absolute_url(),
    }
    if wanted := selected():
        urls = {name: url for name, url in urls.items() if name in wanted}
    figures = {}
    for name, url in urls.items():
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        times, cpu = [time.perf_counter() - started], [time.process_time() - cpu_started]
        queries = len(ctx.captured_queries)  # read now: the next request clears the log
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        for _ in range(RUNS - 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        figures[name] = {
            "ms": round(statistics.median(times) * 1000, 1),
            "cpu_ms": round(statistics.median(cpu) * 1000, 1),
            "queries": queries,
            "html_kb": round(len(response.content) / 1024, 1),
        }
    if not wanted or "add_event" in wanted:
        figures["add_event"] = _add_events(client, incident)
    return figures


def _add_events(client, incident) -> dict[str, float]:
    """Adding an event with htmx to an incident of the largest service (an observation a few
    minutes into it), RUNS times after one to warm up: each write refreshes the incident's
    stored totals and the months of its service it reaches."""
    from datetime import UTC, timedelta

    from benchmarks.incident_page import add_events

    begun = incident.stored_totals.started_at.astimezone(UTC)
    posts = add_events(client, incident, RUNS + 1, begun + timedelta(minutes=1))[1:]
    return {
        "ms": round(statistics.median(seconds for seconds, *_ in posts) * 1000, 1),
        "cpu_ms": round(statistics.median(cpu for _, cpu, *_ in posts) * 1000, 1),
        "queries": posts[-1][2],
        "html_kb": round(posts[-1][3] / 1024, 1),
    }


# ------------------------------------------------------------------- export and import


def _export_import(env: dict[str, str], size: int) -> dict[str, float]:
    """Export the journal in ``env`` to a file, import it into a fresh journal: time, peak RSS."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    with tempfile.TemporaryDirectory(prefix="journal-export-") as work:
        document = Path(work) / "journal.json"
        export_s, export_rss = _timed_child([*manage, "export_journal", str(document)], env)
        figures = {
            "export_s": export_s,
            "export_peak_rss_mb": export_rss,
            "export_mb": round(document.stat().st_size / 1024**2, 1),
        }
        with throwaway_journal(f"import-{size}") as fresh:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=fresh, check=True)
            figures["import_s"], figures["import_peak_rss_mb"] = _timed_child(
                [*manage, "import_journal", str(document)], fresh
            )
    return figures


def _timed_child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one child process, from its own rusage."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command[1:])} failed:\n{errors.read().decode(errors='replace')}")
    return round(seconds, 2), round(usage.ru_maxrss / 1024, 1)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
    else:
        record("scale_pages" if selected() else "scale", scale(sizes()))
