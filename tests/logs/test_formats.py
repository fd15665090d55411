import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.logs.clock import Clock
from journal.logs.formats import MAX_PID, UNPLACEABLE, parse_line


@pytest.mark.parametrize(
    ("line", "fmt", "host", "program", "pid", "message", "wall", "at"),
    [
        (
            "Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.",
            "rfc3164",
            "host",
            "sshd",
            1205,
            "Received signal 15; terminating.",
            (None, 7, 20, 8, 12, 37, 0),
            None,
        ),
        (
            "Jul 19 16:53:10 server sm-mta[7174]: STARTTLS=server, verify=FAIL",
            "rfc3164",
            "server",
            "sm-mta",
            7174,
            "STARTTLS=server, verify=FAIL",
            (None, 7, 19, 16, 53, 10, 0),
            None,
        ),
        (
            "Jul  4 08:12:37 host last message repeated 3 times",
            "rfc3164",
            "host",
            "",
            None,
            "last message repeated 3 times",
            (None, 7, 4, 8, 12, 37, 0),
            None,
        ),
        (
            "<13>Jan  1 00:00:01 fw kernel: Stopping cron.",
            "rfc3164",
            "fw",
            "kernel",
            None,
            "Stopping cron.",
            (None, 1, 1, 0, 0, 1, 0),
            None,
        ),
        (
            "Mar 01 10:00:00.123456 web systemd[1]: Reached target Shutdown.",
            "journal-short-precise",
            "web",
            "systemd",
            1,
            "Reached target Shutdown.",
            (None, 3, 1, 10, 0, 0, 123456),
            None,
        ),
        (
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed",
            "rfc5424",
            "mymachine.example.com",
            "su",
            None,
            "'su root' failed",
            None,
            datetime(2003, 10, 11, 22, 14, 15, 3000, UTC),
        ),
        (
            '<165>1 2003-10-11T22:14:15.003-07:00 host app 1234 ID47 [ex@32473 iut="3" src="x\\]"] An event',
            "rfc5424",
            "host",
            "app",
            1234,
            "An event",
            None,
            datetime(2003, 10, 12, 5, 14, 15, 3000, UTC),
        ),
        (
            "2024-03-01T10:00:00.123456+01:00 web kernel: Out of memory: Killed process 1234",
            "iso8601",
            "web",
            "kernel",
            None,
            "Out of memory: Killed process 1234",
            None,
            datetime(2024, 3, 1, 9, 0, 0, 123456, UTC),
        ),
        (
            "2024-03-01T10:00:00+0100 web sshd[99]: Accepted publickey",
            "journal-short-iso",
            "web",
            "sshd",
            99,
            "Accepted publickey",
            None,
            datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        ),
        (
            "2024-03-01T10:00:00 web cron[1]: no zone here",
            "iso8601",
            "web",
            "cron",
            1,
            "no zone here",
            (2024, 3, 1, 10, 0, 0, 0),
            None,
        ),
        (
            '{"__REALTIME_TIMESTAMP":"1342743157000000","_HOSTNAME":"web","SYSLOG_IDENTIFIER":"sshd","_PID":"1205",'
            '"MESSAGE":"Received signal 15"}',
            "journal-json",
            "web",
            "sshd",
            1205,
            "Received signal 15",
            None,
            datetime(2012, 7, 20, 0, 12, 37, tzinfo=UTC),
        ),
        (
            "[    0.000000] Linux version 6.1.0-18-amd64",
            "dmesg",
            "",
            "kernel",
            None,
            "Linux version 6.1.0-18-amd64",
            None,
            None,
        ),
        (
            "[Fri Jul 20 08:12:37 2012] EXT4-fs error (device sda1)",
            "dmesg-T",
            "",
            "kernel",
            None,
            "EXT4-fs error (device sda1)",
            (2012, 7, 20, 8, 12, 37, 0),
            None,
        ),
    ],
)
def test_each_format(line, fmt, host, program, pid, message, wall, at):
    """``wall``: the reading expected (year or None, month, day, hour, minute, second, µs)."""
    parsed = parse_line(line)
    assert (parsed.format, parsed.host, parsed.program, parsed.pid, parsed.message) == (
        fmt,
        host,
        program,
        pid,
        message,
    )
    assert parsed.at == at
    if wall is None:
        assert parsed.wall is None
    else:
        year, *rest = wall
        assert Clock(UTC, 2000).place(parsed.wall) == datetime(year or 2000, *rest, tzinfo=UTC)
    if fmt != "journal-json":
        assert parsed.prefix + parsed.message == line


