"""The notice reader on a corpus of notices written for this project, each modelled on public
provider notices and status posts (tests/corpus/notices/cases.toml says where each shape was
seen and what a careful reader takes from it)."""

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from journal.notices import parse_notice

CORPUS = Path(__file__).parent / "corpus" / "notices"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
NOW = datetime(2026, 11, 26, tzinfo=UTC)  # the day the corpus was written: announced windows lie ahead


def utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") if moment else "none"


def read(case: dict):
    text = (CORPUS / case["file"]).read_text(encoding="utf-8")
    return parse_notice(text, case["zone"], case.get("year"), now=NOW)


def test_the_corpus_has_at_least_30_notices_in_both_languages_each_with_where_it_was_seen():
    assert len(CASES) >= 30
    assert sum(case["file"].startswith("jp_") for case in CASES) >= 12
    assert sum(case["file"].startswith("en_") for case in CASES) >= 12
    assert all(case["seen"].strip() for case in CASES)
    assert {case["file"] for case in CASES} == {path.name for path in CORPUS.glob("*.txt")}


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_each_notice_gives_its_window_or_says_it_is_unsure_and_offers_it(case):
    claim = read(case)
    expected = (case["start"], case["end"])
    if case.get("unsure"):
        assert claim.unsure and claim.reasons
        assert expected in [(utc(w.start), utc(w.end)) for w in claim.windows]
        assert claim.chosen.kind != "maintenance"
    else:
        assert not claim.unsure, claim.reasons
        assert (utc(claim.start), utc(claim.end)) == expected
        if case["start"] != "none":
            assert claim.approximate is case["approximate"]
            assert claim.chosen.kind == case["kind"]
            assert claim.chosen.text  # the lines it came from


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_each_notice_gives_its_target_and_cause(case):
    claim = read(case)
    for field in ("target", "cause"):
        if case[field]:
            assert case[field] in getattr(claim, field)
        else:
            assert getattr(claim, field) == ""


def test_the_accuracy_benchmark_counts_every_notice_and_none_is_wrong():
    from benchmarks.notice_accuracy import notice_accuracy

    figures = notice_accuracy()
    assert figures["notice_cases"] == len(CASES)
    assert figures["notice_windows_right"] + figures["notice_windows_unsure_but_offered"] == len(CASES)
    assert (figures["notice_windows_wrong"], figures["notice_windows_missing"]) == (0, 0)
    assert figures["notice_targets_right"] == figures["notice_causes_right"] == len(CASES)
