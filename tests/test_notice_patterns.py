"""No pathological patterns in the notice reader: every compiled pattern and every entry point
runs on adversarial inputs of 100 KB and more within 50 ms; and no text makes the reader raise
or produce a date out of range."""

import re
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.notices import labels, parse_notice, reader, times, zones
from journal.views.evidence_forms import read_notice

LIMIT = 0.050  # seconds


def kb100(piece: str, then: str = "") -> str:
    """``piece`` repeated to 100 KB (UTF-8), then ``then``."""
    return piece * -(-100_000 // len(piece.encode())) + then


ADVERSARIAL = {
    "spaces then x": kb100(" ", "x"),
    "ideographic spaces then x": kb100("\u3000", "x"),
    "digits": kb100("1"),
    "repeated labels": kb100("発生日時:"),
    "repeated labels on lines": kb100("■発生日時\n"),
    "repeated tildes": kb100("～"),
    "repeated ranges": kb100("10:00～"),
    "repeated dates": kb100("2024年3月5日 "),
    "repeated posted lines": kb100("Posted Jul 16, 2024 - 09:05 UTC\n"),
    "repeated statuses": kb100("Resolved -\n"),
    "open brackets": kb100("【"),
    "open parentheses": kb100("("),
    "capitals": kb100("A"),
    "month names": kb100("Jan "),
    "newlines": kb100("\n"),
    "colons": kb100("12:"),
    "slashes": kb100("1/"),
    "ampm": kb100("PM "),
    "gogo": kb100("午後"),
    "offsets": kb100("UTC+"),
    "durations": kb100("lasting 1 hour and "),
    "spaces and newlines": kb100(" \n"),
    "a label then spaces": "発生日時 :" + kb100(" ", "x"),
}
PATTERNS = {
    f"{module.__name__}.{name}": value
    for module in (labels, reader, times, zones)
    for name, value in vars(module).items()
    if isinstance(value, re.Pattern)
}
INCIDENT = SimpleNamespace(year=2024, service=SimpleNamespace(time_zone="Asia/Tokyo"))


def read_notice_form(text: str):
    data = QueryDict(mutable=True)
    data.update({"notices-raw_text": text, "notices-zone": "Asia/Tokyo", "read_notice": "w3"})
    return read_notice(data, INCIDENT)


ENTRY_POINTS = {
    "parse_notice": lambda text: parse_notice(text, "Asia/Tokyo", 2024),
    "read_notice (the notice form)": read_notice_form,
    "read_moments": lambda text: times.read_moments(text, 2024, range(1970, 2030)),
    "first_zone": zones.first_zone,
    "zone_at": lambda text: zones.zone_at(text, 0),
    "duration_at": lambda text: times.duration_at(text, 0),
}


def fastest(run, text: str) -> float:
    """CPU seconds (not wall-clock: the machine may be shared) of the best of three runs."""
    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        run(text)
        best = min(best, time.thread_time() - started)
    return best


def test_the_inputs_are_adversarial_enough():
    assert all(len(text.encode()) >= 100_000 for text in ADVERSARIAL.values())
    assert len(PATTERNS) >= 15


@pytest.mark.parametrize("name", PATTERNS)
def test_every_pattern_is_linear(name):
    pattern = PATTERNS[name]

    def scan(text):
        pattern.search(text)
        pattern.match(text)
        for _ in pattern.finditer(text):
            pass

    slow = {label: seconds for label, text in ADVERSARIAL.items() if (seconds := fastest(scan, text)) > LIMIT}
    assert slow == {}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_every_entry_point_is_fast_on_adversarial_input(name):
    run = ENTRY_POINTS[name]
    slow = {label: seconds for label, text in ADVERSARIAL.items() if (seconds := fastest(run, text)) > LIMIT}
    assert slow == {}


def test_a_huge_notice_is_read_in_part_and_says_so():
    claim = parse_notice("発生日時: 2024/03/05 10:00\n" + "x" * 100_000, "Asia/Tokyo")
    assert claim.start == datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
    assert claim.unsure and "only the first 20,000 characters were read" in claim.reasons


PIECES = st.sampled_from(
    ["発生日時", "復旧日時", ":", "：", " ", "\n", "【", "】", "■", "～", "-", " to ", " between ", " and ",
     "2024", "9999", "0001", "1969", "年", "月", "日", "/", "12", "31", "29", "2", "25", "時", "分", "頃",
     "午後", "午前", "PM", "AM", ":00", ":59", "24:00", "UTC", "JST", "CEST", "GMT+14", "UTC-12", "Dec", "Feb 29",
     "lasting 99 hours", "約2時間", "Posted ", "Resolved - ", "Investigating\n", "翌日", "同日", "(金)", "令和元年",
     "maintenance", "メンテナンス期間"]
)  # fmt: skip


ZONES = st.sampled_from(["UTC", "Asia/Tokyo", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns"])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, max_size=40), zone=ZONES, year=st.one_of(st.none(), st.integers(1, 9999)))
def test_no_text_makes_the_reader_raise_or_read_a_date_out_of_range(pieces, zone, year):
    now = datetime(2026, 11, 26, tzinfo=UTC)
    text = "".join(pieces)
    claim = parse_notice(text, zone, year, now=now)
    for window in claim.windows:
        for moment in (window.start, window.end):
            assert moment is None or datetime(1970, 1, 1, tzinfo=UTC) <= moment <= now + timedelta(days=2 * 366)
    assert claim.unsure is bool(claim.reasons)
    assert (claim.start, claim.end) == ((claim.chosen.start, claim.chosen.end) if claim.chosen else (None, None))
    if claim.chosen and claim.chosen.kind == "maintenance" and any(w.kind != "maintenance" for w in claim.windows):
        title = next((line for line in text.splitlines()[:5] if line.strip()), "")  # a notice about maintenance
        assert "maintenance" in title or "メンテナンス" in title