def test_journal_json_with_a_binary_message():
    line = '{"__REALTIME_TIMESTAMP":"1342743157000000","MESSAGE":[104,105,255]}'
    assert parse_line(line).message == "hi\\xff"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "[...]",
        "-- Reboot --",
        "Copyright (c) 1979, 1980",
        "{not json",
        '{"MESSAGE": "no time"}',
        "2024-13-45T99:99:99 host x: y",
        "Foo 20 08:12:37 host x",
    ],
)
def test_lines_that_fit_no_format_are_not_parsed(line):
    assert parse_line(line) is None


# New formats. Lines written for these tests, modelled on real ones; where each shape was seen
# is recorded in tests/corpus/formats/MANIFEST.json.
@pytest.mark.parametrize(
    ("line", "fmt", "host", "program", "pid", "message", "wall"),
    [
        (" 3月 05 14:20:09 tk-vps01 kernel: virtio_net virtio0 eth0: link down", "rfc3164", "tk-vps01", "kernel",
         None, "virtio_net virtio0 eth0: link down", (None, 3, 5, 14, 20, 9, 0)),
        ("12月 31 23:59:40 lab-cn1 systemd[1]: 正在启动 apt", "rfc3164", "lab-cn1", "systemd", 1, "正在启动 apt",
         (None, 12, 31, 23, 59, 40, 0)),
        ("1월 01 00:04:30 seoul-db sshd[7710]: Received signal 15; terminating.", "rfc3164", "seoul-db", "sshd", 7710,
         "Received signal 15; terminating.", (None, 1, 1, 0, 4, 30, 0)),
        ("Mär 05 14:20:10 fra-web1 sshd[705]: Received signal 15", "rfc3164", "fra-web1", "sshd", 705,
         "Received signal 15", (None, 3, 5, 14, 20, 10, 0)),
        ("févr. 14 09:15:22 par-mx2 postfix/smtpd[2231]: connect", "rfc3164", "par-mx2", "postfix/smtpd", 2231,
         "connect", (None, 2, 14, 9, 15, 22, 0)),
        ("Tue 2024-03-05 14:20:09 IST blr-app1 systemd[1]: Started x.", "journal-short-full", "blr-app1", "systemd",
         1, "Started x.", (2024, 3, 5, 14, 20, 9, 0)),
        ("[火 3月  5 14:20:09 2024] virtio_net virtio0 eth0: link down", "dmesg-T", "", "kernel", None,
         "virtio_net virtio0 eth0: link down", (2024, 3, 5, 14, 20, 9, 0)),
        ("[화 12월 26 09:00:00 2024] usb 1-1: new device", "dmesg-T", "", "kernel", None, "usb 1-1: new device",
         (2024, 12, 26, 9, 0, 0, 0)),
        ("Jul 20 08:12:37  sshd[1205]: Received signal 15; terminating.", "rfc3164", "", "sshd", 1205,
         "Received signal 15; terminating.", (None, 7, 20, 8, 12, 37, 0)),
        ("Jul 20 08:39:19  kernel: Copyright (c) 1992-2012 The FreeBSD Project.", "rfc3164", "", "kernel", None,
         "Copyright (c) 1992-2012 The FreeBSD Project.", (None, 7, 20, 8, 39, 19, 0)),
        ("Jun 27 01:47:21 configd[17]: network changed", "rfc3164", "", "configd", 17, "network changed",
         (None, 6, 27, 1, 47, 21, 0)),
        ("Jun 20 17:26:13 ip-10-0-4-17 [CLOUDINIT] util.py[DEBUG]: Restoring selinux", "rfc3164", "ip-10-0-4-17",
         "util.py", None, "Restoring selinux", (None, 6, 20, 17, 26, 13, 0)),
        ("Jul 20 08:39:19 oldbox syslogd 1.4.1: restart.", "rfc3164", "oldbox", "syslogd", None, "restart.",
         (None, 7, 20, 8, 39, 19, 0)),
        ("Jun 27 01:48:02 air com.apple.xpc.launchd[1] (com.apple.mdworker.shared[4711]): Service exited", "rfc3164",
         "air", "com.apple.xpc.launchd", 1, "Service exited", (None, 6, 27, 1, 48, 2, 0)),
        ("[Tue Mar 05 14:33:51.020777 2024] [php:error] [pid 702:tid 1398] [client 198.51.100.9:40522] PHP Fatal",
         "apache-error", "", "php", 702, "PHP Fatal", (2024, 3, 5, 14, 33, 51, 20777)),
        ("[Thu Jul 19 17:01:44 2012] [notice] caught SIGTERM, shutting down", "apache-error", "", "", None,
         "caught SIGTERM, shutting down", (2012, 7, 19, 17, 1, 44, 0)),
        ("2024/03/05 14:20:30 [notice] 1230#1230: signal 15 (SIGTERM) received from 1, exiting", "nginx-error", "",
         "nginx", 1230, "signal 15 (SIGTERM) received from 1, exiting", (2024, 3, 5, 14, 20, 30, 0)),
        ("2024/03/05 14:20:09 [error] 1234#1234: *56 connect() failed", "nginx-error", "", "nginx", 1234,
         "connect() failed", (2024, 3, 5, 14, 20, 9, 0)),
    ],
)  # fmt: skip
def test_each_new_wall_clock_format(line, fmt, host, program, pid, message, wall):
    parsed = parse_line(line)
    assert (parsed.format, parsed.host, parsed.program, parsed.pid, parsed.message) == (
        fmt, host, program, pid, message
    )  # fmt: skip
    assert parsed.prefix + parsed.message == line
    year, *rest = wall
    assert Clock(UTC, 2000).place(parsed.wall) == datetime(year or 2000, *rest, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("Tue 2024-03-05 14:20:09 UTC ams-node4 kernel: x", datetime(2024, 3, 5, 14, 20, 9, tzinfo=UTC)),
        ("Thu 2024-07-11 23:05:40 JST osa-web1 kernel: x", datetime(2024, 7, 11, 14, 5, 40, tzinfo=UTC)),
        ("Sun 2024-10-27 02:30:00 CEST ber-db2 postgres[991]: x", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),
        ("Sun 2024-10-27 02:30:00 CET ber-db2 postgres[991]: x", datetime(2024, 10, 27, 1, 30, tzinfo=UTC)),
        ("Fri 2024-03-08 06:00:00 EST nyc-edge2 sshd[4242]: x", datetime(2024, 3, 8, 11, 0, tzinfo=UTC)),
        ("Fri 2024-03-08 06:00:07 +0530 blr-app1 systemd[1]: x", datetime(2024, 3, 8, 0, 30, 7, tzinfo=UTC)),
        ("火 2024-03-05 23:20:09 JST tk-vps01 kernel: x", datetime(2024, 3, 5, 14, 20, 9, tzinfo=UTC)),
    ],
)
def test_short_full_reads_the_zone_written(line, at):
    parsed = parse_line(line)
    assert (parsed.format, parsed.at, parsed.wall) == ("journal-short-full", at, None)


