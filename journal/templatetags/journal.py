from datetime import datetime, timedelta, tzinfo

from django import template
from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from markdown_it import MarkdownIt

from journal.downtime import format_duration

register = template.Library()

OUT_OF_RANGE = gettext_lazy("out of range")

# CommonMark with raw HTML switched off: user text can never inject markup, and
# markdown-it's link validation refuses javascript: and data: URLs.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@register.filter
def duration(value) -> str:
    """A timedelta or seconds as 3h 01m (see journal.downtime.format_duration)."""
    return format_duration(value)


@register.filter
def stamp(value: datetime | None, zone: tzinfo | None = None) -> str:
    """2012-07-20 08:12:00 in the viewer's zone; with a zone, in that zone and with its abbreviation.
    (strftime, because the timeline formats two of these per event, thousands of times.)"""
    if value is None:
        return ""
    local = _local(value, zone)
    if local is None:
        return str(OUT_OF_RANGE)
    return f"{local:%Y-%m-%d %H:%M:%S}" if zone is None else f"{local:%Y-%m-%d %H:%M:%S %Z}"


@register.filter(expects_localtime=False)
def when(value: datetime | None, format_string: str = "Y-m-d H:i") -> str:
    """Django's ``date`` filter for a datetime in the viewer's zone, that says "out of range"
    for a stored value the zone cannot show (year 1 west of UTC, year 9999 east of it)."""
    if value is None:
        return ""
    local = _local(value, None)
    return str(OUT_OF_RANGE) if local is None else dateformat.format(local, format_string)


def _local(value: datetime, zone: tzinfo | None) -> datetime | None:
    try:
        return timezone.localtime(value, zone)
    except OverflowError:
        return None


@register.simple_tag
def stale_after_days() -> int:
    return settings.STALE_DOWN_AFTER_DAYS


@register.filter
def ahead(value: datetime | None) -> bool:
    """Whether a time lies in the future (an announced window)."""
    return value is not None and value > timezone.now()


@register.filter
def stale_since(incident) -> datetime | None:
    """When the down still open on an open incident began, if it has had no up for longer than
    STALE_DOWN_AFTER_DAYS; else None."""
    totals = incident.totals
    if incident.is_open and totals.stale(timezone.now(), timedelta(days=settings.STALE_DOWN_AFTER_DAYS)):
        return totals.open_since
    return None


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def markdown(text: str) -> str:
    return mark_safe(_markdown.render(text or ""))  # noqa: S308 - html disabled above


@register.filter
def seconds(value) -> int:
    return int(value.total_seconds()) if value is not None else 0


@register.filter
def lookup(mapping: dict, key):
    """mapping[key], or an empty list when the key is missing."""
    return mapping.get(key, []) if mapping else []


@register.filter
def worst_month(card):
    """The month with the lowest availability in a scorecard, or None."""
    measured = [m for m in card.months if m.availability is not None]
    return min(measured, key=lambda m: m.availability) if measured else None
