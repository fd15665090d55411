"""A generated journal of N incidents for the scale measurements (issue 10), fast and seeded.

Shapes: 50 providers (a few much larger than the rest), two to four services each in zones
with and without DST, ten years of incidents, about 20 events per incident (down/up pairs,
degraded/up, noticed, actions, observations, status claims), notices with a claimed window,
support contacts, a few open incidents at the end, and one incident in ten with a log excerpt
whose shutdown and boot lines the down and up events were accepted from.

Where the shapes were seen: status claims follow the Investigating → Identified → Monitoring →
Resolved lifecycle of public status pages (statuspage.me/status-page-updates,
help.sorryapp.com/article/67-notice-compnent-statuses); the log lines follow the seed's
FreeBSD syslog (DESIGN.md) and benchmarks/syslog_gen.py.

``throwaway_journal(label)`` gives the environment of a journal of its own: a fresh DATA_DIR
(SQLite) or, when DATABASE_URL is set, a fresh database on that server, removed afterwards.
``python benchmarks/journal_gen.py N`` (run in such an environment) migrates, collects static
files, generates N incidents and adds the users USERS with password PASSWORD; it prints the
counts as JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SEED = 10
PROVIDERS = 50
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=3652)  # ten years
CHUNK = 500  # incidents written per round of bulk_create
USERS = [f"bench{n:02d}" for n in range(1, 21)]
PASSWORD = "bench-journal-password"  # a throwaway journal's, on 127.0.0.1 only

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
]
BRANDS = ["Nimbus", "Harbor", "Kestrel", "Lumen", "Quarry", "Saffron", "Tidal", "Vertex", "Willow", "Zephyr"]
TRADES = ["VPS", "Cloud", "Mail", "DNS", "Hosting"]
PLANS = ["vps-small", "vps-large", "mail", "dns", "object-store", "db-managed"]
CLAIMS = [
    "Investigating: we are looking into reports of {what}.",
    "Identified: the cause is {cause}; a fix is being applied.",
    "Monitoring: a fix is in place and we are watching {what}.",
    "Resolved: {what} has been stable since the fix.",
    "All systems operational.",
]
ACTIONS = [
    "Rebooted the VM from the control panel: not accepted.",
    "Opened the serial console: no output.",
    "Phoned support, gave the member ID.",
    "Switched DNS to the standby host.",
    "Restored the last snapshot on a spare machine.",
]
OBSERVATIONS = [
    "ping to the public address times out ({n} of 10 lost).",
    "HTTP checks from two regions fail with connect timeout.",
    "SSH banner answers after {n} s, then the session hangs.",
    "Mail queue on the relay holds {n} messages.",
    "Load average on the host graph shows {n}.",
]
WHAT = ["slow API responses", "unreachable VMs", "delayed mail delivery", "DNS resolution errors", "disk I/O stalls"]
CAUSES = ["a failed storage node", "a host under high load", "a network switch fault", "an expired certificate"]
NORMAL = [
    ("sshd", "Accepted publickey for deploy from 203.0.113.{n} port {p} ssh2"),
    ("postfix/smtpd", "connect from mail-{n}.example.net[192.0.2.{n}]"),
    ("cron", "(root) CMD (/usr/local/bin/backup --quiet)"),
    ("nginx", '10.0.0.{n} - - "GET /health HTTP/1.1" 200 {p}'),
]
SHUTDOWN = [
    ("sshd", "Received signal 15; terminating.", "sigterm"),
    ("kernel", "Stopping cron.", "rc-stopping"),
    ("syslogd", "exiting on signal 15", "syslogd-exiting"),
]
BOOT = [
    ("syslogd", "restart", "syslogd-restart"),
    ("syslogd", "kernel boot file is /boot/kernel/kernel", ""),
    ("kernel", "Copyright (c) 1992-2024 The FreeBSD Project.", ""),
]


def generate(incidents: int, seed: int = SEED) -> dict[str, int]:
    """Write a journal of ``incidents`` incidents into the configured database; its counts."""
    from journal.housekeeping.names import name_key
    from journal.models import Provider, Service, SupportChannel

    rng = random.Random(seed)
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"{BRANDS[n % 10]} {TRADES[n // 10]}",
            name_key=name_key(f"{BRANDS[n % 10]} {TRADES[n // 10]}"),  # bulk_create skips save()
            url=f"https://{BRANDS[n % 10].lower()}-{TRADES[n // 10].lower()}.example.com/",
            status_page_url=f"https://status.{BRANDS[n % 10].lower()}-{TRADES[n // 10].lower()}.example.com/",
        )
        for n in range(PROVIDERS)
    )
    SupportChannel.objects.bulk_create(
        channel
        for n, provider in enumerate(providers)
        for channel in (
            SupportChannel(provider=provider, channel="phone", time_zone=ZONES[n % len(ZONES)])
            if n % 3 == 0
            else SupportChannel(
                provider=provider,
                channel="phone",
                days="mon,tue,wed,thu,fri",
                opens=time(10),
                closes=time(18),
                time_zone=ZONES[n % len(ZONES)],
            ),
            SupportChannel(provider=provider, channel="form", time_zone="UTC"),
        )
    )
    services = Service.objects.bulk_create(
        Service(
            provider=provider,
            name=f"{PLANS[k]}-{n}",
            name_key=name_key(f"{PLANS[k]}-{n}"),
            host=f"{PLANS[k]}.{n}.example.net",
            time_zone=rng.choice(ZONES),
            is_trial=rng.random() < 0.05,
            sla_uptime="99.900" if k % 2 == 0 else None,
            sla_credits="99.9: 10, 99: 25, 95: 100" if k % 2 == 0 else "",
            sla_claim_days=30 if k % 2 == 0 else None,
        )
        for n, provider in enumerate(providers)
        for k in range(2 + n % 3)
    )
    # A few providers hold far more incidents than the rest, as in a real journal.
    weights = [1 / (providers.index(s.provider) + 1) ** 0.6 for s in services]
    counts = {"providers": len(providers), "services": len(services), "incidents": incidents}
    opened = max(3, incidents // 1000)
    for first in range(0, incidents, CHUNK):
        numbers = range(first, min(first + CHUNK, incidents))
        plans = [_plan(rng, n, incidents, rng.choices(services, weights)[0], n >= incidents - opened) for n in numbers]
        for name, written in _write(plans).items():
            counts[name] = counts.get(name, 0) + written
    from journal.totals.store import refresh_all

    refresh_all()  # bulk_create skips the signals that keep the stored totals current
    from django.db import connection

    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum gathers them soon after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _plan(rng: random.Random, n: int, total: int, service, is_open: bool) -> dict:
    """One incident's rows as plain values: kind, status, events, notices, contacts, log."""
    began = START + (END - START) * (n + rng.random()) / total
    kind = rng.choices(["outage", "degradation", "defect", "maintenance"], [70, 15, 5, 10])[0]
    events, t = [], began
    if kind in ("outage", "maintenance"):
        pairs = rng.choice([1, 1, 1, 2, 2, 3])
        for pair in range(pairs):
            up = t + timedelta(minutes=rng.randint(3, 180))
            events.append((t, "down", "person", "Unreachable from the monitoring host."))
            if not (is_open and pair == pairs - 1):
                events.append((up, "up", "person", "Answers again."))
            t = up + timedelta(minutes=rng.randint(5, 90))
    elif kind == "degradation":
        t = began + timedelta(minutes=rng.randint(10, 240))
        events.append((began, "degraded", "person", "Responses take several seconds."))
        if not is_open:
            events.append((t, "up", "person", "Response times back to normal."))
    span = max(t - began, timedelta(minutes=30))
    what, cause = rng.choice(WHAT), rng.choice(CAUSES)
    events.append((began + timedelta(minutes=rng.randint(1, 30)), "noticed", "person", "Noticed from an alert."))
    for _ in range(rng.randint(14, 26) - len(events)):
        at = began - timedelta(minutes=10) + span * rng.random()
        kind_of = rng.choices(["status_claimed", "action", "observation"], [2, 3, 5])[0]
        if kind_of == "status_claimed":
            text, source = rng.choice(CLAIMS).format(what=what, cause=cause), "notice"
        elif kind_of == "action":
            text, source = rng.choice(ACTIONS), rng.choice(["person", "support"])
        else:
            text, source = rng.choice(OBSERVATIONS).format(n=rng.randint(1, 99)), "person"
        events.append((at, kind_of, source, text))
    notices = []
    if kind in ("outage", "maintenance", "degradation") and rng.random() < 0.6:
        for _ in range(1 if rng.random() < 0.8 else 2):
            start = began + timedelta(minutes=rng.randint(-20, 40))
            notices.append(
                {
                    "retrieved_at": t + timedelta(hours=rng.randint(1, 48)),
                    "claimed_start": start,
                    "claimed_end": start + span * rng.uniform(0.5, 2.5),
                    "approximate": rng.random() < 0.3,
                    "target": service.host,
                    "cause": cause,
                }
            )
    contacts = [
        {
            "channel": rng.choice(["phone", "form", "email"]),
            "initiated_by": "provider" if rng.random() < 0.15 else "user",
            "opened_at": (opened := began + timedelta(minutes=rng.randint(5, 120))),
            "first_response_at": opened + timedelta(minutes=rng.randint(2, 1440)) if rng.random() < 0.9 else None,
            "helpfulness": rng.randint(1, 5),
        }
        for _ in range(rng.choice([0, 0, 1, 1, 2]))
    ]
    with_log = kind == "outage" and not is_open and n % 10 == 0
    return {
        "uid": uuid.UUID(int=rng.getrandbits(128), version=4),
        "service": service,
        "title": f"{what.capitalize()} on {service.host}",
        "kind": kind,
        "status": "open" if is_open else "resolved",
        "began": began,
        "events": sorted(events),
        "notices": notices,
        "contacts": contacts,
        "log": _log(rng, service, events) if with_log else None,
    }


