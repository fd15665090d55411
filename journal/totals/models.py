"""The cache tables of stored totals (not versioned, no history: writing them changes no record)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models

from journal import downtime
from journal.models import Incident, Service, SupportContact

__all__ = ["ContactTotals", "IncidentTotals", "ServiceDowntime", "ServiceMonth"]


def pack(intervals: list[downtime.Interval]) -> list[list[int]]:
    """Intervals as [start, end] microseconds since downtime.FLOOR: exact, and JSON on every database."""
    return [[_micro(i.start), _micro(i.end)] for i in intervals]


def unpack(raw: list[list[int]]) -> list[downtime.Interval]:
    return [_interval(_moment(start), _moment(end)) for start, end in raw]


def _interval(start: datetime, end: datetime) -> downtime.Interval:
    """An Interval of values packed from one: already UTC, clamped and in order (pages unpack
    thousands, so the checks of ``Interval.__post_init__`` are not repeated)."""
    interval = object.__new__(downtime.Interval)
    object.__setattr__(interval, "start", start)
    object.__setattr__(interval, "end", end)
    return interval


def _micro(moment: datetime) -> int:
    return (downtime.as_utc(moment) - downtime.FLOOR) // timedelta(microseconds=1)


def _moment(micro: int) -> datetime:
    return downtime.FLOOR + timedelta(microseconds=micro)


class IncidentTotals(models.Model):
    """What an incident's current events and notices add up to, without ``until``: the closed
    down and degraded stretches (merged), the state after the last event and since when, the
    provider's latest complete claim. ``totals(until)`` closes them with journal.downtime."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, primary_key=True, related_name="stored_totals")
    started_at = models.DateTimeField(
        db_index=True, help_text="Earliest event, else when the incident was written down."
    )
    last_event_at = models.DateTimeField(null=True, blank=True)
    down = models.JSONField(default=list, help_text="Closed down stretches, merged: [start, end] µs since 1970.")
    degraded = models.JSONField(default=list, help_text="Closed degraded stretches, merged.")
    observed = models.DurationField(default=timedelta, help_text="Length of the closed down stretches.")
    first_down = models.DateTimeField(null=True, blank=True)
    final = models.CharField(max_length=10, default=downtime.UP, help_text="The state after the last event.")
    since = models.DateTimeField(null=True, blank=True, help_text="When that state began (none when up).")
    claimed_start = models.DateTimeField(null=True, blank=True)
    claimed_end = models.DateTimeField(null=True, blank=True)
    first_notice_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    notice_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "incident totals"

    def __str__(self) -> str:
        return f"totals of incident {self.incident_id}"

    def states(self) -> downtime.States:
        return downtime.States(
            down=unpack(self.down), degraded=unpack(self.degraded), final=self.final, since=self.since
        )

    def claimed(self) -> downtime.Interval | None:
        if self.claimed_start is None or self.claimed_end is None:
            return None
        return downtime.Interval(self.claimed_start, self.claimed_end)

    def totals(self, until: datetime | None) -> downtime.Totals:
        return downtime.close(self.states(), until, self.claimed())


class ServiceDowntime(models.Model):
    """A service's downtime per year in its zone from its incidents' fixed stretches (everything
    but the stretch of an open incident still down, which runs to now and is added when read),
    overlapping incidents counted once: its months' (ServiceMonth) added up."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, primary_key=True, related_name="stored_downtime")
    by_year = models.JSONField(default=dict, help_text="{year: µs down} in the service's zone.")

    def __str__(self) -> str:
        return f"downtime of service {self.service_id}"

    def years(self) -> dict[int, timedelta]:
        return {int(year): timedelta(microseconds=micro) for year, micro in self.by_year.items()}


class ServiceMonth(models.Model):
    """One calendar month of a service, in its zone, as the scorecard reads it (journal.totals.months):
    the downtime of its incidents' fixed stretches inside the month (unplanned and maintenance
    each merged, and the time both cover), and the figures of its resolved incidents that began
    in the month. What still changes with time (open incidents) is added when read."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="stored_months")
    year = models.IntegerField()
    month = models.PositiveSmallIntegerField()
    down = models.JSONField(default=list, help_text="Unplanned fixed down stretches in the month, merged.")
    maintenance = models.JSONField(default=list, help_text="Maintenance fixed down stretches in the month, merged.")
    down_us = models.BigIntegerField(default=0)
    maintenance_us = models.BigIntegerField(default=0)
    overlap_us = models.BigIntegerField(default=0, help_text="Time covered by both.")
    incidents = models.PositiveIntegerField(default=0, help_text="Resolved incidents that began in the month.")
    by_kind = models.JSONField(default=dict)
    spans_us = models.BigIntegerField(default=0, help_text="Their outages' first down → last up, added up.")
    spans = models.PositiveIntegerField(default=0)
    start_errors = models.JSONField(default=list, help_text="Claimed start − first down, µs, per outage.")
    end_errors = models.JSONField(default=list, help_text="Claimed end − last up, µs, per outage.")
    latencies = models.JSONField(default=list, help_text="First notice − first down, µs, per outage.")
    first_started = models.DateTimeField(null=True, blank=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_event = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "year", "month"], name="one_stored_month")]

    def __str__(self) -> str:
        return f"service {self.service_id}, {self.year:04d}-{self.month:02d}"


class ContactTotals(models.Model):
    """What a scorecard counts of a support contact, kept so the database counts and sorts them
    instead of Python checking every contact (journal.totals.contacts writes it): whether it was
    opened within its channel's published hours (the provider's support channels,
    journal.hours), and how long the first response took."""

    contact = models.OneToOneField(
        SupportContact, on_delete=models.CASCADE, primary_key=True, related_name="stored_totals"
    )
    within_hours = models.BooleanField(null=True, help_text="None: no hours are known for its channel.")
    response_us = models.BigIntegerField(null=True, help_text="First response − opened, µs; none: no response.")

    class Meta:
        verbose_name_plural = "contact totals"

    def __str__(self) -> str:
        return f"totals of contact {self.contact_id}"


from journal.totals import signals  # noqa: E402, F401  (keeps them current)
