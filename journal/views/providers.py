from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from journal.filters import incidents_with_start
from journal.forms import IncidentForm, ProviderForm, ServiceForm, SupportChannelForm
from journal.models import Provider, Service, SupportChannel
from journal.paging import page_of
from journal.totals.read import provider_years, service_years
from journal.views.access import get_provider, get_service

PER_PAGE = 25
CREATED = {Provider: gettext_lazy("Created provider “%(name)s”."), Service: gettext_lazy("Created service “%(name)s”.")}
SAVED = {Provider: gettext_lazy("Saved provider “%(name)s”."), Service: gettext_lazy("Saved service “%(name)s”.")}


def provider_list(request: HttpRequest) -> HttpResponse:
    current_services = Q(services__removed_at__isnull=True)  # a join sees deleted rows: leave them out
    current_incidents = current_services & Q(services__incidents__removed_at__isnull=True)
    providers = Provider.objects.annotate(
        service_count=Count("services", filter=current_services, distinct=True),
        incident_count=Count("services__incidents", filter=current_incidents, distinct=True),
    )
    return render(request, "providers/list.html", {"providers": providers})


def provider_detail(request: HttpRequest, pk: int, channel_form: SupportChannelForm | None = None) -> HttpResponse:
    provider = get_provider(request, pk)
    page = page_of(incidents_with_start().filter(service__provider=provider), request.GET.get("page"), PER_PAGE)
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
    messages.success(request, _("Added the support hours."))
    return redirect(f"{provider.get_absolute_url()}#support")


@require_POST
def channel_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    provider = get_provider(request, pk)
    get_object_or_404(SupportChannel, pk=item, provider=provider).delete()
    messages.success(request, _("Deleted the support hours."))
    return redirect(f"{provider.get_absolute_url()}#support")


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service(request, pk)
    page = page_of(incidents_with_start().filter(service=service), request.GET.get("page"), PER_PAGE)
    context = {
        "service": service,
        "page": page,
        "incidents": page.object_list,
        "downtime_by_year": service_years(service),
    }
    return render(request, "services/detail.html", context)


def _saved(request: HttpRequest, form):
    """Save; a name taken meanwhile (by a concurrent save) becomes an error on the form."""
    adding = form.instance._state.adding
    try:
        with transaction.atomic():
            saved = form.save()
    except IntegrityError:
        form.add_error(None, _("That name was taken a moment ago. Choose another."))
        return None
    messages.success(request, (CREATED if adding else SAVED)[type(saved)] % {"name": saved.name})
    return saved


def _edit(request: HttpRequest, form, template: str, context: dict) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and (saved := _saved(request, form)):
        return redirect(saved)
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


def provider_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, ProviderForm(request.POST or None), "providers/form.html", {})


def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider(request, pk)
    form = ProviderForm(request.POST or None, instance=provider)
    return _edit(request, form, "providers/form.html", {"provider": provider})


QUICK_ADD = "quick-add-body"  # the dialog on "New incident" that adds a service (and provider)


def service_new(request: HttpRequest) -> HttpResponse:
    """A new service (with, if named, a new provider). From "New incident": in a dialog with
    htmx, whose success swaps the incident form's service list (the new one chosen) and
    closes it; without JavaScript, a page that leads back to "New incident" with it chosen."""
    initial = {"provider": request.GET.get("provider"), "time_zone": request.viewer_zone.key}
    form = ServiceForm(request.POST or None, initial=initial)
    in_dialog = bool(request.htmx) and request.htmx.target == QUICK_ADD
    back_to_incident = request.GET.get("for") == "incident"
    context = {"form": form, "dialog": in_dialog, "for_incident": back_to_incident}
    if request.method == "POST" and form.is_valid() and (service := _saved(request, form)):
        if in_dialog:
            return _chosen_in_incident_form(request, service)
        if back_to_incident:
            return redirect(f"{reverse('incident_new')}?service={service.pk}")
        return redirect(service)
    template = "services/form.html#form" if in_dialog else "services/form.html"
    return render(request, template, context, status=422 if form.errors else 200)


def _chosen_in_incident_form(request: HttpRequest, service) -> HttpResponse:
    """Empties the dialog, swaps the incident form's service list (out of band) for one with
    the new service chosen, and tells dialog.js to close the dialog."""
    field = IncidentForm(viewer_zone=request.viewer_zone.key, initial={"service": service.pk})["service"]
    response = HttpResponse(field.as_widget(attrs={"hx-swap-oob": "true"}))
    return trigger_client_event(response, "journal:dialog-done", {"focus": f"#{field.auto_id}"})


def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service(request, pk)
    form = ServiceForm(request.POST or None, instance=service)
    return _edit(request, form, "services/form.html", {"service": service})
