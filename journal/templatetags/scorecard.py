"""Labels the scorecard and compare pages show, in the viewer's language."""

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date, floatformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from journal import charts
from journal.downtime import format_duration
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


@register.simple_tag(takes_context=True)
def month_rows(context, rows, sla_uptime, stale_days) -> str:
    """The rows of a service's month table (``charts.by_year``'s rows of (Month, sla.MonthTerms)),
    built here rather than in the template: a scorecard shows thousands of these cells, and the
    template language costs several times what these few string operations do. Each value is
    formatted as ``{{ value }}`` would (``render_value_in_context``; a string: escaped) and by the
    same filters."""

    def show(value) -> str:
        return render_value_in_context(value, context)

    labels = {
        name: conditional_escape(label)
        for name, label in (
            ("Month", gettext("Month")),
            ("Available", gettext("Available")),
            ("Down", gettext("Down")),
            ("Maintenance", gettext("Maintenance")),
            ("SLA", gettext("SLA")),
            ("Credit", gettext("Credit")),
            ("Claim by", gettext("Claim by")),
        )
    }
    no_data = conditional_escape(gettext("no data"))
    breached, met = conditional_escape(gettext("breached")), conditional_escape(gettext("met"))
    stale_title = None  # the same for every row: formatted once, when a row needs it
    out = []
    for month, terms in rows:
        available = no_data if month.availability is None else f"{floatformat(month.availability, 3)} %"
        down = conditional_escape(format_duration(month.down))
        maintenance = conditional_escape(format_duration(month.maintenance))
        if month.stale_down:
            if stale_title is None:
                stale_title = conditional_escape(
                    gettext("From downs with no up for over %(days)s days") % {"days": show(stale_days)}
                )
            badge = conditional_escape(gettext("%(down)s open") % {"down": format_duration(month.stale_down)})
            down += f' <span class="badge stale" title="{stale_title}">{badge}</span>'
        out.append(
            f'\n      <tr{' class="breach"' if terms.breached else ""}><td data-label="{labels["Month"]}">'
            f"{conditional_escape(charts.month_label(month))}</td>\n"
            f'        <td class="num" data-label="{labels["Available"]}">{available}</td>\n'
            f'        <td class="num" data-label="{labels["Down"]}">{down}</td>'
            f'<td class="num" data-label="{labels["Maintenance"]}">{maintenance}</td>\n'
            f"        "
        )
        if sla_uptime:
            if month.availability is None:
                verdict = "—"
            elif terms.breached:
                verdict = f'<strong class="flag">{breached}</strong>'
            else:
                verdict = met
            credit = "—" if terms.credit_percent is None else f"{floatformat(terms.credit_percent, '-2')} %"
            out.append(
                f'<td data-label="{labels["SLA"]}">{verdict}</td>\n'
                f'        <td class="num" data-label="{labels["Credit"]}">{credit}</td>\n'
                f'        <td data-label="{labels["Claim by"]}">{show(date(terms.claim_by, "Y-m-d") or "—")}</td>'
            )
        out.append("</tr>\n    ")
    return mark_safe("".join(out))