def _log(rng: random.Random, service, events: list) -> dict:
    """A short syslog around the first down and up: the lines, and which ones they prove."""
    down = next(e[0] for e in events if e[1] == "down")
    up = next(e[0] for e in events if e[1] == "up")
    zone, host = ZoneInfo(service.time_zone), service.host.split(".")[0]
    rows, proves = [], {}
    moments = [down - timedelta(minutes=40 - m * 3) for m in range(12)]
    moments += [down] * 3 + [up] * 3 + [up + timedelta(minutes=m * 2 + 1) for m in range(12)]
    for number, at in enumerate(moments, start=1):
        if 13 <= number <= 15:
            program, message, rule = SHUTDOWN[number - 13]
        elif 16 <= number <= 18:
            program, message, rule = BOOT[number - 16]
        else:
            program, template = rng.choice(NORMAL)
            message, rule = template.format(n=rng.randint(1, 254), p=rng.randint(1024, 65535)), ""
        pid = rng.randint(100, 9999) if program != "kernel" else None
        local = at.astimezone(zone)
        prefix = f"{local:%b} {local.day:2d} {local:%H:%M:%S} {host} {program}{f'[{pid}]' if pid else ''}: "
        rows.append({"number": number, "at": at, "host": host, "program": program, "pid": pid, "prefix": prefix})
        rows[-1].update(message=message, rule=rule)
        if rule in ("sigterm", "syslogd-restart"):
            proves["down" if rule == "sigterm" else "up"] = number
    return {"lines": rows, "proves": proves, "year": down.astimezone(zone).year}


