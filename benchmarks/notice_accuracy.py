"""How well the notice reader reads the corpus in tests/corpus/notices (cases.toml says what a
careful reader takes from each notice).

A window is *right* when the reader is sure and reads the expected one; *unsure-but-offered*
when it says it is unsure and the expected window is among the candidates it offers (or, for a
notice stating none, chooses none); *wrong* when it is sure of another window; *missing* when
the expected window is neither chosen nor offered. Targets and causes are right when the text
the case names is in what was read (and nothing is read where the notice names none).

Run alone: ``python benchmarks/notice_accuracy.py``.
"""

import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "notices"
NOW = datetime(2026, 11, 26, tzinfo=UTC)  # the day the corpus was written


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") if moment else "none"


def _outcome(claim, expected: tuple[str, str]) -> str:
    chosen = (_utc(claim.start), _utc(claim.end))
    if not claim.unsure:
        return "right" if chosen == expected else "wrong"
    offered = [(_utc(w.start), _utc(w.end)) for w in claim.windows]
    if expected in offered or (expected == ("none", "none") and claim.chosen is None):
        return "unsure_offered"
    return "missing"


def notice_accuracy() -> dict[str, int | float]:
    """Counts over the corpus, and the share of windows read right or honestly offered."""
    sys.path.insert(0, str(ROOT))
    from journal.notices import parse_notice

    cases = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
    counts = dict.fromkeys(("right", "unsure_offered", "wrong", "missing", "targets_right", "causes_right"), 0)
    for case in cases:
        text = (CORPUS / case["file"]).read_text(encoding="utf-8")
        claim = parse_notice(text, case["zone"], case.get("year"), now=NOW)
        counts[_outcome(claim, (case["start"], case["end"]))] += 1
        for field in ("target", "cause"):
            read, expected = getattr(claim, field), case[field]
            counts[f"{field}s_right"] += (expected in read) if expected else (read == "")
    total = len(cases)
    return {
        "notice_cases": total,
        "notice_windows_right": counts["right"],
        "notice_windows_unsure_but_offered": counts["unsure_offered"],
        "notice_windows_wrong": counts["wrong"],
        "notice_windows_missing": counts["missing"],
        "notice_targets_right": counts["targets_right"],
        "notice_causes_right": counts["causes_right"],
        "notice_windows_right_or_offered_share": round((counts["right"] + counts["unsure_offered"]) / total, 3),
    }


if __name__ == "__main__":
    for name, value in notice_accuracy().items():
        print(f"{name}: {value}")
