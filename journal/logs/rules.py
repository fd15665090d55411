"""What a log line proves, as data. Each rule is a row: a name, the kind of fact it shows,
the words a line must contain before its pattern is tried (a fast screen), the pattern, and a
description. Add a rule by adding a row; every row has a test in tests/logs/test_rules.py.

Kinds, from the weakest evidence about the host to the strongest:
- ``stop``: one daemon was stopped (sshd's signal 15). The host may well go on.
- ``shutdown`` and ``crash``: the host's own shutdown (init, systemd's pid 1, the logger
  exiting, the kernel powering off) or a kernel panic.
- ``start``: the logger (re)started. That happens at boot, but also on a logger restart or a
  HUP from logrotate, so on its own it proves nothing.
- ``boot``: the kernel or pid 1 booting (a kernel banner, a journal boot marker).
- ``oom``, ``disk``, ``tls``: observations worth putting on the timeline.
Whether a run of these lines is a host going down is decided in journal/logs/suggest.py.

Every pattern is linear in the line's length: no unbounded quantifier is followed by anything
that could make it backtrack (gaps between words are bounded, e.g. ``.{0,80}?``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    keywords: tuple[str, ...]  # a line is tried against the pattern only if it holds one of these
    pattern: str
    description: str

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)


_PID = r"(?:\[\d{1,10}\])?"  # program[pid]: the pid is optional
_RSYSLOG = r"\[origin software=\"rsyslogd\"[^\]\n]{0,300}\]"

RULES = [
    # One daemon stopping
    Rule(
        "sigterm",
        "stop",
        ("signal 15", "SIGTERM"),
        r"\bReceived (?:signal 15|SIGTERM)\b",
        gettext_noop("a daemon was told to stop (signal 15)"),
    ),
    # The host shutting down
    Rule(
        "rc-stopping",
        "shutdown",
        ("Stopping ", "Waiting for PIDS"),
        r"\bStopping (?:cron|sshd)\.|\bWaiting for PIDS:",
        gettext_noop("rc is stopping services"),
    ),
    Rule(
        "syslogd-exiting",
        "shutdown",
        ("exiting on signal",),
        r"\bsyslogd(?:\[\d{1,10}\]| [\w.#~+-]{1,40})?: exiting on signal \d"
        r"|^\w{3} +\d{1,2} [\d:]{8} \S+ exiting on signal \d",
        gettext_noop("syslogd stopped"),
    ),
    Rule(
        "rsyslogd-exiting",
        "shutdown",
        ("exiting on signal",),
        rf"{_RSYSLOG} exiting on signal \d",
        gettext_noop("rsyslogd stopped"),
    ),
    Rule(
        "syslog-ng-exiting",
        "shutdown",
        ("syslog-ng",),
        r"\bsyslog-ng shutting down\b",
        gettext_noop("syslog-ng stopped"),
    ),
    Rule(
        "klogd-exiting",
        "shutdown",
        ("Kernel log daemon terminating", "Kernel logging (proc) stopped"),
        r"\bKernel log daemon terminating\b|\bKernel logging \(proc\) stopped\b",
        gettext_noop("the kernel log reader (klogd, rsyslog's imklog) stopped"),
    ),
    Rule(
        "journal-stopped",
        "shutdown",
        ("systemd-journald",),
        rf"\bsystemd-journald{_PID}: Journal stopped\b",
        gettext_noop("systemd's journal stopped"),
    ),
    Rule(
        "systemd-shutdown-target",
        "shutdown",
        ("systemd[1]: Reached target",),
        r"\bsystemd\[1\]: Reached target (?:[\w@.-]{1,64} - )?(?:System |Late )?"
        r"(?:Shutdown|Power-Off|Power Off|Reboot|Final Step|Halt)\b",
        gettext_noop("systemd (pid 1) reached a shutdown target"),
    ),
    Rule(
        "systemd-shutdown",
        "shutdown",
        ("systemd-shutdown[", "systemd[1]: Shutting down"),
        r"\bsystemd-shutdown\[\d{1,10}\]: |\bsystemd\[1\]: Shutting down\.",
        gettext_noop("systemd is shutting the host down"),
    ),
    Rule(
        "system-rebooting",
        "shutdown",
        ("System is ", "will reboot"),
        r"System is (?:rebooting|powering down|going down)|\bThe system will reboot\b",
        gettext_noop("the system announced a reboot"),
    ),
    Rule(
        "power-off",
        "shutdown",
        ("systemd[1]: Started Power-Off", "reboot"),
        r"\bsystemd\[1\]: Started Power-Off\b|\breboot: (?:Power down|Restarting system)\b",
        gettext_noop("the kernel is powering off"),
    ),
    Rule(
        "shutdown-now",
        "shutdown",
        ("shutdown", "reboot", "runlevel"),
        rf"\bshutdown{_PID}: (?:reboot|power-down|halt) by\b|\bshutting down for system\b"
        rf"|\breboot{_PID}: rebooted by\b|\bSwitching to runlevel: [06]\b",
        gettext_noop("shutdown(8), reboot(8) or init was told to stop the host"),
    ),
    Rule(
        "kernel-panic",
        "crash",
        ("panic",),
        r"\bKernel panic\b|\bkernel: panic: ",
        gettext_noop("kernel panic"),
    ),
    # The logger (re)starting
    Rule(
        "syslogd-restart",
        "start",
        ("syslogd",),
        r"\bsyslogd(?:\[\d{1,10}\]| [\w.#~+-]{1,40})?: (?:re)?start\b",
        gettext_noop("syslogd started"),
    ),
    Rule("rsyslogd-start", "start", ("rsyslogd",), rf"{_RSYSLOG} (?:\(re\))?start\b", gettext_noop("rsyslogd started")),
    Rule(
        "journal-started",
        "start",
        ("systemd-journald",),
        rf"\bsystemd-journald{_PID}: Journal started\b",
        gettext_noop("systemd's journal started"),
    ),
    Rule("syslog-ng-start", "start", ("syslog-ng",), r"\bsyslog-ng starting up\b", gettext_noop("syslog-ng started")),
    Rule(
        "klogd-start",
        "start",
        ("log source = ",),
        r"\b(?:klogd|imklog) [\w.#~+-]{1,40}, log source = \S{1,64} started\b",
        gettext_noop("the kernel log reader (klogd, rsyslog's imklog) started"),
    ),
    # The host booting
    Rule(
        "kernel-boot-file",
        "boot",
        ("kernel boot file",),
        r"\bkernel boot file is\b",
        gettext_noop("FreeBSD loaded its kernel"),
    ),
    Rule(
        "freebsd-copyright",
        "boot",
        ("The FreeBSD Project",),
        r"Copyright \(c\) 1992-\d{4} The FreeBSD Project",
        gettext_noop("FreeBSD kernel banner"),
    ),
    Rule("openbsd-banner", "boot", ("OpenBSD",), r"/bsd: OpenBSD \d{1,2}\.\d", gettext_noop("OpenBSD kernel banner")),
    Rule("linux-version", "boot", ("Linux version",), r"\bLinux version \d", gettext_noop("Linux kernel banner")),
    Rule(
        "kernel-cgroup-init",
        "boot",
        ("Initializing cgroup subsys cpuset",),
        r"\bkernel: (?:\[ {0,12}0\.000000\] )?Initializing cgroup subsys cpuset\b",
        gettext_noop("the kernel's first message after a boot on older kernels (before its banner)"),
    ),
    Rule(
        "journal-boot",
        "boot",
        ("-- Boot ", "-- Reboot --"),
        r"^-- (?:Reboot|Boot [0-9a-f]{1,64}) --$",
        gettext_noop("journalctl boot marker"),
    ),
    Rule(
        "systemd-startup",
        "boot",
        ("systemd[1]: ",),
        r"\bsystemd\[1\]: (?:Startup finished in\b|systemd \d{1,4}\S{0,40} running in system mode)",
        gettext_noop("systemd (pid 1) started"),
    ),
    # Observations
    Rule(
        "oom-killer",
        "oom",
        ("Out of memory", "oom"),
        r"\bOut of memory: Kill(?:ed)? process\b|\binvoked oom-killer\b|\boom-kill:",
        gettext_noop("the out-of-memory killer ran"),
    ),
    Rule(
        "disk-error",
        "disk",
        ("error", "Error", "ERROR", "full", "No space"),
        r"I/O error\b|EXT4-fs error\b|XFS \(\S{1,32}\): (?:Corruption|[\w ]{0,40}error)|Medium Error\b"
        r"|g_vfs_done\(\)\S{0,120}error = \d|UNRECOVERED READ ERROR\b|filesystem full\b|No space left on device",
        gettext_noop("disk or file-system error"),
    ),
    Rule(
        "tls-verify-fail",
        "tls",
        ("verify=FAIL",),
        r"\bverify=FAIL\b",
        gettext_noop("a TLS peer certificate failed verification"),
    ),
    Rule(
        "tls-cert-purpose",
        "tls",
        ("certificate purpose",),
        r"unsupported certificate purpose",
        gettext_noop("certificate not valid for this purpose"),
    ),
    Rule(
        "tls-verify-failed",
        "tls",
        ("certificate",),
        r"certificate verify failed|certificate has expired|self.signed certificate",
        gettext_noop("TLS certificate verification failed"),
    ),
]

BY_NAME = {rule.name: rule for rule in RULES}


def _fewest(words: set[str]) -> tuple[str, ...]:
    """The words no other word is part of: a line holding any keyword holds one of these."""
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


# Most lines match nothing: one search for any of these words over many lines rules them out
# cheaply; the rules' own keywords then decide which patterns to try.
SCREEN = _fewest({k for r in RULES for k in r.keywords})
_ANY_WORD = re.compile("|".join(re.escape(word) for word in sorted(SCREEN, key=len, reverse=True)))
_RULES_BY_KEYWORDS = [(rule.keywords, rule.regex, rule) for rule in RULES]


def match(text: str) -> Rule | None:
    """The first rule (in table order) whose pattern occurs in the line."""
    if not _ANY_WORD.search(text):
        return None
    for keywords, regex, rule in _RULES_BY_KEYWORDS:
        for keyword in keywords:
            if keyword in text:
                if regex.search(text):
                    return rule
                break
    return None


def match_lines(texts: list[str]) -> dict[int, Rule]:
    """match() for many lines: {index: rule} for the lines a rule matches. One search for the
    screen's words over all the lines finds the few worth trying."""
    joined = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    found: dict[int, Rule] = {}
    tried = -1
    for hit in _ANY_WORD.finditer(joined):
        index = bisect_right(starts, hit.start(), lo=max(tried, 0)) - 1
        if index != tried:
            tried = index
            if rule := match(texts[index]):
                found[index] = rule
    return found
