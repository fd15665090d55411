"""From detected lines to the timeline events a log proves (pure: no ORM).

Walking the detected lines in file order with a state (unknown, up, down):
- a shutdown or crash line while not down suggests **down** at that line;
- a boot line while down suggests **up** at that line;
- a boot line after a silence longer than ``gap`` while not down suggests **down** at the
  last line before the silence and **up** at the boot;
- other detections (out of memory, disk, TLS) suggest an **observation**, one per rule
  within ``gap`` of the last one.
A detected line without a time (a journal "-- Reboot --" marker) takes the next line's time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journal.downtime import format_duration
from journal.logs.rules import BY_NAME

DEFAULT_GAP = timedelta(minutes=5)
DOWN_KINDS = {"shutdown", "crash"}


@dataclass(frozen=True)
class Suggestion:
    type: str  # down, up or observation
    at: datetime
    line: int
    rule: str
    text: str


class Suggester:
    """Fed the detected lines in file order (and, while a detection waits for a time, the lines
    after it). ``describe`` turns what is fed as a line into its text, only for the few lines a
    suggestion quotes."""

    def __init__(self, gap: timedelta = DEFAULT_GAP, describe: Callable[[Any], str] = str):
        self.gap = gap
        self.describe = describe
        self.state = "unknown"
        self.found: list[Suggestion] = []
        self.waiting: tuple[int, str, Any] | None = None  # a detection still without a time
        self._last_observed: dict[str, datetime] = {}

    def feed(self, number: int, at: datetime | None, rule: str, line: Any, previous: tuple | None) -> None:
        """One line: its number, time (or None), the rule it matched ('' for none), the line, and
        ``previous``: (number, time, line) of the last line with a time before it, or None."""
        if at is None:
            if rule:
                self.waiting = (number, rule, line)
            return
        if self.waiting:
            waiting_number, waiting_rule, waiting_line = self.waiting
            self.waiting = None
            self._detected(waiting_number, at, waiting_rule, waiting_line, previous)
        if rule:
            self._detected(number, at, rule, line, previous)

    def _detected(self, number: int, at: datetime, rule: str, line: Any, previous: tuple | None) -> None:
        kind = BY_NAME[rule].kind
        if kind in DOWN_KINDS:
            if self.state != "down":
                self._suggest("down", at, number, rule, self.describe(line))
                self.state = "down"
        elif kind == "boot":
            if self.state != "down" and previous and at - previous[1] > self.gap:
                last_number, last_at, last_line = previous
                silence = format_duration(at - last_at)
                text = f"last line before {silence} of silence ending in a boot: {self.describe(last_line)}"
                self._suggest("down", last_at, last_number, "silence", text)
                self.state = "down"
            if self.state == "down":
                self._suggest("up", at, number, rule, self.describe(line))
            self.state = "up"
        else:
            seen = self._last_observed.get(rule)
            if seen is None or at - seen > self.gap:
                self._suggest("observation", at, number, rule, f"{BY_NAME[rule].description}: {self.describe(line)}")
            self._last_observed[rule] = at

    def _suggest(self, kind: str, at: datetime, number: int, rule: str, text: str) -> None:
        self.found.append(Suggestion(kind, at, number, rule, text))
