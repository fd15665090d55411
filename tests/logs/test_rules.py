import time
from functools import partial

import pytest

from journal.logs.rules import RULES, match, match_lines

EXAMPLES = {
    "sigterm": "Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.",
    "rc-stopping": "Jul 20 09:59:18 host kernel: Stopping cron.",
    "syslogd-exiting": "Jul 20 08:12:38 host syslogd: exiting on signal 15",
    "systemd-shutdown-target": "Mar 01 10:00:00 web systemd[1]: Reached target shutdown.target - System Shutdown.",
    "system-rebooting": "Mar 01 10:00:00 web systemd-logind[412]: System is rebooting.",
    "power-off": "Mar 01 10:00:01 web kernel: reboot: Power down",
    "shutdown-now": "Mar 01 09:59:00 web shutdown[2011]: reboot by root: kernel upgrade",
    "syslogd-restart": "Jul 20 08:39:19 host syslogd: restart",
    "rsyslogd-exiting": 'Nov 19 23:46:52 web rsyslogd[31440]: [origin software="rsyslogd" swVersion="8.2001.0" '
    'x-pid="31440" x-info="https://www.rsyslog.com"] exiting on signal 15.',
    "rsyslogd-start": 'Nov 19 23:48:10 web rsyslogd[611]: [origin software="rsyslogd" swVersion="8.2001.0" '
    'x-pid="611" x-info="https://www.rsyslog.com"] start',
    "syslog-ng-exiting": "Mar 18 08:11:00 alice syslog-ng[14]: syslog-ng shutting down; version='3.5.3'",
    "syslog-ng-start": "Mar 18 08:11:09 alice syslog-ng[14]: syslog-ng starting up; version='3.5.3'",
    "klogd-exiting": "Mar  9 21:10:02 fw kernel: Kernel log daemon terminating.",
    "klogd-start": "Mar  9 21:17:37 fw kernel: klogd 1.4.1, log source = /proc/kmsg started.",
    "journal-stopped": "Mar 01 10:00:02 web systemd-journald[312]: Journal stopped",
    "journal-started": "Mar 01 10:05:01 web systemd-journald[288]: Journal started",
    "systemd-shutdown": "Mar 01 10:00:02 web systemd-shutdown[1]: Syncing filesystems and block devices.",
    "openbsd-banner": "Apr  2 03:10:44 gw /bsd: OpenBSD 7.4 (GENERIC.MP) #1397: Tue Oct 10 09:02:37 MDT 2023",
    "kernel-cgroup-init": "Jan  5 02:03:11 c6 kernel: Initializing cgroup subsys cpuset",
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
    ("line", "name"),
    [
        ("Jul 20 09:59:19 host kernel: Waiting for PIDS: 1100", "rc-stopping"),
        ("Mar  3 06:25:04 old exiting on signal 15", "syslogd-exiting"),  # sysklogd writes no tag
        ("Mar  3 06:25:04 old syslogd 1.4.1: restart.", "syslogd-restart"),
        ("Apr 11 19:03:40 dapper syslogd 1.4.1#17ubuntu7: restart.", "syslogd-restart"),
        ("Apr  2 03:10:44 gw syslogd[5214]: start", "syslogd-restart"),
        ("Jun 19 09:36:44 pc systemd[1]: Reached target Final Step.", "systemd-shutdown-target"),
        ("Jun 19 09:36:44 pc systemd[1]: Reached target Power-Off.", "systemd-shutdown-target"),
        ("Jan  5 02:00:00 c6 init: Switching to runlevel: 6", "shutdown-now"),
        ("Jul 20 09:59:17 host reboot: rebooted by root", "shutdown-now"),
        ("Nov 29 00:37:35 spy kernel: Kernel logging (proc) stopped.", "klogd-exiting"),
        (
            'Nov 29 00:38:44 spy rsyslogd: [origin software="rsyslogd" swVersion="4.2.0" x-pid="936" '
            'x-info="http://www.rsyslog.com"] (re)start',
            "rsyslogd-start",
        ),
        ("[    0.000000] Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045)", "linux-version"),
        ("Jan  5 02:03:11 c6 kernel: [    0.000000] Initializing cgroup subsys cpuset", "kernel-cgroup-init"),
        ("-- Boot 3f2a9c1e0b6d4e4fa7b1c2d3e4f5a6b7 --", "journal-boot"),
        (
            "Mar 01 10:05:31 web systemd[1]: systemd 249.11-0ubuntu3.12 running in system mode (+PAM +AUDIT)",
            "systemd-startup",
        ),
    ],
)
def test_shapes_seen_in_real_logs(line, name):
    assert match(line).name == name


