from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
