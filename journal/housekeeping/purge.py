"""Purging for good what was deleted (softly) long enough ago (``manage.py purge_deleted``),
set-based rather than row by row.

Django's own delete sends post_delete for every row it takes, so purging went a row at a time:
an audit record per row, the service's downtime recomputed per incident, a query or more per
event (55 s for 727 incidents). Here each kind of row goes in one statement per batch of
incidents, and what those receivers did is done once for the batch: the audit's "deleted"
records are copied by the database (INSERT … SELECT), the downtimes refreshed once, and the log files no excerpt uses
any more removed when the batch commits.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError, get_candidate_relations_to_delete
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from journal.housekeeping.models import Deletion
from journal.models import Incident, LogExcerpt, Provider, Service, SupportContact, delete_unused_log_file
from journal.totals.store import refresh_services

BATCH = 500  # incidents per transaction: a purge interrupted halfway leaves whole incidents


def purge(older_than: datetime) -> dict[str, int]:
    """Really delete providers, services and incidents removed before ``older_than``, with
    everything that belongs to them (log files too, once unused); their deletions go as well."""
    providers = list(Provider.all_objects.filter(removed_at__lt=older_than).values_list("pk", flat=True))
    gone_services = Q(removed_at__lt=older_than) | Q(provider__in=providers)
    services = list(Service.all_objects.filter(gone_services).values_list("pk", flat=True))
    incidents = list(
        Incident.all_objects.filter(Q(removed_at__lt=older_than) | Q(service__in=services))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = {"providers": 0, "services": 0, "incidents": 0}
    for start in range(0, len(incidents), BATCH):
        with transaction.atomic():
            counts["incidents"] += _purge_incidents(incidents[start : start + BATCH])
    with transaction.atomic():
        counts["services"] = delete_rows(Service.all_objects.filter(pk__in=services))[Service]
        delete_rows(SupportContact.all_objects.filter(provider__in=providers))
        counts["providers"] = delete_rows(Provider.all_objects.filter(pk__in=providers))[Provider]
        _forget_deletions()
    return counts


def _purge_incidents(ids: list[int]) -> int:
    rows = Incident.all_objects.filter(pk__in=ids)
    services = set(rows.values_list("service_id", flat=True))
    files = set(LogExcerpt.all_objects.filter(incident__in=ids).exclude(raw="").values_list("raw", flat=True))
    purged = delete_rows(rows)[Incident]
    refresh_services(services)
    storage = LogExcerpt._meta.get_field("raw").storage
    for name in files:
        transaction.on_commit(partial(delete_unused_log_file, storage, name))
    return purged


@transaction.atomic
def delete_rows(rows: models.QuerySet) -> Counter:
    """Delete ``rows`` and first every row that depends on them, one statement for each kind
    of row, as Django's delete would (CASCADE deletes, SET_NULL clears the reference,
    DO_NOTHING leaves it, PROTECT and RESTRICT refuse: ProtectedError, nothing deleted), each
    deleted row of a model with an audit history getting its "deleted" record. No delete
    signal is sent. How many rows of each model went."""
    deleted = Counter()
    _delete(rows, deleted, timezone.now())
    return deleted


def _delete(rows: models.QuerySet, deleted: Counter, now: datetime) -> None:
    for relation in get_candidate_relations_to_delete(rows.model._meta):
        on_delete, field = relation.on_delete, relation.field
        dependants = relation.related_model._base_manager.filter(**{f"{field.name}__in": rows})
        if on_delete is models.CASCADE:
            _delete(dependants, deleted, now)
        elif on_delete is models.SET_NULL:
            dependants.update(**{field.name: None})
        elif on_delete in (models.PROTECT, models.RESTRICT):
            if dependants.exists():
                raise ProtectedError(f"{relation.related_model.__name__}.{field.name} protects the rows", set())
        elif on_delete is not models.DO_NOTHING:
            raise TypeError(f"{relation.related_model.__name__}.{field.name}: on_delete {on_delete} is not handled")
    _write_deleted_records(rows, now)
    deleted[rows.model] += rows._raw_delete(rows.db) or 0  # None: nothing could match


def _write_deleted_records(rows: models.QuerySet, now: datetime) -> None:
    """The audit history's "deleted" record of each row, as simple_history writes one when a
    row is deleted (no user: a purge is no one's request), copied by the database itself:
    one INSERT … SELECT of the rows' tracked columns."""
    try:
        history = get_history_model_for_model(rows.model)
    except NotHistoricalModelError:
        return
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    tracked = list(history.tracked_fields)
    stamped = rows.annotate(
        purge_date=models.Value(now, output_field=models.DateTimeField()),
        purge_type=models.Value("-", output_field=models.CharField()),
    ).values(*[field.attname for field in tracked], "purge_date", "purge_type")
    try:
        select, params = stamped.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:  # e.g. ``pk__in=[]``
        return
    quote = connections[rows.db].ops.quote_name
    columns = ", ".join(quote(name) for name in [field.column for field in tracked] + ["history_date", "history_type"])
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(history._meta.db_table)} ({columns}) {select}", params)


def _forget_deletions() -> None:
    """Deletions whose rows are all gone (purged) or back (restored some other way) go."""
    for deletion in Deletion.objects.all():
        left = (
            Provider.all_objects.filter(pk__in=deletion.providers, removed_at__isnull=False).exists()
            or Service.all_objects.filter(pk__in=deletion.services, removed_at__isnull=False).exists()
            or Incident.all_objects.filter(pk__in=deletion.incidents, removed_at__isnull=False).exists()
        )
        if not left:
            deletion.delete()
