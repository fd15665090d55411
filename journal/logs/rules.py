"""What a log line proves, as data: each rule is a pattern, the kind of fact it shows, and a
description. Add a rule by adding a row; every row has a test in tests/logs/test_rules.py.

Kinds: ``shutdown`` and ``crash`` (the host went down), ``boot`` (it came up), and
``oom``, ``disk``, ``tls`` (observations worth putting on the timeline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    pattern: str
    description: str


RULES = [
    # Graceful shutdown
    Rule(
        "sigterm", "shutdown", r"\bReceived signal 15\b|\bReceived SIGTERM\b", "a daemon was told to stop (signal 15)"
    ),
    Rule("rc-stopping", "shutdown", r"\bStopping (?:cron|sshd)\.|\bWaiting for PIDS:", "rc is stopping services"),
    Rule(
        "syslogd-exiting", "shutdown", r"syslogd: exiting on signal 15|\bsyslogd.*exiting on signal", "syslogd stopped"
    ),
    Rule(
        "systemd-shutdown-target",
        "shutdown",
        r"Reached target .*(?:Shutdown|Power-Off|Reboot)\b",
        "systemd reached the shutdown target",
    ),
    Rule(
        "system-rebooting",
        "shutdown",
        r"System is (?:rebooting|powering down|going down)|\bThe system will reboot\b",
        "the system announced a reboot",
    ),
    Rule(
        "power-off",
        "shutdown",
        r"\bPower-Off\b|\breboot: Power down\b|\breboot: Restarting system\b",
        "the kernel is powering off",
    ),
    Rule(
        "shutdown-now",
        "shutdown",
        r"shutdown(?:\[\d+\])?: (?:reboot|power-down|halt) by\b|\bshutting down for system\b",
        "shutdown(8) was run",
    ),
    # Boot
    Rule("syslogd-restart", "boot", r"syslogd: restart\b|rsyslogd.*\bstart\b|\brsyslogd: \[origin", "syslogd started"),
    Rule("kernel-boot-file", "boot", r"\bkernel boot file is\b", "FreeBSD loaded its kernel"),
    Rule("freebsd-copyright", "boot", r"Copyright \(c\) 1992-\d{4} The FreeBSD Project", "FreeBSD kernel banner"),
    Rule("linux-version", "boot", r"\bLinux version \d", "Linux kernel banner"),
    Rule("journal-boot", "boot", r"^-- (?:Reboot|Boot [0-9a-f]+) --$", "journalctl boot marker"),
    Rule("systemd-startup", "boot", r"systemd\[1\]: Startup finished in\b", "systemd finished starting"),
    # Crashes
    Rule("kernel-panic", "crash", r"\bKernel panic\b|\bpanic: ", "kernel panic"),
    # Observations
    Rule(
        "oom-killer",
        "oom",
        r"\bOut of memory: Kill(?:ed)? process\b|\binvoked oom-killer\b|\boom-kill:",
        "the out-of-memory killer ran",
    ),
    Rule(
        "disk-error",
        "disk",
        r"\bI/O error\b|\bEXT4-fs error\b|\bXFS .*(?:error|corruption)\b|\bMedium Error\b|\bg_vfs_done\(\).*error\b"
        r"|\bUNRECOVERED READ ERROR\b|\bfilesystem full\b|No space left on device",
        "disk or file-system error",
    ),
    Rule("tls-verify-fail", "tls", r"\bverify=FAIL\b", "a TLS peer certificate failed verification"),
    Rule("tls-cert-purpose", "tls", r"unsupported certificate purpose", "certificate not valid for this purpose"),
    Rule(
        "tls-verify-failed",
        "tls",
        r"certificate verify failed|certificate has expired|self.signed certificate",
        "TLS certificate verification failed",
    ),
]

BY_NAME = {rule.name: rule for rule in RULES}
# One pass per line: every rule is a named group of one alternation; the first that matches wins.
_COMBINED = re.compile("|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(RULES)))


def match(text: str) -> Rule | None:
    """The first rule whose pattern occurs in the line."""
    found = _COMBINED.search(text)
    return RULES[int(found.lastgroup[1:])] if found else None
