"""From detected lines to the timeline events a log proves (pure: no ORM).

A host is down only when the log shows it going away, read the way an admin reads their own
logs:

- **Shutdown markers** (the rule kinds ``stop``, ``shutdown``, ``crash``) within
  ``SHUTDOWN_SPAN`` of each other form one shutdown. On their own they prove nothing: sshd
  restarts, a user's systemd instance stops at logout, the logger is restarted. They count only
  when the host then **goes silent and boots**, or when the **log ends** within
  ``SHUTDOWN_SPAN`` of a host-level marker (not a lone daemon's ``stop``).
- **A boot** is a ``boot`` line (a kernel banner, a journal boot marker, pid 1 starting). The
  boot began at the first line after the silence before it, when that silence (longer than
  ``gap``) ended at most ``BOOT_SPAN`` before the boot line (the logger's own start line usually
  comes first); else at the boot line itself. Boot lines within ``BOOT_SPAN`` of a boot are the
  same boot.
- A boot gives **down** and **up**: down at the first marker of the shutdown when the last line
  before the boot lies within ``SHUTDOWN_SPAN`` of it (a quick reboot needs no silence), else
  at that last line when a silence came before the boot (a crash with no shutdown lines); up
  at the boot's first line. A boot with neither, or at the very start of the log, proves
  nothing about before it; nor does one stamped before the host's last line (a clock set back
  at boot: no time to trust for the up).
- A logger ``start`` line soon after a shutdown opens the same window a silence does: a boot
  line within ``BOOT_SPAN`` makes it a quick reboot (up at the start line); none, and it was
  only the logger restarting. A ``start`` line at any other time (a HUP) proves nothing.
- Other detections (out of memory, disk, TLS) suggest an **observation**, one per rule within
  ``gap`` of the last one.

A detected line without a time (a journal "-- Reboot --" marker) takes the next line's time.
The caller feeds the detected lines, and every line while ``waiting`` is true (while a
detection waits for a time, and while a shutdown is open, to see whether the host goes on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journal.downtime import format_duration
from journal.logs.rules import BY_NAME

DEFAULT_GAP = timedelta(minutes=5)  # a silence: no line for longer than this
SHUTDOWN_SPAN = timedelta(minutes=5)  # a shutdown's markers, and the host's last line, lie within this
BOOT_SPAN = timedelta(minutes=5)  # the lines of one boot lie within this of its first line
SHUTDOWN_KINDS = {"stop", "shutdown", "crash"}
HOST_KINDS = {"shutdown", "crash"}  # markers of the host itself, not of one daemon


@dataclass(frozen=True)
class Suggestion:
    type: str  # down, up or observation
    at: datetime
    line: int
    rule: str
    text: str


@dataclass
class _Line:
    number: int
    at: datetime
    line: Any
    rule: str = ""


@dataclass
class _Shutdown:
    first: _Line
    last_at: datetime
    host: bool  # a host-level marker is among its lines


@dataclass
class _Break:
    """A silence, or the logger starting again after a shutdown: a boot may follow."""

    before: _Line  # the host's last line before it
    after: _Line  # the first line after it


class Suggester:
    """Fed the detected lines in file order (and every line while ``waiting``). ``describe``
    turns what is fed as a line into its text, only for the few lines a suggestion quotes."""

    def __init__(self, gap: timedelta = DEFAULT_GAP, describe: Callable[[Any], str] = str):
        self.gap = gap
        self.describe = describe
        self._found: list[Suggestion] = []
        self._untimed: tuple[int, str, Any] | None = None  # a detection still without a time
        self._shutdown: _Shutdown | None = None
        self._break: _Break | None = None  # the last break, while a boot may follow it
        self._booted_at: datetime | None = None
        self._last_at: datetime | None = None
        self._last_observed: dict[str, datetime] = {}

    @property
    def waiting(self) -> bool:
        """True while every line must be fed, not only the detected ones."""
        return self._untimed is not None or self._shutdown is not None

    @property
    def found(self) -> list[Suggestion]:
        """The suggestions, with a down for a shutdown the log ends in."""
        shutdown = self._shutdown
        if shutdown and shutdown.host and self._break is None and self._last_at - shutdown.last_at <= SHUTDOWN_SPAN:
            text = f"{self.describe(shutdown.first.line)} (a shutdown the log ends in)"
            return [
                *self._found,
                Suggestion("down", shutdown.first.at, shutdown.first.number, shutdown.first.rule, text),
            ]
        return list(self._found)

    def feed(self, number: int, at: datetime | None, rule: str, line: Any, previous: tuple | None) -> None:
        """One line: its number, time (or None), the rule it matched ('' for none), the line, and
        ``previous``: (number, time, line) of the last line with a time before it, or None."""
        if at is None:
            if rule:
                self._untimed = (number, rule, line)
            return
        before = _Line(*previous) if previous else None
        if self._untimed:
            untimed = _Line(self._untimed[0], at, self._untimed[2], self._untimed[1])
            self._untimed = None
            self._take(untimed, before)
            before = untimed  # the marker now stands just before this line
        self._take(_Line(number, at, line, rule), before)

    def _take(self, line: _Line, before: _Line | None) -> None:
        self._expire(line.at, before)
        if before and line.at - before.at > self.gap:
            self._break = _Break(before, line)
        self._last_at = line.at
        if not line.rule:
            return
        kind = BY_NAME[line.rule].kind
        if kind in SHUTDOWN_KINDS:
            self._marker(line, kind)
        elif kind == "boot":
            self._boot(line, before)
        elif kind == "start":
            if self._shutdown and self._break is None and before:
                self._break = _Break(before, line)
        else:
            self._observe(line)

    def _expire(self, at: datetime, before: _Line | None) -> None:
        """Forget what the host outlived: a break no boot followed, a shutdown it wrote on
        after (``before``, its line before this one, came too long after the shutdown)."""
        if self._break and at - self._break.after.at > BOOT_SPAN:
            self._break = None
            self._shutdown = None  # back without booting: only the logger had stopped
        shutdown = self._shutdown
        if shutdown and self._break is None and before and before.at - shutdown.last_at > SHUTDOWN_SPAN:
            self._shutdown = None

    def _marker(self, line: _Line, kind: str) -> None:
        shutdown = self._shutdown
        if shutdown is None or self._break is not None:
            self._shutdown = _Shutdown(line, line.at, kind in HOST_KINDS)
            self._break = None
        else:
            shutdown.last_at = line.at
            shutdown.host = shutdown.host or kind in HOST_KINDS

    def _boot(self, line: _Line, before: _Line | None) -> None:
        if self._booted_at is not None and self._shutdown is None and line.at - self._booted_at <= BOOT_SPAN:
            return  # more lines of the same boot
        pause = self._break
        if pause and line.at - pause.after.at <= BOOT_SPAN:
            before, first = pause.before, pause.after
        else:
            first = line
        shutdown = self._shutdown
        self._shutdown = self._break = None
        self._booted_at = first.at
        if before is None or first.at < before.at:
            return  # nothing known before it, or a clock set back at boot: no up to trust
        if shutdown and shutdown.first.at <= before.at and before.at - shutdown.last_at <= SHUTDOWN_SPAN:
            down = shutdown.first
            text = self.describe(down.line)
        elif first.at - before.at <= self.gap:
            return  # neither a shutdown nor a silence before it: nothing shows the host was away
        else:
            down = _Line(before.number, before.at, before.line, "silence")
            text = f"last line before {format_duration(first.at - before.at)} of silence ending in a boot: "
            text += self.describe(before.line)
        self._suggest("down", down, text)
        self._suggest(
            "up", _Line(first.number, first.at, first.line, first.rule or line.rule), self.describe(first.line)
        )

    def _observe(self, line: _Line) -> None:
        seen = self._last_observed.get(line.rule)
        if seen is None or line.at - seen > self.gap:
            self._suggest("observation", line, f"{BY_NAME[line.rule].description}: {self.describe(line.line)}")
        self._last_observed[line.rule] = line.at

    def _suggest(self, kind: str, line: _Line, text: str) -> None:
        self._found.append(Suggestion(kind, line.at, line.number, line.rule, text))
