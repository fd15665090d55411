from datetime import datetime, tzinfo

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from journal.downtime import format_duration

register = template.Library()

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
    if zone is None:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"
    return f"{timezone.localtime(value, zone):%Y-%m-%d %H:%M:%S %Z}"


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