@pytest.mark.parametrize(
    ("line", "host", "program", "pid", "fmt"),
    [
        ("[    3.402913] ams-node4 systemd[1]: Hostname set.", "ams-node4", "systemd", 1, "journal-short-monotonic"),
        ("[ 8811.472001] ams-node4 kernel: Out of memory", "ams-node4", "kernel", None, "journal-short-monotonic"),
        # dmesg itself: the first word is the kernel subsystem or a tag, never a host
        ("[   73.022847] elogind[1873]: New session 1 of user emi.", "", "kernel", None, "dmesg"),
        ("[    0.000000] Command line: BOOT_IMAGE=/vmlinuz ro", "", "kernel", None, "dmesg"),
        ("[10642.764038] usb 1-5: USB disconnect, device number 2", "", "kernel", None, "dmesg"),
    ],
)
def test_short_monotonic_is_told_from_dmesg(line, host, program, pid, fmt):
    parsed = parse_line(line)
    assert (parsed.format, parsed.host, parsed.program, parsed.pid, parsed.at, parsed.wall) == (
        fmt, host, program, pid, None, None
    )  # fmt: skip


CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "formats"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text())["cases"]


@pytest.mark.parametrize("case", MANIFEST, ids=[case["file"] for case in MANIFEST])
def test_the_corpus_is_read_at_95_percent_in_its_formats(case):
    lines = (CORPUS / case["file"]).read_text(encoding="utf-8").splitlines()
    parsed = [parse_line(line) for line in lines]
    in_format = [p for p in parsed if p is not None and p.format in case["formats"]]
    assert len(in_format) >= 0.95 * len(lines), [line for line, p in zip(lines, parsed, strict=True) if p is None]
    assert case["seen"]  # every shape says where it was seen


