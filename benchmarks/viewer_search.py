"""Log viewer filters on a 1,000,000-line excerpt (benchmarks/syslog_gen.py, read by the
importer, so the text index is filled the way an upload fills it): milliseconds per page for
rare text (found ~200 times, and found nowhere), a `since` filter in the last tenth of the log,
detected lines only, beside the same text filter as a plain scan of every line."""

import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

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


def _best_ms(client: Client, url: str, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _scan_ms(excerpt: LogExcerpt, needle: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        list(excerpt.lines.filter(message__icontains=needle).order_by("number")[:201])
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
    url = excerpt.get_absolute_url()
    since = excerpt.first_at + (excerpt.last_at - excerpt.first_at) * 0.9
    since = (since - timedelta(microseconds=since.microsecond)).strftime("%Y-%m-%dT%H:%M")
    return {
        "viewer_1M_import_seconds": round(imported, 1),
        "viewer_1M_first_page_ms": _best_ms(client, url),
        "viewer_1M_rare_text_ms": _best_ms(client, f"{url}?q=kernel+boot+file"),
        "viewer_1M_absent_text_ms": _best_ms(client, f"{url}?q=no+such+words"),
        "viewer_1M_rare_text_plain_scan_ms": _scan_ms(excerpt, "kernel boot file"),
        "viewer_1M_since_ms": _best_ms(client, f"{url}?since={since}"),
        "viewer_1M_since_and_text_ms": _best_ms(client, f"{url}?since={since}&q=exiting+on+signal"),
        "viewer_1M_detected_only_ms": _best_ms(client, f"{url}?detected=on"),
    }
