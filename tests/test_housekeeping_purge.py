"""purge_deleted deletes set-based (journal.housekeeping.purge): exactly the rows Django's own
delete would take, nothing else, each with its audit "deleted" record and the stored downtime
refreshed, in a number of queries that does not grow with the incidents."""

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from journal.hooks.models import HookMessage, WebHook
from journal.housekeeping import purge, removal
from journal.housekeeping.models import Deletion
from journal.models import (
    Incident,
    LogExcerpt,
    LogLine,
    LogSuggestion,
    Provider,
    ProviderNotice,
    Service,
    SupportContact,
)
from journal.sharing import ShareLink
from journal.totals.models import IncidentTotals, ServiceDowntime
from journal.watcher.models import SourceItem, StatusSource
from tests.factories import (
    T0,
    EventFactory,
    IncidentFactory,
    LogExcerptFactory,
    NoticeFactory,
    ProviderFactory,
    ServiceFactory,
    SupportContactFactory,
)

pytestmark = pytest.mark.django_db

LOG = (
    b"Jul 20 08:12:37 vps1 syslogd: exiting on signal 15\n"
    b"Jul 20 08:39:19 vps1 kernel: Copyright (c) 1992-2012 The FreeBSD Project.\n"
)


def provider_with(name: str, incidents: int) -> Provider:
    """A provider with two services and ``incidents`` incidents, each with a down and an up,
    a notice and its corrected version, a support contact, a log excerpt (its lines and
    suggestions), a share link and a status-source item pointing at it; besides, a contact
    with no incident, a webhook with a message, and the stored totals."""
    provider = ProviderFactory(name=name)
    services = [ServiceFactory(provider=provider, name=f"{name} VPS"), ServiceFactory(provider=provider, name="Mail")]
    SupportContactFactory(incident=None, provider=provider)
    hook, _ = WebHook.create(services[0], "Kuma", "auto")
    HookMessage.objects.create(service=services[0], key="k" * 64, subject="ping", state="down", at=T0)
    source = StatusSource.objects.create(provider=provider, kind="feed", url="https://status.example.test/feed")
    for n in range(incidents):
        incident = IncidentFactory(service=services[n % 2], title=f"{name} outage {n}")
        EventFactory(incident=incident, type="down", at=T0 + timedelta(days=n))
        EventFactory(incident=incident, type="up", at=T0 + timedelta(days=n, minutes=30))
        notice = NoticeFactory(incident=incident, raw_text="Investigating.")
        notice.raw_text = "Resolved at 09:30."
        notice.save_as_new_version()
        SupportContactFactory(incident=incident)
        LogExcerptFactory(incident=incident, data=LOG + f"Jul 20 09:00:00 vps1 note: {name} {n}\n".encode())
        ShareLink.create(incident, days=7)
        SourceItem.objects.create(
            source=source, document=source.url, external_id=f"n{n}", first_seen=T0, last_seen=T0, incident=incident
        )
    return provider


def deleted_long_ago(provider: Provider) -> None:
    removal.delete(provider, None)
    long_ago = timezone.now() - timedelta(days=40)
    for model in (Provider, Service, Incident):
        model.all_objects.filter(removed_at__isnull=False).update(removed_at=long_ago)


def rows_everywhere() -> set:
    """(model, pk) of every row of every model of the app, audit records apart."""
    return {
        (model, pk)
        for model in apps.get_app_config("journal").get_models()
        if not model.__name__.startswith("Historical")
        for pk in model._base_manager.values_list("pk", flat=True)
    }


def deleted_records() -> set:
    """(model, id) of every audit "deleted" record."""
    found = set()
    for model in apps.get_app_config("journal").get_models():
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:
            continue
        found |= {(model, pk) for pk in history.objects.filter(history_type="-").values_list("id", flat=True)}
    return found


class RolledBack(Exception):
    pass


class Stopped(Exception):
    pass


def what_django_would_delete(provider: Provider) -> tuple[set, set]:
    """The rows Django's own delete takes (row by row, with every signal) of the provider's
    incidents, then its services, its contacts and itself, and the audit records it writes;
    rolled back."""
    before, records = rows_everywhere(), deleted_records()
    try:
        with transaction.atomic():
            Incident.all_objects.filter(service__provider=provider).delete()
            Service.all_objects.filter(provider=provider).delete()
            SupportContact.all_objects.filter(provider=provider).delete()
            Provider.all_objects.filter(pk=provider.pk).delete()
            gone, written = before - rows_everywhere(), deleted_records() - records
            raise RolledBack
    except RolledBack:
        return gone, written


