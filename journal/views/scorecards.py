from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal import bounds, charts
from journal.models import Provider
from journal.scorecard import build, incident_years, latest_incidents, provider_for_scorecard

LATEST = 25  # incidents listed on the scorecard; the incident list has them all


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, validators=[bounds.validate_year])

    def year_or_none(self) -> int | None:
        return self.cleaned_data["year"] if self.is_valid() else None


def provider_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(provider_for_scorecard(), pk=pk)
    year = YearForm(request.GET).year_or_none()
    card = build(provider, year)
    years, cells = charts.calendar(card.months)
    context = {
        "provider": provider,
        "card": card,
        "latest": latest_incidents(provider, year, LATEST),
        "year": year,
        "years": incident_years(provider),
        "bars": charts.downtime_bars(card.months),
        "downtime_axis": charts.downtime_axis(card.months),
        "plot_left": charts.PLOT_LEFT,
        "service_years": [
            (service_card, charts.by_year(service_card.terms, timezone.localdate().year, month=lambda row: row[0]))
            for service_card in card.services
        ],
        "calendar_rows": charts.calendar_rows(years),
        "calendar_cells": cells,
        "calendar_height": 20 + len(years) * charts.ROW + 4,
        "month_columns": charts.month_columns(),
    }
    return render(request, "providers/scorecard.html", context)


class CompareForm(forms.Form):
    p = forms.ModelMultipleChoiceField(
        Provider.objects.all(),
        label=_("Providers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose two to four providers.")},
    )
    year = forms.IntegerField(required=False, validators=[bounds.validate_year], label=_("Year (empty: all time)"))

    def clean_p(self):
        chosen = self.cleaned_data["p"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError(_("Choose two to four providers."), code="count")
        return chosen


def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    cards = []
    if form.is_valid():
        chosen = provider_for_scorecard(Provider.objects.filter(pk__in=[p.pk for p in form.cleaned_data["p"]]))
        cards = [build(provider, form.cleaned_data["year"]) for provider in chosen]
    return render(request, "providers/compare.html", {"form": form, "cards": cards})
