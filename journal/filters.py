"""The incident list's filters: a GET form that narrows a queryset."""

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from journal import bounds
from journal.models import Incident, Provider, Service


def incidents_with_start() -> QuerySet[Incident]:
    """Incidents with ``started`` (earliest event, else creation) and their stored totals
    (journal.totals): no events or notices fetched, whatever their number."""
    return (
        Incident.objects.select_related("service__provider", "stored_totals")
        .annotate(started=Coalesce("stored_totals__started_at", "created_at"))
        .order_by("-started", "-id")
    )


class IncidentFilter(forms.Form):
    provider = forms.ModelChoiceField(
        Provider.objects.all(), required=False, label=_("Provider"), empty_label=_("All providers")
    )
    service = forms.ModelChoiceField(
        Service.objects.select_related("provider"), required=False, label=_("Service"), empty_label=_("All services")
    )
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *Incident.Kind.choices], required=False, label=_("Kind"))
    status = forms.ChoiceField(
        choices=[("", _("Open and resolved")), *Incident.Status.choices], required=False, label=_("Status")
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