def _write(plans: list[dict]) -> dict[str, int]:
    """Bulk-create one chunk of planned incidents; rows written per table."""
    from django.conf import settings

    from journal.models import (
        Incident,
        LogExcerpt,
        LogLine,
        ProviderNotice,
        SupportContact,
        TimelineEvent,
        log_upload_path,
        sha256_hex,
    )

    incidents = Incident.objects.bulk_create(
        Incident(uid=p["uid"], service=p["service"], title=p["title"], kind=p["kind"], status=p["status"])
        for p in plans
    )
    for incident, plan in zip(incidents, plans, strict=True):  # written when it happened, not now
        incident.created_at = incident.updated_at = plan["began"] + timedelta(minutes=15)
    Incident.objects.bulk_update(incidents, ["created_at", "updated_at"], batch_size=250)

    logged = [(i, p) for i, p in zip(incidents, plans, strict=True) if p["log"]]
    excerpts = []
    for incident, plan in logged:
        raw = "".join(row["prefix"] + row["message"] + "\n" for row in plan["log"]["lines"]).encode()
        excerpt = LogExcerpt(
            incident=incident,
            name="messages",
            size=len(raw),
            sha256=sha256_hex(raw),
            uploaded_at=plan["began"] + timedelta(hours=3),
            encoding="utf-8",
            time_zone=plan["service"].time_zone,
            year=plan["log"]["year"],
            line_count=len(plan["log"]["lines"]),
            parsed_count=len(plan["log"]["lines"]),
            formats={"rfc3164": len(plan["log"]["lines"])},
            first_at=plan["log"]["lines"][0]["at"],
            last_at=plan["log"]["lines"][-1]["at"],
            parsed_at=plan["began"] + timedelta(hours=3),
        )
        excerpt.raw.name = log_upload_path(excerpt, "")
        path = Path(settings.MEDIA_ROOT) / excerpt.raw.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        excerpts.append(excerpt)
    LogExcerpt.objects.bulk_create(excerpts)
    lines = LogLine.objects.bulk_create(
        LogLine(excerpt=excerpt, format="rfc3164", **row)
        for excerpt, (_, plan) in zip(excerpts, logged, strict=True)
        for row in plan["log"]["lines"]
    )
    line_of = {(line.excerpt.incident_id, line.number): line for line in lines}

    def event(incident: Incident, plan: dict, at, type_, source, text) -> TimelineEvent:
        number = plan["log"]["proves"].get(type_) if plan["log"] else None
        if number and at == plan["log"]["lines"][number - 1]["at"]:
            return TimelineEvent(
                incident=incident, at=at, type=type_, source="log", text=text, log_line=line_of[incident.pk, number]
            )
        return TimelineEvent(incident=incident, at=at, type=type_, source=source, text=text)

    pairs = list(zip(incidents, plans, strict=True))
    events = TimelineEvent.objects.bulk_create(
        (event(i, p, *e) for i, p in pairs for e in p["events"]), batch_size=2000
    )
    notices = ProviderNotice.objects.bulk_create(
        ProviderNotice(incident=i, raw_text=(text := _notice_text(p, n)), sha256=sha256_hex(text.encode()), **n)
        for i, p in pairs
        for n in p["notices"]
    )
    contacts = SupportContact.objects.bulk_create(
        SupportContact(provider=p["service"].provider, incident=i, **c) for i, p in pairs for c in p["contacts"]
    )
    return {
        "events": len(events),
        "log_events": sum(1 for e in events if e.log_line_id),
        "notices": len(notices),
        "contacts": len(contacts),
        "log_excerpts": len(excerpts),
        "log_lines": len(lines),
        "open_incidents": sum(1 for p in plans if p["status"] == "open"),
    }


