"""Pages of the status watcher: adding, polling and removing a provider's sources, and a notice
seen on a source (its versions, what changed, and the offer to attach it)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from journal.models import Incident, Service
from journal.views.access import get_provider
from journal.watcher import diff, offers
from journal.watcher.forms import StatusSourceForm
from journal.watcher.models import SourceItem, StatusSource
from journal.watcher.tasks import enqueue_poll


@require_POST
def source_new(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider(request, pk)
    form = StatusSourceForm(request.POST, provider=provider)
    if not form.is_valid():
        return render(request, "watcher/source_form.html", {"provider": provider, "form": form}, status=422)
    source = form.save()
    enqueue_poll(source)  # a first poll at once, on the worker
    return redirect(f"{provider.get_absolute_url()}#sources")


def _source(request: HttpRequest, pk: int, item: int) -> StatusSource:
    return get_object_or_404(StatusSource, pk=item, provider_id=pk)


@require_POST
def source_poll(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    source = _source(request, pk, item)
    enqueue_poll(source)
    return redirect(f"{source.provider.get_absolute_url()}#sources")


@require_POST
def source_pause(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    source = _source(request, pk, item)
    StatusSource.objects.filter(pk=source.pk).update(enabled=not source.enabled)
    return redirect(f"{source.provider.get_absolute_url()}#sources")


@require_POST
def source_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    source = _source(request, pk, item)
    source.delete()  # its archived versions go with it; notices attached to incidents stay
    return redirect(f"{source.provider.get_absolute_url()}#sources")


def _item(pk: int) -> SourceItem:
    return get_object_or_404(
        SourceItem.objects.select_related("source__provider", "source__service", "incident"), pk=pk
    )


def source_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    versions = list(item.versions.order_by("number"))
    context = {
        "item": item,
        "source": item.source,
        "provider": item.source.provider,
        "history": list(reversed(diff.history(versions))),
        "candidates": offers.candidates(item) if item.offer == SourceItem.Offer.PENDING else [],
        "services": Service.objects.filter(provider=item.source.provider),
    }
    return render(request, "watcher/item.html", context)


@require_POST
def item_attach(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    incident = get_object_or_404(
        Incident, pk=request.POST.get("incident") or 0, service__provider_id=item.source.provider_id
    )
    if item.offer == SourceItem.Offer.ATTACHED:
        return redirect(item.get_absolute_url())
    offers.attach(item, incident)
    return redirect(f"{incident.get_absolute_url()}#notices")


@require_POST
def item_new_incident(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    service = get_object_or_404(Service, pk=request.POST.get("service") or 0, provider_id=item.source.provider_id)
    if item.offer == SourceItem.Offer.ATTACHED:
        return redirect(item.get_absolute_url())
    incident = offers.new_incident(item, service)
    return redirect(f"{incident.get_absolute_url()}#notices")


@require_POST
def item_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    offers.dismiss(item)
    return redirect(f"{item.source.provider.get_absolute_url()}#sources")
