"""Placing wall-clock readings from a log in time: the zone they were written in, the year
when the format has none (with the Dec 31 → Jan 1 rollover), DST gaps and folds, and the
range a log's time can lie in (1970 to tomorrow)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from django.utils import timezone

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
SKEW = timedelta(days=1)  # how far ahead of now a log's clock may run


class Clock:
    """Turns (year or None, month, day, hour, minute, second, microsecond) readings, fed in
    the order of the file, into aware UTC datetimes.

    ``year`` is the year of the first reading without one, unless ``near`` (when the incident
    happened) says the log began in the year before or after (a December log for a January
    incident). A month that falls back by more than six (December → January) starts the next
    year. A time the zone skipped (DST gap) is read with the offset before the change. A time
    the zone showed twice (DST fold) is the first one, unless that would put the line before
    the line above it and the second one would not. A time before 1970 or more than a day
    ahead of now (year 1, year 9999: a wrong clock or a forged line) is no time.
    """

    def __init__(self, zone: tzinfo, year: int, near: datetime | None = None):
        self.latest = timezone.now() + SKEW
        self.zone = zone
        self.year = year
        self.near = near.astimezone(zone) if near else None
        self.last_month: int | None = None
        self.last: datetime | None = None

    def place(self, wall: tuple) -> datetime | None:
        """The reading's moment in UTC; its parts may be numbers or the digits written
        (the fraction of a second as digits, left-aligned: "5" is half a second)."""
        year, month, day, hour, minute, second, micro = wall
        if isinstance(day, str):
            day, hour, minute, second = int(day), int(hour), int(minute), int(second)
            micro = int(micro.ljust(6, "0")) if micro else 0
        year = int(year) if year else self._year_for(month)
        try:
            moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=self.zone).astimezone(UTC)
        except (ValueError, OverflowError):  # Feb 30, year 0 or 10000 after the rollover, year 1 east of UTC
            return None
        if self.last is not None and moment < self.last:
            second_reading = datetime(year, month, day, hour, minute, second, micro, tzinfo=self.zone, fold=1)
            later = second_reading.astimezone(UTC)
            if later >= self.last:
                moment = later
        if self.check(moment) is None:
            return None
        self.last = moment
        return moment

    def check(self, moment: datetime | None) -> datetime | None:
        """The moment when it lies between 1970 and a day from now, else None."""
        return moment if moment is not None and EARLIEST <= moment <= self.latest else None

    def _year_for(self, month: int) -> int:
        if self.last_month is None:
            if self.near is not None and self.near.year == self.year:
                if month - self.near.month > 6:
                    self.year -= 1
                elif self.near.month - month > 6:
                    self.year += 1
        elif self.last_month - month > 6:
            self.year += 1
        self.last_month = month
        return self.year
