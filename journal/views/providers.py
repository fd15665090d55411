from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from journal.filters import incidents_with_start
from journal.forms import ProviderForm, ServiceForm, SupportChannelForm
from journal.models import Provider, SupportChannel
from journal.totals.read import provider_years, service_years
from journal.views.access import get_provider, get_service

PER_PAGE = 25


def provider_list(request: HttpRequest) -> HttpResponse:
    providers = Provider.objects.annotate(
        service_count=Count("services", distinct=True), incident_count=Count("services__incidents", distinct=True)
    )
    return render(request, "providers/list.html", {"providers": providers})


def provider_detail(request: HttpRequest, pk: int, channel_form: SupportChannelForm | None = None) -> HttpResponse:
    provider = get_provider(request, pk)
    page = Paginator(incidents_with_start().filter(service__provider=provider), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "provider": provider,
        "channel_form": channel_form or SupportChannelForm(initial={"time_zone": request.viewer_zone.key}),
        "page": page,
        "incidents": page.object_list,
        "downtime_by_year": provider_years(provider),
    }
    return render(request, "providers/detail.html", context, status=422 if channel_form else 200)


@require_POST
def channel_new(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider(request, pk)
    form = SupportChannelForm(request.POST, instance=SupportChannel(provider=provider))
    if not form.is_valid():
        return provider_detail(request, pk, channel_form=form)
    form.save()
    return redirect(f"{provider.get_absolute_url()}#support")


@require_POST
def channel_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    provider = get_provider(request, pk)
    get_object_or_404(SupportChannel, pk=item, provider=provider).delete()
    return redirect(f"{provider.get_absolute_url()}#support")


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service(request, pk)
    page = Paginator(incidents_with_start().filter(service=service), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "service": service,
        "page": page,
        "incidents": page.object_list,
        "downtime_by_year": service_years(service),
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
