"""What a log line proves, as data. Each rule is a row: a name, the kind of fact it shows,
the words a line must contain before its pattern is tried (a fast screen), the pattern, and a
description. Add a rule by adding a row; every row has a test in tests/logs/test_rules.py.

Kinds: ``shutdown`` and ``crash`` (the host went down), ``boot`` (it came up), and
``oom``, ``disk``, ``tls`` (observations worth putting on the timeline).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate


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


RULES = [
    # Graceful shutdown
    Rule(
        "sigterm",
        "shutdown",
        ("signal 15", "SIGTERM"),
        r"\bReceived (?:signal 15|SIGTERM)\b",
        "a daemon was told to stop (signal 15)",
    ),
    Rule(
        "rc-stopping",
        "shutdown",
        ("Stopping ", "Waiting for PIDS"),
        r"\bStopping (?:cron|sshd)\.|\bWaiting for PIDS:",
        "rc is stopping services",
    ),
    Rule(
        "syslogd-exiting",
        "shutdown",
        ("exiting on signal",),
        r"syslogd(?:\[\d+\])?: exiting on signal",
        "syslogd stopped",
    ),
    Rule(
        "systemd-shutdown-target",
        "shutdown",
        ("Reached target",),
        r"Reached target .*(?:Shutdown|Power-Off|Reboot)\b",
        "systemd reached the shutdown target",
    ),
    Rule(
        "system-rebooting",
        "shutdown",
        ("System is ", "will reboot"),
        r"System is (?:rebooting|powering down|going down)|\bThe system will reboot\b",
        "the system announced a reboot",
    ),
    Rule(
        "power-off",
        "shutdown",
        ("Power-Off", "reboot: "),
        r"\bPower-Off\b|\breboot: (?:Power down|Restarting system)\b",
        "the kernel is powering off",
    ),
    Rule(
        "shutdown-now",
        "shutdown",
        ("shutdown",),
        r"shutdown(?:\[\d+\])?: (?:reboot|power-down|halt) by\b|\bshutting down for system\b",
        "shutdown(8) was run",
    ),
    # Boot
    Rule(
        "syslogd-restart",
        "boot",
        ("syslogd: restart", "rsyslogd"),
        r"syslogd: restart\b|rsyslogd(?:\[\d+\])?: \[origin software=\"rsyslogd\".*\] start",
        "syslogd started",
    ),
    Rule("kernel-boot-file", "boot", ("kernel boot file",), r"\bkernel boot file is\b", "FreeBSD loaded its kernel"),
    Rule(
        "freebsd-copyright",
        "boot",
        ("The FreeBSD Project",),
        r"Copyright \(c\) 1992-\d{4} The FreeBSD Project",
        "FreeBSD kernel banner",
    ),
    Rule("linux-version", "boot", ("Linux version",), r"\bLinux version \d", "Linux kernel banner"),
    Rule("journal-boot", "boot", ("-- ",), r"^-- (?:Reboot|Boot [0-9a-f]+) --$", "journalctl boot marker"),
    Rule(
        "systemd-startup",
        "boot",
        ("Startup finished",),
        r"systemd\[1\]: Startup finished in\b",
        "systemd finished starting",
    ),
    # Crashes
    Rule("kernel-panic", "crash", ("panic",), r"\bKernel panic\b|\bpanic: ", "kernel panic"),
    # Observations
    Rule(
        "oom-killer",
        "oom",
        ("Out of memory", "oom"),
        r"\bOut of memory: Kill(?:ed)? process\b|\binvoked oom-killer\b|\boom-kill:",
        "the out-of-memory killer ran",
    ),
    Rule(
        "disk-error",
        "disk",
        ("error", "Error", "ERROR", "full", "No space"),
        r"\bI/O error\b|\bEXT4-fs error\b|\bXFS \S+ .*(?:error|corruption)|\bMedium Error\b"
        r"|\bg_vfs_done\(\).*error|\bUNRECOVERED READ ERROR\b|\bfilesystem full\b|No space left on device",
        "disk or file-system error",
    ),
    Rule("tls-verify-fail", "tls", ("verify=FAIL",), r"\bverify=FAIL\b", "a TLS peer certificate failed verification"),
    Rule(
        "tls-cert-purpose",
        "tls",
        ("certificate purpose",),
        r"unsupported certificate purpose",
        "certificate not valid for this purpose",
    ),
    Rule(
        "tls-verify-failed",
        "tls",
        ("certificate",),
        r"certificate verify failed|certificate has expired|self.signed certificate",
        "TLS certificate verification failed",
    ),
]

BY_NAME = {rule.name: rule for rule in RULES}
# Most lines match nothing: one search for any keyword at all rules them out cheaply; the
# rules' own keywords then decide which patterns to try.
_ANY_KEYWORD = re.compile("|".join(re.escape(k) for k in sorted({k for r in RULES for k in r.keywords}, key=len)[::-1]))
_SCREEN = [(rule.keywords, rule.regex, rule) for rule in RULES]


def match(text: str) -> Rule | None:
    """The first rule (in table order) whose pattern occurs in the line."""
    if not _ANY_KEYWORD.search(text):
        return None
    for keywords, regex, rule in _SCREEN:
        for keyword in keywords:
            if keyword in text:
                if regex.search(text):
                    return rule
                break
    return None


def match_lines(texts: list[str]) -> dict[int, Rule]:
    """match() for many lines: {index: rule} for the lines a rule matches. One keyword search
    over all the lines finds the few worth trying."""
    joined = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    found: dict[int, Rule] = {}
    tried = -1
    for hit in _ANY_KEYWORD.finditer(joined):
        index = bisect_right(starts, hit.start(), lo=max(tried, 0)) - 1
        if index != tried:
            tried = index
            if rule := match(texts[index]):
                found[index] = rule
    return found
