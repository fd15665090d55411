"""The faster paths (issue 10) write the HTML the template paths they replace wrote."""

import pytest
from django import forms

from journal.filters import IncidentFilter, PlainSelect
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
