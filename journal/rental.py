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


def rental(service, incidents: list, zone: tzinfo, now: datetime) -> Rental | None:
    """The service's rental; None with no start date and no incident."""
    if service.started_on:
        start = downtime.as_utc(datetime.combine(service.started_on, time(), tzinfo=zone))
        began = _("from %(date)s") % {"date": f"{service.started_on:%Y-%m-%d}"}
    elif incidents:
        first = timezone.localtime(downtime.as_utc(min(i.started_at for i in incidents)), zone)
        start = downtime.as_utc(first.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
        began = _("from %(month)s (no start date: the month of its first incident)") % {"month": f"{first:%Y-%m}"}
    else:
        return None
    moments = [at for i in incidents if (at := i.last_event_at())] or [i.started_at for i in incidents]
    if service.ended_on:
        end = downtime.as_utc(datetime.combine(service.ended_on, time(), tzinfo=zone)) + timedelta(days=1)
        ended = _("to %(date)s") % {"date": f"{service.ended_on:%Y-%m-%d}"}
    elif service.is_trial and moments and not any(i.is_open for i in incidents):
        end = downtime.as_utc(max(moments))
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
