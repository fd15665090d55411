"""A realistic syslog for benchmarks: BSD-format lines from a handful of hosts and programs,
with a shutdown and a boot every so often. Deterministic (seeded)."""

import random
import sys
from datetime import UTC, datetime, timedelta

PROGRAMS = [
    ("sshd", "Accepted publickey for deploy from 203.0.113.{n} port {p} ssh2: ED25519 SHA256:abc{n}"),
    ("sshd", "Connection closed by authenticating user root 198.51.100.{n} port {p} [preauth]"),
    ("CRON", "(root) CMD (/usr/local/bin/backup --quiet {n})"),
    ("postfix/smtpd", "connect from mail-{n}.example.net[192.0.2.{n}]"),
    ("postfix/qmgr", "4F2A{p}: from=<alerts@example.org>, size={p}, nrcpt=1 (queue active)"),
    ("nginx", '10.0.0.{n} - - "GET /api/v1/items/{p} HTTP/1.1" 200 {p}'),
    ("kernel", "[UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.{n} DST=192.0.2.1 PROTO=TCP SPT={p} DPT=22"),
    ("systemd", "Started Session {p} of user deploy."),
    ("dovecot", "imap-login: Login: user=<u{n}>, method=PLAIN, rip=198.51.100.{n}, lip=192.0.2.1, TLS"),
]
SHUTDOWN = ["sshd[{pid}]: Received signal 15; terminating.", "kernel: Stopping cron.", "syslogd: exiting on signal 15"]
BOOT = [
    "syslogd: restart",
    "syslogd: kernel boot file is /boot/kernel/kernel",
    "kernel: Copyright (c) 1992-2024 The FreeBSD Project.",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def lines(count: int, seed: int = 7):
    rng = random.Random(seed)
    moment = datetime(2024, 1, 1, tzinfo=UTC)  # written as wall-clock readings, zone-less
    written = 0
    while written < count:
        moment += timedelta(milliseconds=rng.randint(10, 900))
        stamp = f"{MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S}"
        host = f"web{rng.randint(1, 4)}"
        if rng.random() < 0.0002:  # a reboot: shutdown, silence, boot
            for text in SHUTDOWN:
                yield f"{stamp} {host} {text.format(pid=rng.randint(100, 9999))}\n"
            moment += timedelta(minutes=rng.randint(6, 40))
            stamp = f"{MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S}"
            for text in BOOT:
                yield f"{stamp} {host} {text}\n"
            written += len(SHUTDOWN) + len(BOOT)
            continue
        program, template = rng.choice(PROGRAMS)
        message = template.format(n=rng.randint(1, 254), p=rng.randint(1024, 65535))
        yield f"{stamp} {host} {program}[{rng.randint(100, 99999)}]: {message}\n"
        written += 1


def write(path: str, count: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(lines(count))


def write_bytes(path: str, size: int) -> None:
    """A file of about ``size`` bytes."""
    with open(path, "w", encoding="utf-8") as fh:
        written = 0
        for line in lines(10**9):
            fh.write(line)
            written += len(line)
            if written >= size:
                return


if __name__ == "__main__":
    write(sys.argv[1], int(sys.argv[2]))
