"""journal.bounds: the ranges every door checks, at their edges."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal import bounds
from journal.models import ProviderNotice, Service, SupportContact, TimelineEvent

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        (bounds.EARLIEST, None),
        (bounds.EARLIEST - timedelta(microseconds=1), "before 1970-01-01"),
        (NOW + bounds.SKEW, None),
        (NOW + bounds.SKEW + timedelta(seconds=1), "later than now"),
        (date(2026, 11, 26), None),
        (date(2026, 11, 27), "later than now"),
        (datetime(1, 1, 1, tzinfo=UTC), "before 1970-01-01"),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "later than now"),
    ],
)
def test_a_time_that_happened_lies_between_1970_and_now(moment, problem):
    assert bounds.happened_problem(moment, NOW) == problem


def test_an_announced_time_may_lie_up_to_two_years_ahead():
    assert bounds.announced_problem(NOW + bounds.AHEAD, NOW) is None
    assert bounds.announced_problem(NOW + bounds.AHEAD + timedelta(seconds=1), NOW) == "more than two years ahead"
    assert bounds.announced_problem(date(1969, 12, 31), NOW) == "before 1970-01-01"


@pytest.mark.parametrize(("year", "ok"), [(1969, False), (1970, True), (2027, True), (2028, False), (10**40, False)])
def test_a_year_lies_between_1970_and_next_year(year, ok):
    assert (bounds.year_problem(year, NOW) is None) == ok


@pytest.mark.parametrize(
    ("value", "single_line", "problem"),
    [
        ("fine", True, None),
        ("two\nlines", False, None),
        ("two\nlines", True, "contains a line break (this field is one line)"),
        ("a\u2028b", True, "contains a line break (this field is one line)"),
        ("a\x00b", False, "contains a NUL character"),
        ("a\ud800", False, "contains a lone surrogate (not Unicode text)"),
        ("tab\tis fine", True, None),
    ],
)
def test_text(value, single_line, problem):
    assert bounds.text_problem(value, single_line) == problem


def test_problems_name_each_field_with_the_range_of_its_kind():
    notice = ProviderNotice(
        url="https://a.example/\nx",
        retrieved_at=NOW + timedelta(days=1),
        raw_text="ok",
        claimed_start=NOW + timedelta(days=300),
        claimed_end=NOW + timedelta(days=1000),
        target="t\x00",
    )
    assert bounds.problems(notice, NOW) == {
        "url": "contains a line break (this field is one line)",
        "retrieved_at": "later than now",
        "claimed_end": "more than two years ahead",
        "target": "contains a NUL character",
    }
    assert bounds.problems(Service(name="s", sla_claim_days=3661, ended_on=date(2027, 6, 1)), NOW) == {
        "sla_claim_days": "not a whole number from 0 to 3660"
    }
    assert bounds.problems(SupportContact(channel="phone", opened_at=NOW, helpfulness=0), NOW) == {
        "helpfulness": "not a whole number from 1 to 5"
    }


@given(st.datetimes(timezones=st.timezones()))  # the whole calendar, any zone
def test_any_aware_datetime_is_judged_without_raising(moment):
    problem = bounds.happened_problem(moment, NOW)
    assert problem in (None, "before 1970-01-01", "later than now")
    assert bounds.problems(TimelineEvent(at=moment, type="down"), NOW).get("at") == problem
