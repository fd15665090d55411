"""`make loadtest`: gunicorn (as gunicorn.conf.py sets it up) on 127.0.0.1 against a generated
journal, under a bounded mix of reads and writes from concurrent clients (issue 10).

A journal of INCIDENTS incidents is generated in a throwaway DATA_DIR (SQLite) or, when
DATABASE_URL is set, a throwaway PostgreSQL database (benchmarks/journal_gen.py). Gunicorn is
started on a free port of 127.0.0.1 (the only address ever targeted). Each client signs in
through the real login form (its own session and CSRF cookie), then until the time is up picks
from the mix: the dashboard, an incident list page, an incident page, a provider's scorecard,
or a write: it opens the "add an event" form, keeps the values the form offers and sends it
back with its CSRF token and a text of its own. After the run every text sent is looked up in
the database. Prints req/s, p50/p95/p99 (all requests and per kind), errors, and the writes
found; writes them under ``loadtest`` (then the database vendor) in benchmarks/results.json.
Beside them, where the CPU went: gunicorn's processes per request (read from /proc, so a run on
a machine others share still says what the app costs), the clients', and the load average.

    python benchmarks/loadtest.py [--seconds 60] [--clients 20] [--incidents 10000]

Standard library only. A request that takes longer than TIMEOUT counts as an error; no request
starts after the time is up, so the run ends within seconds + TIMEOUT.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import runpy
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.journal_gen import PASSWORD, USERS, build, database_vendor, throwaway_journal  # noqa: E402
from benchmarks.pages import record  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT = 30.0
MIX = {"dashboard": 1, "incident_list": 3, "incident_page": 4, "scorecard": 1, "write": 1}
MARK = "loadtest write"
GUNICORN = ("workers", "worker_class", "threads")  # reported beside the figures


class Session:
    """One browser: its cookies, against gunicorn on 127.0.0.1."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text


class FormReader(HTMLParser):
    """The first form whose action contains ``wanted``: its action and the values it would send."""

    def __init__(self, wanted: str):
        super().__init__()
        self.wanted, self.action, self.values = wanted, None, {}
        self._inside = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and self.wanted in (attrs.get("action") or ""):
            self._inside, self.action = True, attrs["action"]
        if not self._inside or not attrs.get("name") and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox", "radio", "file"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            if self._select not in self.values or "selected" in attrs:
                self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._inside:
            self._inside, self._done = False, True


WRITE_REQUESTS = ("write_form", "write_post")


