from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model

from journal.logs.importer import read_excerpt
from journal.models import (
    Incident,
    LogExcerpt,
    Provider,
    ProviderNotice,
    Service,
    SupportContact,
    TimelineEvent,
)
from journal.roles import Role, set_role
from journal.tasks import index_log_text

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")
    role = Role.EDITOR  # the journal's tests write; viewers and admins are asked for by name

    @classmethod
    def _create(cls, model_class, *args, role: Role = Role.EDITOR, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        set_role(user, role)
        return user


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    url = "https://provider.example/"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"VPS {n}")
    time_zone = "Asia/Tokyo"


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    service = factory.SubFactory(ServiceFactory)
    title = factory.Sequence(lambda n: f"Outage {n}")
    kind = Incident.Kind.OUTAGE
    status = Incident.Status.RESOLVED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    incident = factory.SubFactory(IncidentFactory)
    at = T0
    type = TimelineEvent.Type.OBSERVATION
    text = "Something happened."


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderNotice

    incident = factory.SubFactory(IncidentFactory)
    raw_text = "We are aware of an issue."
    retrieved_at = T0


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportContact

    incident = factory.SubFactory(IncidentFactory)
    provider = factory.LazyAttribute(lambda o: o.incident.service.provider)
    channel = SupportContact.Channel.PHONE
    opened_at = T0


class LogExcerptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogExcerpt

    incident = factory.SubFactory(IncidentFactory)
    name = "messages"

    @classmethod
    def _create(
        cls, model_class, *args, data: bytes = b"Jul 20 08:12:37 host sshd[1205]: bye\n", indexed=True, **kwargs
    ):
        """Stored and read; its text indexed too, as the worker does after reading, unless
        ``indexed`` is false."""
        excerpt = model_class(*args, **kwargs)
        excerpt.store(data)
        read_excerpt(excerpt)
        if indexed:
            index_log_text.enqueue(excerpt.pk)  # the ImmediateBackend runs it at once
            excerpt.refresh_from_db(fields=["text_indexed_at"])
        return excerpt
