from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from journal.timezones import localize, validate_time_zone


def test_it_reads_a_wall_clock_time_in_the_zone():
    aware = localize(datetime(2012, 7, 20, 8, 12), "Asia/Tokyo")
    assert aware.utcoffset() == timedelta(hours=9)
    assert aware.isoformat() == "2012-07-20T08:12:00+09:00"


def test_it_refuses_a_time_the_clocks_skipped():
    with pytest.raises(ValueError, match="does not exist in Europe/Berlin"):
        localize(datetime(2024, 3, 31, 2, 30), "Europe/Berlin")


def test_it_takes_the_first_of_two_repeated_times():
    aware = localize(datetime(2024, 10, 27, 2, 30), "Europe/Berlin")
    assert aware.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", " Asia/Tokyo", "../etc/passwd", "/etc/localtime"])
def test_unknown_zones_are_refused_with_a_clear_message(name):
    with pytest.raises(ValidationError, match="is not a time zone"):
        validate_time_zone(name)


def test_known_zones_pass():
    validate_time_zone("Asia/Tokyo")
    validate_time_zone("UTC")


def test_a_name_too_long_for_a_file_is_refused_like_any_unknown_zone(monkeypatch):
    """With the `tzdata` package installed, zoneinfo opens a resource named after the zone, and
    an overlong name fails with OSError (ENAMETOOLONG) rather than ZoneInfoNotFoundError."""
    from journal import timezones

    def too_long(name):
        raise OSError(36, "File name too long", name)

    monkeypatch.setattr(timezones, "ZoneInfo", too_long)
    with pytest.raises(ValidationError, match="is not a time zone"):
        validate_time_zone("Asia/" + "x" * 300)