@dataclass
class Tally:
    # per kind of interaction; a write is two HTTP requests (its form, then its POST), timed
    # apart as "write_form" and "write_post" and together as "write"
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in [*MIX, *WRITE_REQUESTS]})
    errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def took(self, kind: str, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if problem:
                self.errors.append(f"{kind}: {problem}")


def sign_in(session: Session, username: str) -> None:
    status, page = session.request("GET", "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        raise SystemExit(f"login form: status {status}, no CSRF token")
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": PASSWORD, "next": "/incidents/"}
    status, _ = session.request("POST", "/login/", form)
    if status != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"{username} could not sign in (status {status})")


@dataclass
class Window:
    """When the measured mix starts (once every client has signed in) and when it stops, and
    the CPU seconds spent by then (gunicorn's processes, this process's clients)."""

    signed_in: threading.Barrier
    seconds: float
    server_pid: int = 0
    deadline: float = 0.0
    cpu_at_start: tuple[float, float] = (0.0, 0.0)

    def cpu(self) -> tuple[float, float]:
        return server_cpu(self.server_pid), time.process_time()


def client(number: int, port: int, journal: dict, window: Window, tally: Tally) -> None:
    rng = random.Random(number)
    session = Session(port)
    sign_in(session, USERS[number % len(USERS)])
    window.signed_in.wait()
    writes = 0
    while time.monotonic() < window.deadline:
        kind = rng.choices(list(MIX), list(MIX.values()))[0]
        incident = rng.choice(journal["incidents"])
        started = time.monotonic()
        try:
            if kind == "write":
                writes += 1
                problem = add_event(session, incident, f"{MARK} {number}-{writes}", tally)
            else:
                path = {
                    "dashboard": "/",
                    "incident_list": f"/incidents/?page={rng.randint(1, journal['pages'])}",
                    "incident_page": f"/incidents/{incident}/",
                    "scorecard": f"/providers/{rng.choice(journal['providers'])}/scorecard/",
                }[kind]
                status, _ = session.request("GET", path)
                problem = None if status == 200 else f"{path} answered {status}"
        except (OSError, http.client.HTTPException) as exc:  # timeouts and refused connections
            problem = f"{type(exc).__name__}: {exc}"
        tally.took(kind, time.monotonic() - started, problem)


def add_event(session: Session, incident: int, text: str, tally: Tally) -> str | None:
    """Open the add-event form, send it back as offered with ``text``; the problem, if any."""
    path = f"/incidents/{incident}/events/new/"
    started = time.monotonic()
    status, page = session.request("GET", path)
    tally.took("write_form", time.monotonic() - started)
    reader = FormReader(path)
    reader.feed(page)
    if status != 200 or not reader.action:
        return f"{path} answered {status} without the form"
    values = {**reader.values, "events-type": "observation", "events-text": text}
    if not values.get("events-at"):  # the form keeps the previous event's day, the time is typed
        values.update({"events-at": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}", "events-zone": "UTC"})
    started = time.monotonic()
    status, _ = session.request("POST", reader.action, values)
    tally.took("write_post", time.monotonic() - started)
    if status != 302:
        return f"POST {reader.action} answered {status}"
    with tally.lock:
        tally.written.append(text)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ask(env: dict[str, str], code: str):
    """What a line of Python run in the journal's Django shell prints, as JSON."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """Gunicorn on 127.0.0.1:``port``, its log in DATA_DIR/gunicorn.log, once it answers."""
    with open(Path(env["DATA_DIR"]) / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "journal.wsgi", "--config", str(ROOT / "gunicorn.conf.py")]
            + ["--bind", f"{HOST}:{port}", "--timeout", str(int(TIMEOUT) + 30), "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stderr=log,
        )
    for _ in range(300):
        try:
            if Session(port).request("GET", "/login/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn: requests still running get a few seconds, then it is killed."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by gunicorn's master ``pid`` and its workers (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _open(window: Window) -> None:
    window.cpu_at_start = window.cpu()
    window.deadline = time.monotonic() + window.seconds


def run(seconds: float, clients: int, incidents: int) -> dict:
    with throwaway_journal("loadtest") as env:
        build(env, incidents)
        journal = ask(
            env,
            "import json, math; from journal.models import Incident, Provider; "
            "print(json.dumps({'incidents': list(Incident.objects.values_list('pk', flat=True)), "
            "'providers': list(Provider.objects.values_list('pk', flat=True)), "
            "'pages': math.ceil(Incident.objects.count() / 25)}))",
        )
        port = free_port()
        server = serve(env, port)
        tally = Tally()
        window = Window(threading.Barrier(clients + 1, action=lambda: _open(window)), seconds, server.pid)
        try:
            threads = [
                threading.Thread(target=client, args=(n, port, journal, window, tally), daemon=True)
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            try:
                window.signed_in.wait(timeout=clients * TIMEOUT)
            except threading.BrokenBarrierError:
                raise SystemExit("not every client could sign in") from None
            started = time.monotonic()
            for thread in threads:
                thread.join(timeout=max(0.0, window.deadline + TIMEOUT + 5 - time.monotonic()))
            elapsed = time.monotonic() - started
            cpu = [after - before for before, after in zip(window.cpu_at_start, window.cpu(), strict=True)]
            load = os.getloadavg()[0]
        finally:
            stop(server)
        found = set(
            ask(
                env,
                "import json; from journal.models import TimelineEvent; print(json.dumps(list("
                f"TimelineEvent.objects.filter(text__startswith={MARK!r}).values_list('text', flat=True))))",
            )
        )
        log = (Path(env["DATA_DIR"]) / "gunicorn.log").read_text(errors="replace")
    result = summary(tally, elapsed, clients, incidents, found)
    result["worker_timeouts"] = log.count("WORKER TIMEOUT")  # workers killed mid-request by gunicorn
    # Where the two cores went: gunicorn per request (a write is two), the clients, and the
    # machine's load average at the end (above about 2.5, other processes were competing).
    result["server_cpu_ms_per_request"] = round(cpu[0] * 1000 / max(result["requests"], 1), 1)
    result["server_cpu_s"], result["client_cpu_s"], result["load_average_1min"] = (
        round(cpu[0], 1),
        round(cpu[1], 1),
        load,
    )
    result["gunicorn"] = {k: v for k, v in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items() if k in GUNICORN}
    return result


def summary(tally: Tally, elapsed: float, clients: int, incidents: int, found: set[str]) -> dict:
    def spread(values: list[float]) -> dict[str, float]:
        if len(values) < 2:
            return {"count": len(values)}
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return {"count": len(values), "p50_ms": round(cuts[49] * 1000), "p95_ms": round(cuts[94] * 1000)} | {
            "p99_ms": round(cuts[98] * 1000)
        }

    # every HTTP request once: a write's form and POST each count, the pair ("write") does not
    everything = [v for kind, values in tally.latencies.items() if kind != "write" for v in values]
    return {
        "clients": clients,
        "incidents": incidents,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "req_per_s": round(len(everything) / elapsed, 2),
        **spread(everything),
        "per_kind": {kind: spread(values) for kind, values in tally.latencies.items()},
        "errors": len(tally.errors),
        "first_errors": tally.errors[:5],
        "writes_acknowledged": len(tally.written),
        "writes_found": len(found & set(tally.written)),
        "writes_stored_unanswered": len(found - set(tally.written)),  # saved, but the client timed out
        "goal": "p95 < 500 ms, 0 errors, every write present afterwards",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--incidents", type=int, default=10_000)
    options = parser.parse_args()
    result = run(options.seconds, options.clients, options.incidents)
    vendor = database_vendor()
    print(f"loadtest {vendor}: {result['clients']} clients, {result['incidents']} incidents, {result['seconds']} s")
    print(
        f"  {result['requests']} requests, {result['req_per_s']} req/s, errors {result['errors']}, "
        f"gunicorn worker timeouts {result['worker_timeouts']}"
    )
    print(
        f"  gunicorn {result['gunicorn']}: {result['server_cpu_ms_per_request']} ms of CPU per request; "
        f"clients {result['client_cpu_s']} s CPU; load average at the end {result['load_average_1min']:.1f}"
    )
    spread = " · ".join(f"{cut} {result.get(cut + '_ms')} ms" for cut in ("p50", "p95", "p99"))
    print(f"  all HTTP requests: {spread}")
    for kind, figures in result["per_kind"].items():
        print(f"  {kind}{' (its form and its POST together)' if kind == 'write' else ''}: {figures}")
    for error in result["first_errors"]:
        print(f"  error: {error}")
    print(
        f"  writes: {result['writes_acknowledged']} acknowledged (302), {result['writes_found']} of them found "
        f"afterwards, {result['writes_stored_unanswered']} more stored whose answer timed out"
    )
    print(f"  goal: {result['goal']}")
    record("loadtest", {vendor: result})


if __name__ == "__main__":
    main()