def _notice_text(plan: dict, notice: dict) -> str:
    zone = ZoneInfo(plan["service"].time_zone)
    start, end = notice["claimed_start"].astimezone(zone), notice["claimed_end"].astimezone(zone)
    around = " (approximately)" if notice["approximate"] else ""
    return (
        f"Incident report: {plan['title']}\n"
        f"Start: {start:%Y-%m-%d %H:%M} {zone.key}{around}\n"
        f"End: {end:%Y-%m-%d %H:%M} {zone.key}{around}\n"
        f"Target: {notice['target']}\nCause: {notice['cause']}\n"
    )


# ------------------------------------------------------------------- throwaway journals


@contextlib.contextmanager
def throwaway_journal(label: str) -> Iterator[dict[str, str]]:
    """The environment of a journal of its own (fresh DATA_DIR; with DATABASE_URL set, a fresh
    PostgreSQL database on the same server), removed when the block ends."""
    data_dir = tempfile.mkdtemp(prefix=f"journal-{label}-")
    env = {
        **os.environ,
        "DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "journal.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
    }
    server = os.environ.get("DATABASE_URL")
    name = f"bench_{label}_{os.getpid()}".replace("-", "_")
    if server:
        _admin(server, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        if server:
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def database_vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"


def _admin(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(server)._replace(path="/postgres")), autocommit=True) as db:
        db.execute(statement)


def build(env: dict[str, str], incidents: int) -> dict[str, int]:
    """Generate a journal of ``incidents`` in ``env`` (a process of its own); its counts."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), str(incidents)], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(incidents: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction

    from journal.roles import Role

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with transaction.atomic():
        counts = generate(incidents)
        password = make_password(PASSWORD)
        users = get_user_model().objects.bulk_create(get_user_model()(username=u, password=password) for u in USERS)
        editors, _ = Group.objects.get_or_create(name=Role.EDITOR)  # writers: a user in no group only reads
        editors.user_set.add(*users)
    print(json.dumps(counts))


if __name__ == "__main__":
    main(int(sys.argv[1]))
