"""Log viewer filters on a 1,000,000-line excerpt (benchmarks/syslog_gen.py, read by the
importer, then its text indexed by the worker's step, as an upload is): milliseconds to fetch the
first window of lines for rare text (~200 lines), text found nowhere, common text (1 line in 9),
a `since` in the last tenth of the log and detected lines only, beside rare text as a plain
scan of every line; and the whole viewer page (login, render) for the same filters."""

import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from journal.logs import search
from journal.logs.importer import read_excerpt
from journal.logs.lines import read_blocks
from journal.models import Incident, LogExcerpt, Provider, Service

LINES = 1_000_000


def _excerpt() -> LogExcerpt:
    from benchmarks import syslog_gen

    path = Path(tempfile.mkdtemp(prefix="journal-bench-viewer-")) / "1M.log"
    syslog_gen.write(str(path), LINES)
    provider, _ = Provider.objects.get_or_create(name="Viewer Hosting")
    service, _ = Service.objects.get_or_create(provider=provider, name="vps-logs", time_zone="UTC")
    excerpt = LogExcerpt(incident=Incident.objects.create(service=service, title="1M lines"), name=path.name)
    with open(path, "rb") as fh:
        excerpt.store_stream(read_blocks(fh))
    read_excerpt(excerpt, year=2024)
    path.unlink()
    return excerpt


def _indexed(excerpt: LogExcerpt) -> float:
    """Seconds to put the excerpt's lines into the text index (journal.tasks.index_log_text)."""
    started = time.perf_counter()
    search.index_text(excerpt.pk)
    excerpt.refresh_from_db(fields=["text_indexed_at"])
    return time.perf_counter() - started


def _best_ms(client: Client, url: str, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _query_ms(lines, rounds: int = 5) -> float:
    """Best milliseconds to make the query ``lines()`` and fetch its first window (201 lines)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        list(lines().order_by("number")[:201])
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def viewer_search() -> dict[str, float]:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files
    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    excerpt = _excerpt()
    imported = time.perf_counter() - started
    unindexed_ms = _query_ms(lambda: search.containing(excerpt, "kernel boot file"), rounds=2)
    indexing = _indexed(excerpt)
    url = excerpt.get_absolute_url()
    since = excerpt.first_at + (excerpt.last_at - excerpt.first_at) * 0.9  # the viewer's zone is UTC here
    return {
        "viewer_1M_import_seconds": round(imported, 1),
        "viewer_1M_text_index_seconds": round(indexing, 1),
        "viewer_1M_rare_text_before_indexing_ms": unindexed_ms,
        "viewer_1M_rare_text_query_ms": _query_ms(lambda: search.containing(excerpt, "kernel boot file")),
        "viewer_1M_absent_text_query_ms": _query_ms(lambda: search.containing(excerpt, "no such words")),
        "viewer_1M_common_text_query_ms": _query_ms(lambda: search.containing(excerpt, "Accepted publickey")),
        "viewer_1M_rare_text_plain_scan_ms": _query_ms(
            lambda: excerpt.lines.filter(message__icontains="kernel boot file")
        ),
        "viewer_1M_since_query_ms": _query_ms(lambda: excerpt.lines.filter(search.within_times(excerpt, since, None))),
        "viewer_1M_detected_only_query_ms": _query_ms(lambda: excerpt.lines.exclude(rule="")),
        "viewer_1M_first_page_ms": _best_ms(client, url),
        "viewer_1M_rare_text_page_ms": _best_ms(client, f"{url}?q=kernel+boot+file"),
        "viewer_1M_since_page_ms": _best_ms(client, f"{url}?since={since:%Y-%m-%dT%H:%M}"),
        "viewer_1M_since_and_text_page_ms": _best_ms(client, f"{url}?since={since:%Y-%m-%dT%H:%M}&q=exiting+on+signal"),
        "viewer_1M_detected_only_page_ms": _best_ms(client, f"{url}?detected=on"),
    }
