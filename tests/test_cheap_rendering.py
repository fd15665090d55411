"""The faster paths (issue 10) write the HTML the template paths they replace wrote."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from journal.availability import Month
from journal.filters import IncidentFilter, PlainSelect
from journal.sla import MonthTerms
from tests.factories import ServiceFactory

CHOICES = [
    ("", "All"),
    ("a", "A & <b>"),
    ("Group “x”", [("1", "One"), ("2", 'Two "quoted"')]),
]


@pytest.mark.parametrize("value", [None, "a", "2", ["nothing"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "disabled": False, "data-n": 3}])
def test_plain_select_writes_what_djangos_select_writes(value, attrs):
    expected = forms.Select(choices=CHOICES).render("x", value, attrs)
    written = PlainSelect(choices=CHOICES).render("x", value, attrs)
    assert written == expected
    assert written.count("<option") == 4
    assert "A &amp; &lt;b&gt;" in written


@pytest.mark.django_db
def test_the_incident_filters_write_the_same_selects():
    service = ServiceFactory(name="Mail & <Web>")
    bound = IncidentFilter({"provider": service.provider.pk, "service": service.pk, "kind": "outage"})
    for name in ("provider", "service", "kind", "status"):
        field = bound[name]
        slow = forms.Select(choices=field.field.choices)
        expected = slow.render(field.html_name, field.value(), {"id": field.auto_id})
        assert field.as_widget() == expected
    assert f'<option value="{service.pk}" selected>' in bound["service"].as_widget()
    assert "Mail &amp; &lt;Web&gt;" in bound["service"].as_widget()


# The scorecard's month rows as templates/providers/scorecard.html wrote them before the
# month_rows tag (journal/templatetags/scorecard.py) took over.
MONTH_ROWS_TEMPLATE = """{% load i18n journal scorecard %}{% for month, terms in rows %}
      <tr{% if terms.breached %} class="breach"{% endif %}><td data-label="{% translate 'Month' %}">{{ month|year_month }}</td>
        <td class="num" data-label="{% translate 'Available' %}">{% if month.availability is None %}{% translate "no data" %}{% else %}{{ month.availability|floatformat:3 }} %{% endif %}</td>
        <td class="num" data-label="{% translate 'Down' %}">{{ month.down|duration }}{% if month.stale_down %} <span class="badge stale" title="{% blocktranslate with days=stale_days %}From downs with no up for over {{ days }} days{% endblocktranslate %}">{% blocktranslate with down=month.stale_down|duration %}{{ down }} open{% endblocktranslate %}</span>{% endif %}</td><td class="num" data-label="{% translate 'Maintenance' %}">{{ month.maintenance|duration }}</td>
        {% if sla_uptime %}<td data-label="{% translate 'SLA' %}">{% if month.availability is None %}—{% elif terms.breached %}<strong class="flag">{% translate "breached" %}</strong>{% else %}{% translate "met" %}{% endif %}</td>
        <td class="num" data-label="{% translate 'Credit' %}">{% if terms.credit_percent is not None %}{{ terms.credit_percent|floatformat:"-2" }} %{% else %}—{% endif %}</td>
        <td data-label="{% translate 'Claim by' %}">{{ terms.claim_by|date:"Y-m-d"|default:"—" }}</td>{% endif %}</tr>
    {% endfor %}"""  # noqa: E501


def _month_rows() -> list:
    hour = timedelta(hours=1)
    return [
        (Month(2024, 1, 744 * hour, 3 * hour, hour), MonthTerms(True, Decimal("10"), date(2024, 3, 1))),
        (Month(2024, 2, 696 * hour, timedelta(0), timedelta(0)), MonthTerms(False, None, None)),
        (Month(2024, 3, timedelta(0), timedelta(0), timedelta(0)), MonthTerms(False, None, None)),
        (Month(2024, 4, 720 * hour, 100 * hour, timedelta(0), 90 * hour), MonthTerms(True, Decimal("12.5"), None)),
    ]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("sla_uptime", [None, Decimal("99.9")])
def test_month_rows_write_what_the_template_wrote(language, sla_uptime):
    context = {"rows": _month_rows(), "sla_uptime": sla_uptime, "stale_days": 1000}
    with translation.override(language):
        expected = Template(MONTH_ROWS_TEMPLATE).render(Context(context))
        written = Template("{% load scorecard %}{% month_rows rows sla_uptime stale_days %}").render(Context(context))
    assert written == expected
    assert written.count("<tr") == 4
    assert written.count('class="breach"') == 2
    assert written.count("badge stale") == 1
    if language == "ja":
        assert "2024年1月" in written
    else:
        assert "99.597 %" in written and "January 2024" in written
