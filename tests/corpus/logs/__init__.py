"""The log corpus: excerpts written for this project, modelled on real logs, each with the
down/up events a careful admin would read from it (cases.toml says where each shape was seen).

``detected`` runs the real importer on a case, so the tests and benchmarks/detector_accuracy.py
judge the same thing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    file: str
    zone: str
    year: int
    seen: str
    expect: tuple[tuple[str, str], ...]  # (down or up, "YYYY-MM-DD HH:MM:SS" in the zone)

    @property
    def data(self) -> bytes:
        return (HERE / self.file).read_bytes()


def cases() -> list[Case]:
    manifest = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))
    return [
        Case(c["file"], c["zone"], c["year"], c["seen"], tuple((kind, at) for kind, at in c["expect"]))
        for c in manifest["case"]
    ]


def detected(case: Case, incident) -> tuple[tuple[str, str], ...]:
    """The down/up suggestions the importer makes for the case's excerpt, stored on ``incident``."""
    from journal.logs.importer import read_excerpt
    from journal.models import LogExcerpt

    excerpt = LogExcerpt(incident=incident, name=case.file)
    excerpt.store(case.data)
    reading = read_excerpt(excerpt, case.zone, case.year)
    zone = ZoneInfo(case.zone)
    return tuple(
        (s.type, s.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"))
        for s in reading.suggestions
        if s.type in ("down", "up")
    )
