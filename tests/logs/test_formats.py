from datetime import UTC, datetime

import pytest

from journal.logs.clock import Clock
from journal.logs.formats import parse_line


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