@pytest.mark.parametrize(
    "line",
    [
        # a user's systemd instance (pid != 1) ending at logout, not the host
        "Oct  8 20:34:41 web systemd[18692]: Reached target Shutdown.",
        "Aug 29 17:16:07 web systemd[365]: Reached target shutdown.target - Shutdown.",
        "Aug 29 17:16:07 web systemd[365]: Reached target exit.target - Exit the Session.",
        # daemons other than the logger exiting, and an application's panic
        "Mar 01 10:00:00 web ntpd[812]: ntpd exiting on signal 15",
        "Mar 01 10:00:00 web app[77]: panic: runtime error: index out of range",
        'Jul 08 05:30:00 nas rsyslogd[195293]: [origin software="rsyslogd" swVersion="8.2001.0" '
        'x-pid="195293" x-info="https://www.rsyslog.com"] rsyslogd was HUPed',
        "Mar 01 10:00:00 web systemd[1]: Stopping System Logging Service...",
        "Mar 01 10:00:00 web kernel: [ 2524.441119] eth0: link up",
    ],
)
def test_look_alikes_match_no_host_rule(line):
    rule = match(line)
    assert rule is None or rule.kind not in {"shutdown", "crash", "boot", "start"}


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


# Adversarial lines of at least 100 KB: long runs of each rule's keywords, of spaces, and of
# near-misses that fail at the very end; and a few shapes aimed at particular patterns.
FOR_EACH_RULE = {
    "keyword runs": lambda rule: " ".join(rule.keywords) * (100_000 // len(" ".join(rule.keywords)) + 1),
    "spaces": lambda rule: rule.keywords[0] + " " * 100_000 + "x",
    "near misses": lambda rule: (rule.keywords[0] + " x" * 40 + ".") * (100_000 // (len(rule.keywords[0]) + 81) + 1),
}
AIMED = {
    "reached target": "systemd[1]: Reached target " * 4000 + "a" * 1000,
    "brackets": 'systemd[1]: [origin software="rsyslogd" ' + "[" * 100_000,
    "digits": "syslogd " + "1." * 50_000 + ": restar",
    "XFS": "XFS (dev): " * 10_000 + "no err",
    "kernel zero": "kernel: [" + " " * 100_000 + "0.000000]",
}


def best_of_three(work) -> float:
    """CPU seconds the quickest of three runs took: the CPU time of this thread, not the wall
    clock, so that other processes on a busy machine do not count."""
    times = []
    for _ in range(3):
        started = time.thread_time()
        work()
        times.append(time.thread_time() - started)
    return min(times)


# A regex that backtracks on 100,000 characters takes minutes (quadratic: ~10^10 steps); a
# linear one takes milliseconds. The bound sits far from both, so a busy machine cannot fail it.
BACKTRACKING = 1.0


@pytest.mark.parametrize("shape", sorted(FOR_EACH_RULE))
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_is_linear_on_its_own_keywords(rule, shape):
    line = FOR_EACH_RULE[shape](rule)
    assert len(line) >= 100_000
    assert best_of_three(lambda: rule.regex.search(line)) < BACKTRACKING, f"{rule.name} took too long on {shape}"
    assert best_of_three(lambda: match(line)) < BACKTRACKING, f"matching took too long on {shape} of {rule.name}"


@pytest.mark.parametrize("shape", sorted(AIMED))
def test_every_rule_is_linear_on_aimed_input(shape):
    line = AIMED[shape]
    assert len(line) >= 100_000
    for rule in RULES:
        assert best_of_three(partial(rule.regex.search, line)) < BACKTRACKING, f"{rule.name} took too long on {shape}"
    assert best_of_three(lambda: match(line)) < BACKTRACKING
