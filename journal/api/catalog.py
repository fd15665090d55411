"""Providers and services."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from journal.api import writes
from journal.api.paging import Pages
from journal.api.schemas import ProviderIn, ProviderOut, ProviderPatch, ServiceIn, ServiceOut, ServicePatch
from journal.forms import ProviderForm, ServiceForm
from journal.models import Provider, Service

router = Router(tags=["providers and services"])


@router.get("/providers", response=list[ProviderOut])
@paginate(Pages)
def list_providers(request):
    return Provider.objects.order_by("name", "id")


@router.get("/providers/{provider_id}", response=ProviderOut)
def get_provider(request, provider_id: int):
    return get_object_or_404(Provider, pk=provider_id)


@router.post("/providers", response={201: ProviderOut})
def create_provider(request, payload: ProviderIn):
    return Status(201, writes.write(ProviderForm, Provider(), payload.model_dump(), zoned=False))


@router.patch("/providers/{provider_id}", response=ProviderOut)
def update_provider(request, provider_id: int, payload: ProviderPatch):
    provider = get_object_or_404(Provider, pk=provider_id)
    return writes.write(ProviderForm, provider, payload.model_dump(exclude_unset=True), zoned=False)


@router.get("/services", response=list[ServiceOut])
@paginate(Pages)
def list_services(request, provider: int | None = None):
    services = Service.objects.order_by("provider__name", "name", "id")
    return services.filter(provider_id=provider) if provider is not None else services


@router.get("/services/{service_id}", response=ServiceOut)
def get_service(request, service_id: int):
    return get_object_or_404(Service, pk=service_id)


@router.post("/services", response={201: ServiceOut})
def create_service(request, payload: ServiceIn):
    return Status(201, writes.write(ServiceForm, Service(), payload.model_dump(), zoned=False))


@router.patch("/services/{service_id}", response=ServiceOut)
def update_service(request, service_id: int, payload: ServicePatch):
    service = get_object_or_404(Service, pk=service_id)
    return writes.write(ServiceForm, service, payload.model_dump(exclude_unset=True), zoned=False)
