"""The incident list's filters: a GET form that narrows a queryset."""

from django import forms
from django.db.models import F, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from journal import bounds
from journal.models import Incident, Provider, Service


def incidents_with_start() -> QuerySet[Incident]:
    """Incidents with ``started`` (earliest event, else creation) and their stored totals
    (journal.totals): no events or notices fetched, whatever their number. Newest first, in the
    order of the stored starts' index (``started_at``, then the row id), so the database reads a
    page off the index instead of sorting every incident."""
    return (
        Incident.objects.filter(stored_totals__isnull=False)
        .select_related("service__provider", "stored_totals")
        .annotate(started=F("stored_totals__started_at"))
        .order_by("-started", "-stored_totals__incident_id")
    )


def _attributes(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them (True: the name alone)."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's select, written in Python: the HTML of django/forms/widgets/select.html and
    select_option.html, for a fraction of the cost of a template included per option (the
    filters list every provider and service on each page of the incident list)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            html += [
                f'\n  <option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            ]
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))


class IncidentFilter(forms.Form):
    provider = forms.ModelChoiceField(
        Provider.objects.all(),
        required=False,
        label=_("Provider"),
        empty_label=_("All providers"),
        widget=PlainSelect,
    )
    service = forms.ModelChoiceField(
        Service.objects.select_related("provider"),
        required=False,
        label=_("Service"),
        empty_label=_("All services"),
        widget=PlainSelect,
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Incident.Kind.choices], required=False, label=_("Kind"), widget=PlainSelect
    )
    status = forms.ChoiceField(
        choices=[("", _("Open and resolved")), *Incident.Status.choices],
        required=False,
        label=_("Status"),
        widget=PlainSelect,
    )
    year = forms.IntegerField(
        required=False,
        label=_("Year"),
        validators=[bounds.validate_year],
        widget=forms.NumberInput(attrs={"placeholder": _("Any year")}),
    )

    def queryset(self) -> QuerySet[Incident]:
        incidents = incidents_with_start()
        if not self.is_valid():
            return incidents.none()
        wanted = self.cleaned_data
        if wanted["provider"]:
            incidents = incidents.filter(service__provider=wanted["provider"])
        if wanted["service"]:
            incidents = incidents.filter(service=wanted["service"])
        if wanted["kind"]:
            incidents = incidents.filter(kind=wanted["kind"])
        if wanted["status"]:
            incidents = incidents.filter(status=wanted["status"])
        if wanted["year"]:
            incidents = incidents.filter(started__year=wanted["year"])
        return incidents

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
