"""What changed between two versions of a notice, line by line (difflib), for the page to show
escaped: each line a (kind, text) pair, kind one of add, del, same, gap."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT = 2
MAX_LINES = 400  # lines of one diff shown


@dataclass(frozen=True)
class Line:
    kind: str
    text: str


def changes(before: str, after: str) -> list[Line]:
    lines: list[Line] = []
    for raw in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=CONTEXT):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(Line("gap", "…"))
        elif raw.startswith("+"):
            lines.append(Line("add", raw[1:]))
        elif raw.startswith("-"):
            lines.append(Line("del", raw[1:]))
        else:
            lines.append(Line("same", raw[1:]))
        if len(lines) >= MAX_LINES:
            lines.append(Line("gap", f"… more changes (first {MAX_LINES} lines shown)"))
            break
    return lines


def history(versions) -> list[tuple[object, list[Line]]]:
    """Each version (oldest first) with what changed since the one before (none for the first)."""
    out, before = [], None
    for version in versions:
        out.append((version, changes(before.text, version.text) if before is not None else []))
        before = version
    return out
