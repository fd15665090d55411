"""Keep the stored totals current in the transaction of each change to the evidence: an event
or notice saved, removed, restored or deleted; an incident saved (status, end, service: the old
service and the new one), deleted; a service saved (its zone splits the years). And whether
support contacts were opened within their channel's hours: a contact saved, a support channel
saved or deleted."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from journal.models import Incident, ProviderNotice, Service, SupportChannel, SupportContact, TimelineEvent
from journal.totals.contacts import refresh_contacts, refresh_providers
from journal.totals.store import refresh_incidents, refresh_services


def _deleting_the_incident(origin) -> bool:
    """Whether a deletion is the cascade of deleting its incident (nothing left to refresh)."""
    return isinstance(origin, Incident) or (isinstance(origin, QuerySet) and origin.model is Incident)


@receiver(post_save, sender=TimelineEvent, dispatch_uid="totals_event_saved")
@receiver(post_save, sender=ProviderNotice, dispatch_uid="totals_notice_saved")
def _evidence_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        refresh_incidents([instance.incident_id])


@receiver(post_delete, sender=TimelineEvent, dispatch_uid="totals_event_deleted")
@receiver(post_delete, sender=ProviderNotice, dispatch_uid="totals_notice_deleted")
def _evidence_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not _deleting_the_incident(origin):
        refresh_incidents([instance.incident_id])


@receiver(pre_save, sender=Incident, dispatch_uid="totals_incident_saving")
def _incident_saving(sender, instance: Incident, raw=False, **kwargs) -> None:
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._totals_service_before = (
            Incident._base_manager.filter(pk=instance.pk).values_list("service_id", flat=True).first()
        )


@receiver(post_save, sender=Incident, dispatch_uid="totals_incident_saved")
def _incident_saved(sender, instance: Incident, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_totals_service_before", None)
    services = {instance.service_id} | ({before} if before is not None else set())
    refresh_incidents([instance.pk], also_services=services)


@receiver(post_delete, sender=Incident, dispatch_uid="totals_incident_deleted")
def _incident_deleted(sender, instance: Incident, **kwargs) -> None:
    refresh_services([instance.service_id])


@receiver(post_save, sender=Service, dispatch_uid="totals_service_saved")
def _service_saved(sender, instance: Service, raw=False, **kwargs) -> None:
    if not raw:
        refresh_services([instance.pk])


@receiver(post_save, sender=SupportContact, dispatch_uid="totals_contact_saved")
def _contact_saved(sender, instance: SupportContact, raw=False, **kwargs) -> None:
    if not raw:
        refresh_contacts([instance.pk])


@receiver(post_save, sender=SupportChannel, dispatch_uid="totals_channel_saved")
@receiver(post_delete, sender=SupportChannel, dispatch_uid="totals_channel_deleted")
def _channel_changed(sender, instance: SupportChannel, raw=False, **kwargs) -> None:
    if not raw:
        refresh_providers([instance.provider_id])
