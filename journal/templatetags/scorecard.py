"""Labels the scorecard and compare pages show, in the viewer's language."""

from django import template

from journal import charts
from journal.models import Incident

register = template.Library()


@register.filter
def year_month(month) -> str:
    """A Month (journal.availability) as “July 2012” / “2012年7月”."""
    return charts.month_label(month)


@register.filter
def kind_label(kind: str) -> str:
    """An incident kind's stored value as its label (“outage” → “Outage” / “停止”)."""
    return Incident.Kind(kind).label if kind in Incident.Kind.values else kind
