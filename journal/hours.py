"""Opening hours: whether a moment falls within a weekly schedule in a zone (pure)."""

from datetime import datetime, time, tzinfo

from django.utils import timezone

from journal.downtime import as_utc


def within(moment: datetime, days: set[int], opens: time | None, closes: time | None, zone: tzinfo) -> bool:
    """``days``: weekday numbers (Monday 0) it is open; no ``opens``/``closes``: all day.
    The wall clock in ``zone`` decides, so hours stay right across DST changes; a moment past
    the edges the arithmetic clamps to (journal.downtime.as_utc) is taken at that edge."""
    local = timezone.localtime(as_utc(moment), zone)
    if local.weekday() not in days:
        return False
    if opens is None or closes is None:
        return True
    return opens <= local.time().replace(tzinfo=None) < closes
