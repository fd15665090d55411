import pytest

from journal.logs.rules import RULES, match, match_lines

EXAMPLES = {
    "sigterm": "Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.",
    "rc-stopping": "Jul 20 09:59:18 host kernel: Stopping cron.",
    "syslogd-exiting": "Jul 20 08:12:38 host syslogd: exiting on signal 15",
    "systemd-shutdown-target": "Mar 01 10:00:00 web systemd[1]: Reached target System Shutdown.",
    "system-rebooting": "Mar 01 10:00:00 web systemd-logind[412]: System is rebooting.",
    "power-off": "Mar 01 10:00:01 web kernel: reboot: Power down",
    "shutdown-now": "Mar 01 09:59:00 web shutdown[2011]: reboot by root: kernel upgrade",
    "syslogd-restart": "Jul 20 08:39:19 host syslogd: restart",
    "kernel-boot-file": "Jul 20 08:39:19 host syslogd: kernel boot file is /boot/kernel/kernel",
    "freebsd-copyright": "Jul 20 08:39:19 host kernel: Copyright (c) 1992-2012 The FreeBSD Project.",
    "linux-version": "Mar 01 10:05:00 web kernel: Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)",
    "journal-boot": "-- Reboot --",
    "systemd-startup": "Mar 01 10:05:30 web systemd[1]: Startup finished in 2.1s (kernel) + 5.3s (userspace) = 7.4s.",
    "kernel-panic": "Mar 01 10:00:00 web kernel: Kernel panic - not syncing: Fatal exception",
    "oom-killer": "Mar 01 10:00:00 web kernel: Out of memory: Killed process 1234 (java) total-vm:8000000kB",
    "disk-error": "Mar 01 10:00:00 web kernel: blk_update_request: I/O error, dev sda, sector 123456",
    "tls-verify-fail": "Jul 19 16:53:10 server sm-mta[7174]: STARTTLS=server, relay=hoge.example.com [x.x.x.x], "
    "version=TLSv1/SSLv3, verify=FAIL, cipher=DHE-RSA-AES256-SHA, bits=256/256",
    "tls-cert-purpose": "Jul 19 16:55:09 server sm-mta[7174]: STARTTLS: TLS cert verify: depth=0 "
    "/C=JP/CN=hoge.example.com, state=0, reason=unsupported certificate purpose",
    "tls-verify-failed": "Mar 01 10:00:00 web postfix/smtp[88]: SSL_connect error: certificate verify failed",
}


def test_every_rule_has_an_example():
    assert {rule.name for rule in RULES} == set(EXAMPLES)


@pytest.mark.parametrize(("name", "line"), sorted(EXAMPLES.items()))
def test_each_rule_matches_its_example(name, line):
    assert match(line).name == name


@pytest.mark.parametrize(
    "line",
    [
        "Jul 20 09:59:19 host kernel: Waiting for PIDS: 1100",  # matches rc-stopping, not nothing
    ],
)
def test_rc_waiting_for_pids_is_a_shutdown(line):
    assert match(line).kind == "shutdown"


@pytest.mark.parametrize(
    "line",
    [
        "Jul 20 08:12:37 host sshd[1205]: Accepted publickey for deploy",
        "Jul 20 12:33:10 host kernel: Copyright (c) 1979, 1980, 1983, 1986, 1988, 1989, 1991, 1992, 1993, 1994",
        "Mar 01 10:00:00 web nginx: GET /error-page.html 200",
        "Mar 01 10:00:00 web app[1]: user typed 'certificate' into the search box",
        "Mar 01 10:00:00 web postfix/qmgr[9]: 4F2A: removed",
        "",
    ],
)
def test_ordinary_lines_match_nothing(line):
    assert match(line) is None


def test_many_lines_at_once_find_the_same_rules():
    lines = list(EXAMPLES.values()) + ["nothing here", "an error-free line"]
    assert {i: rule.name for i, rule in match_lines(lines).items()} == {
        i: match(line).name for i, line in enumerate(lines) if match(line)
    }