def test_apache_error_lines_are_never_read_as_kernel_lines():
    lines = (CORPUS / "apache_error.log").read_text().splitlines()
    assert {(parse_line(line).format, parse_line(line).program) for line in lines} == {
        ("apache-error", "mpm_event"),
        ("apache-error", "core"),
        ("apache-error", "php"),
        ("apache-error", "proxy_fcgi"),
        ("apache-error", "authz_core"),
        ("apache-error", ""),
    }


@pytest.mark.parametrize(
    "line",
    [
        "0001-01-01T00:00:00+09:00 host kernel: year 1 east of UTC",
        "9999-12-31T23:59:59-14:00 host kernel: year 9999 west of UTC",
        "<13>1 0001-01-01T00:00:00+05:00 host app - - - before the calendar",
        "Fri 9999-12-31 23:00:00 EST host kernel: past the calendar",
        '{"__REALTIME_TIMESTAMP":"99999999999999999999","MESSAGE":"far future"}',
        '{"__REALTIME_TIMESTAMP":"-99999999999999999999","MESSAGE":"far past"}',
    ],
)
def test_a_time_no_calendar_holds_is_unplaceable_not_an_error(line):
    assert parse_line(line).at == UNPLACEABLE


@pytest.mark.parametrize(
    "line",
    [
        "<13>1 2024-03-05T14:20:09Z host app 99999999999 - - huge procid",
        "<13>1 2024-03-05T14:20:09Z host app 2147483648 - - one past the column",
        "<13>1 2024-03-05T14:20:09Z host app ² - - a digit int() refuses",
        '{"__REALTIME_TIMESTAMP":"1","_PID":"123456789012345678901234567890","MESSAGE":"x"}',
    ],
)
def test_a_pid_the_database_cannot_hold_is_no_pid(line):
    assert parse_line(line).pid is None


def test_journal_json_text_is_made_storable():
    line = '{"__REALTIME_TIMESTAMP":"1","_HOSTNAME":"h\\u0000x","MESSAGE":"a\\u0000b \\ud800 c"}'
    parsed = parse_line(line)
    assert (parsed.host, parsed.message) == ("h\\x00x", "a\\x00b \\ud800 c")
    parsed.message.encode("utf-8")  # no lone surrogate left


@given(st.text(max_size=200))
def test_any_text_parses_or_not_without_error_and_keeps_the_line(text):
    parsed = parse_line(text)
    if parsed is not None and parsed.format != "journal-json":
        assert parsed.prefix + parsed.message == text
        assert parsed.pid is None or 0 <= parsed.pid <= MAX_PID


N = 100_000
ADVERSARIAL = [
    "Jul 20 08:12:37 " + "a" * N,
    "Jul 20 08:12:37 host " + "a" * N,
    "Jul 20 08:12:37 host " + "a" * N + "[1",
    "Jul" + " " * N + "x",
    " 3月" + " " * N + "x",
    "Mär" + " " * N,
    "Tue 2024-03-05 14:20:09 UTC " + "a" * N,
    "[" + " " * N + "x",
    "[ 1.0] " + "a" * N,
    "[ 1.0] host " + "a" * N + "[1",
    "[Tue Mar 05 14:20:09 2024] [" + "a" * N,
    "[Tue Mar 05 14:20:09 2024] [core:error] [pid 1" + " " * N,
    "<13>1 " + "a " * (N // 2),
    "<13>1 - - - - - [" + "\\]" * (N // 2),
    "2024-03-05T14:20:09 " + "a" * N,
    "2024/03/05 14:20:09 [" + "a" * N,
    "{" + "[" * N,
    "1" * N,
]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_no_format_pattern_is_slow_on_adversarial_lines(line):
    """Every format's pattern is linear: 100 KB crafted to make backtracking patterns blow up
    is read (or refused) in under 50 ms (the best of three runs: the machine may be busy)."""
    taken = []
    for _ in range(3):
        started = time.perf_counter()
        parse_line(line)
        taken.append(time.perf_counter() - started)
    assert min(taken) < 0.05
