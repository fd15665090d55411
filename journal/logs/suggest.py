"""From detected lines to the timeline events a log proves (pure: no ORM).

Walking the lines in file order with a state (unknown, up, down):
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
    """Fed every line in order; ``describe`` turns what is fed as a line into its text, only
    for the few lines a suggestion quotes."""

    def __init__(self, gap: timedelta = DEFAULT_GAP, describe: Callable[[Any], str] = str):
        self.gap = gap
        self.describe = describe
        self.state = "unknown"
        self.found: list[Suggestion] = []
        self._last: tuple[int, datetime, str] | None = None  # the last line with a time
        self._waiting: tuple[int, str, str] | None = None  # a detection still without a time
        self._last_observed: dict[str, datetime] = {}

    def feed(self, number: int, at: datetime | None, rule: str, summary: Any) -> None:
        """One line: its number, time (or None), the rule it matched ('' for none), and the line
        (text, or anything ``describe`` reads)."""
        if at is None:
            if rule:
                self._waiting = (number, rule, summary)
            return
        if self._waiting:
            waiting_number, waiting_rule, waiting_summary = self._waiting
            self._waiting = None
            self._detected(waiting_number, at, waiting_rule, waiting_summary)
        if rule:
            self._detected(number, at, rule, summary)
        self._last = (number, at, summary)

    def _detected(self, number: int, at: datetime, rule: str, summary: str) -> None:
        kind = BY_NAME[rule].kind
        if kind in DOWN_KINDS:
            if self.state != "down":
                self._suggest("down", at, number, rule, self.describe(summary))
                self.state = "down"
        elif kind == "boot":
            if self.state != "down" and self._last and at - self._last[1] > self.gap:
                last_number, last_at, last_summary = self._last
                silence = format_duration(at - last_at)
                self._suggest(
                    "down",
                    last_at,
                    last_number,
                    "silence",
                    f"last line before {silence} of silence ending in a boot: {last_summary}",
                )
                self.state = "down"
            if self.state == "down":
                self._suggest("up", at, number, rule, self.describe(summary))
            self.state = "up"
        else:
            previous = self._last_observed.get(rule)
            if previous is None or at - previous > self.gap:
                self._suggest("observation", at, number, rule, f"{BY_NAME[rule].description}: {self.describe(summary)}")
            self._last_observed[rule] = at

    def _suggest(self, kind: str, at: datetime, number: int, rule: str, text: str) -> None:
        self.found.append(Suggestion(kind, at, number, rule, text))
