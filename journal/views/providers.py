from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from journal.filters import incidents_with_start
from journal.forms import ProviderForm, ServiceForm
from journal.models import Provider
from journal.views.access import get_provider, get_service


def provider_list(request: HttpRequest) -> HttpResponse:
    providers = Provider.objects.annotate(
        service_count=Count("services", distinct=True), incident_count=Count("services__incidents", distinct=True)
    )
    return render(request, "providers/list.html", {"providers": providers})


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider(request, pk, with_totals=True)
    context = {
        "provider": provider,
        "incidents": incidents_with_start().filter(service__provider=provider),
        "downtime_by_year": provider.downtime_by_year(),
    }
    return render(request, "providers/detail.html", context)


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service(request, pk, with_totals=True)
    context = {
        "service": service,
        "incidents": incidents_with_start().filter(service=service),
        "downtime_by_year": service.downtime_by_year(),
    }
    return render(request, "services/detail.html", context)


def _edit(request: HttpRequest, form, template: str, context: dict) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        return redirect(form.save())
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


def provider_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, ProviderForm(request.POST or None), "providers/form.html", {})


def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider(request, pk)
    form = ProviderForm(request.POST or None, instance=provider)
    return _edit(request, form, "providers/form.html", {"provider": provider})


def service_new(request: HttpRequest) -> HttpResponse:
    initial = {"provider": request.GET.get("provider"), "time_zone": request.viewer_zone.key}
    return _edit(request, ServiceForm(request.POST or None, initial=initial), "services/form.html", {})


def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service(request, pk)
    form = ServiceForm(request.POST or None, instance=service)
    return _edit(request, form, "services/form.html", {"service": service})