def test_the_purge_takes_what_django_would_and_leaves_everything_else(django_capture_on_commit_callbacks):
    gone = provider_with("Hoster", 3)
    kept = provider_with("Other", 2)
    assert LogSuggestion.objects.exists() and LogLine.objects.exists()
    stray = SourceItem.objects.filter(source__provider=kept).first()
    SourceItem.objects.filter(pk=stray.pk).update(incident=Incident.objects.filter(service__provider=gone).first())
    deleted_long_ago(gone)
    expected, audited = what_django_would_delete(gone)
    kinds = Counter(model.__name__ for model, _ in expected)
    assert kinds["Incident"] == 3 and kinds["TimelineEvent"] == 6 and kinds["ProviderNotice"] == 6
    assert kinds["SupportContact"] == 4 and kinds["LogLine"] == 9 and kinds["ShareLink"] == 3
    assert kinds["WebHook"] == 1 and kinds["HookMessage"] == 1 and kinds["SourceItem"] == 3  # with their source
    before = rows_everywhere()
    deletion = Deletion.objects.get()
    assert deleted_records() == set()
    files = [Path(e.raw.path) for e in LogExcerpt.all_objects.filter(incident__service__provider=gone)]
    kept_files = [Path(e.raw.path) for e in LogExcerpt.all_objects.filter(incident__service__provider=kept)]

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge.purge(timezone.now() - timedelta(days=30))

    assert counts == {"providers": 1, "services": 2, "incidents": 3}
    after = rows_everywhere()
    assert before - after == expected | {(Deletion, deletion.pk)} and after <= before
    assert deleted_records() == audited and len(audited) == 1 + 2 + 3 + 6 + 6 + 4 + 3
    assert SourceItem.objects.get(pk=stray.pk).incident is None  # SET_NULL
    assert SourceItem.objects.filter(source__provider=kept).exclude(incident=None).count() == 1
    assert Incident.objects.filter(service__provider=kept).count() == 2
    assert ServiceDowntime.objects.filter(service__provider=kept).count() == 2
    assert IncidentTotals.objects.filter(incident__service__provider=kept).count() == 2
    assert len(files) == 3 and not any(path.exists() for path in files)
    assert len(kept_files) == 2 and all(path.exists() for path in kept_files)
    assert Deletion.objects.count() == 0


def test_the_deleted_records_keep_the_values_the_rows_had_and_no_user():
    deleted_long_ago(provider_with("Hoster", 2))
    started = timezone.now()
    purge.purge(timezone.now() - timedelta(days=30))
    incident = get_history_model_for_model(Incident).objects.get(history_type="-", title="Hoster outage 1")
    assert incident.removal_reason == "Deleted with provider “Hoster”"
    assert incident.history_date >= started and incident.history_user is None
    notices = get_history_model_for_model(ProviderNotice).objects.filter(history_type="-").order_by("id")
    assert [n.raw_text for n in notices] == ["Investigating.", "Resolved at 09:30."] * 2
    excerpt = get_history_model_for_model(LogExcerpt).objects.filter(history_type="-").first()
    assert excerpt.raw.startswith("logs/") and excerpt.size == len(LOG) + len(b"Jul 20 09:00:00 vps1 note: Hoster 0\n")


def purge_queries(incidents: int) -> int:
    deleted_long_ago(provider_with(f"Host {incidents}", incidents))
    with CaptureQueriesContext(connection) as queries:
        assert purge.purge(timezone.now() - timedelta(days=30))["incidents"] == incidents
    return len(queries)


def test_the_queries_do_not_grow_with_the_incidents():
    assert purge_queries(2) == purge_queries(12)


def test_a_purge_goes_in_batches_of_whole_incidents(monkeypatch):
    """Each batch commits on its own: a purge stopped after the first leaves whole incidents."""
    deleted_long_ago(provider_with("Hoster", 5))
    monkeypatch.setattr(purge, "BATCH", 2)
    batches = []
    real = purge._purge_incidents

    def stop_after_two(ids):
        if len(batches) == 2:
            raise Stopped
        batches.append(ids)
        return real(ids)

    monkeypatch.setattr(purge, "_purge_incidents", stop_after_two)
    with pytest.raises(Stopped):
        purge.purge(timezone.now() - timedelta(days=30))
    assert [len(ids) for ids in batches] == [2, 2]
    left = Incident.all_objects.get()
    assert left.events.count() == 2 and ProviderNotice.all_objects.filter(incident=left).count() == 2
    assert LogLine.objects.filter(excerpt__incident=left).count() == 3
    assert Provider.all_objects.count() == 1  # what is left is purged next time
    monkeypatch.setattr(purge, "_purge_incidents", real)
    assert purge.purge(timezone.now() - timedelta(days=30)) == {"providers": 1, "services": 2, "incidents": 1}


def test_a_row_that_protects_the_rows_stops_their_deletion_and_nothing_goes():
    provider = provider_with("Hoster", 1)
    service = Service.objects.get(name="Hoster VPS")
    with pytest.raises(ProtectedError, match="Incident.service protects the rows"):
        purge.delete_rows(Service.all_objects.filter(pk=service.pk))
    assert WebHook.objects.filter(service=service).count() == 1  # deleted before the refusal, put back
    assert HookMessage.objects.filter(service=service).count() == 1
    assert Service.objects.filter(provider=provider).count() == 2
