"""When a service was rented, and so which months its availability counts (pure).

- Start: its start date, else the first day of the month of its first incident.
- End: its end date (through that whole day). With no end date, a trial with no incident open
  ends at its last recorded event: a trial is not rented for years after it was last used;
  anything else is counted as rented until today. The scorecard states which.

Only months with some of the rental in them (and already begun) are counted: a one-month
trial has one month, not years of 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from journal import downtime

TINY = timedelta(microseconds=1)


@dataclass(frozen=True)
class Rental:
    interval: downtime.Interval
    note: str  # how its start and end were decided, for the page


def rental(
    service, zone: tzinfo, now: datetime, first_start: datetime | None, last_seen: datetime | None, any_open: bool
) -> Rental | None:
    """The service's rental; None with no start date and no incident. From its incidents:
    ``first_start``, the earliest start (None: no incident); ``last_seen``, their latest event
    (else their latest start); ``any_open``, whether one is still open."""
    if service.started_on:
        start = downtime.as_utc(datetime.combine(service.started_on, time(), tzinfo=zone))
        began = _("from %(date)s") % {"date": f"{service.started_on:%Y-%m-%d}"}
    elif first_start is not None:
        first = timezone.localtime(downtime.as_utc(first_start), zone)
        start = downtime.as_utc(first.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
        began = _("from %(month)s (no start date: the month of its first incident)") % {"month": f"{first:%Y-%m}"}
    else:
        return None
    if service.ended_on:
        end = downtime.as_utc(datetime.combine(service.ended_on, time(), tzinfo=zone)) + timedelta(days=1)
        ended = _("to %(date)s") % {"date": f"{service.ended_on:%Y-%m-%d}"}
    elif service.is_trial and last_seen is not None and not any_open:
        end = downtime.as_utc(last_seen)
        last = timezone.localtime(end, zone)
        ended = _("to %(moment)s (no end date: a trial ends at its last recorded event)") % {
            "moment": f"{last:%Y-%m-%d %H:%M}"
        }
    else:
        end = now
        ended = _("to today (no end date: counted as still rented)")
    end = min(end, now)
    return Rental(
        downtime.Interval(start, max(start, end)), _("Rented %(began)s %(ended)s.") % {"began": began, "ended": ended}
    )


def month_range(
    rented: Rental | None, zone: tzinfo, year: int | None, now: datetime
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """First and last (year, month) with some of the rental in them, inside ``year`` if given;
    None when there is none."""
    if rented is None:
        return None
    start, end = rented.interval.start, min(rented.interval.end, now)
    if year is not None:
        try:
            start = max(start, downtime.as_utc(datetime(year, 1, 1, tzinfo=zone)))
            end = min(end, downtime.as_utc(datetime(year + 1, 1, 1, tzinfo=zone)))
        except (OverflowError, ValueError):
            return None
    if end <= start:
        return None
    first = timezone.localtime(start, zone)
    last = timezone.localtime(end - TINY, zone)  # an end at midnight on the 1st leaves that month out
    return (first.year, first.month), (last.year, last.month)
