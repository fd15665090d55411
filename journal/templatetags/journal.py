from django import template
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
def markdown(text: str) -> str:
    return mark_safe(_markdown.render(text or ""))  # noqa: S308 - html disabled above


@register.filter
def seconds(value) -> int:
    return int(value.total_seconds()) if value is not None else 0
