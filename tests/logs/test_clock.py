from datetime import UTC, datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.logs.clock import Clock

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")


def test_year_less_times_take_the_given_year_and_zone():
    clock = Clock(TOKYO, 2012)
    assert clock.place((None, 7, 20, 8, 12, 37, 0)) == datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC)


def test_december_to_january_rolls_over_to_the_next_year():
    clock = Clock(UTC, 2012)
    assert clock.place((None, 12, 31, 23, 59, 58, 0)).year == 2012
    assert clock.place((None, 1, 1, 0, 0, 3, 0)) == datetime(2013, 1, 1, 0, 0, 3, tzinfo=UTC)
    assert clock.place((None, 1, 1, 0, 0, 4, 0)).year == 2013


def test_a_december_log_for_a_january_incident_is_from_the_year_before():
    clock = Clock(UTC, 2013, near=datetime(2013, 1, 1, 2, tzinfo=UTC))
    assert clock.place((None, 12, 31, 23, 0, 0, 0)).year == 2012
    assert clock.place((None, 1, 1, 1, 0, 0, 0)).year == 2013


def test_a_dst_fold_is_read_in_file_order():
    # Europe/Berlin 2024-10-27: 02:00-03:00 happens twice (CEST, then CET).
    clock = Clock(BERLIN, 2024)
    first = clock.place((None, 10, 27, 2, 50, 0, 0))
    after_fold = clock.place((None, 10, 27, 2, 10, 0, 0))  # clocks went back: the second 02:10
    assert first == datetime(2024, 10, 27, 0, 50, tzinfo=UTC)
    assert after_fold == datetime(2024, 10, 27, 1, 10, tzinfo=UTC)
    assert after_fold > first


def test_a_time_in_a_dst_gap_does_not_fail():
    clock = Clock(BERLIN, 2024)
    assert clock.place((None, 3, 31, 2, 30, 0, 0)) == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)


def test_an_impossible_date_gives_no_time():
    assert Clock(UTC, 2023).place((None, 2, 30, 0, 0, 0, 0)) is None


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("zone", "wall"),
    [
        (TOKYO, (1, 1, 1, 0, 0, 0, 0)),  # before the calendar once in UTC
        (NEW_YORK, (9999, 12, 31, 23, 59, 59, 0)),  # after it
        (UTC, (1, 1, 1, 0, 0, 0, 0)),
        (UTC, (9999, 12, 31, 23, 59, 59, 0)),
        (UTC, (1969, 12, 31, 23, 59, 59, 0)),
        (TOKYO, (None, 12, 31, 23, 59, 59, 0)),  # year-less, in year 9999, then rolled over to 10000 below
    ],
)
def test_times_out_of_range_are_no_time_never_an_error(zone, wall):
    clock = Clock(zone, 9999)
    assert clock.place(wall) is None
    assert clock.place((None, 1, 1, 0, 0, 0, 0)) is None  # year 10000 or 9999: no time either


def test_a_line_more_than_a_day_ahead_of_now_has_no_time():
    with patch("django.utils.timezone.now", return_value=datetime(2026, 11, 26, 3, tzinfo=UTC)):
        clock = Clock(UTC, 2026)
    assert clock.place((2026, 11, 27, 2, 59, 59, 0)) == datetime(2026, 11, 27, 2, 59, 59, tzinfo=UTC)
    assert clock.place((2026, 11, 27, 3, 0, 1, 0)) is None
    assert clock.check(datetime(2030, 1, 1, tzinfo=UTC)) is None
    assert clock.check(datetime(1970, 1, 1, tzinfo=UTC)) == datetime(1970, 1, 1, tzinfo=UTC)


@given(
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from([UTC, TOKYO, NEW_YORK, BERLIN, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")]),
)
def test_any_reading_in_any_zone_is_a_time_in_range_or_none(year, month, day, zone):
    placed = Clock(zone, 2000).place((year, month, day, 12, 0, 0, 0))
    assert placed is None or datetime(1970, 1, 1, tzinfo=UTC) <= placed
