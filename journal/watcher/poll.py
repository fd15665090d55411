"""One poll of a status source: fetch each of its documents (conditional GET), store every new
version of each notice verbatim, mark notices that vanished, and set the next poll (backing
off on errors: the interval × 2^errors in a row, at most a day)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from journal.notices import parse_notice
from journal.watcher import offers
from journal.watcher.fetch import FetchError, fetch
from journal.watcher.models import SourceItem, SourceItemVersion, StatusSource
from journal.watcher.parse import Notice, ParseError, parse


@dataclass
class Outcome:
    fetched: int = 0  # documents retrieved (200)
    unchanged: int = 0  # documents answered 304
    new_items: int = 0
    new_versions: int = 0
    vanished: int = 0
    error: str = ""
    versions: list[SourceItemVersion] = field(default_factory=list)


def poll(source: StatusSource, now: datetime | None = None) -> Outcome:
    """Poll ``source`` now; errors are recorded on it (never raised)."""
    now = now or timezone.now()
    outcome = Outcome()
    validators = dict(source.validators)
    try:
        for url in source.document_urls():
            known = validators.get(url, {})
            got = fetch(url, known.get("etag", ""), known.get("last_modified", ""))
            if got.unchanged:
                outcome.unchanged += 1
                continue
            notices = parse(source.kind, got.body, url, got.content_type)
            outcome.fetched += 1
            with transaction.atomic():
                _store(source, url, notices, got, now, outcome)
            validators[url] = {"etag": got.etag, "last_modified": got.last_modified}
    except (FetchError, ParseError) as exc:
        outcome.error = f"{url}: {exc}"
    except Exception as exc:  # a bug or the database: backed off like any error, then raised for the log
        outcome.error = f"{url}: unexpected error ({type(exc).__name__}); see the worker's log"
        _settle(source, validators, outcome, now)
        raise
    _settle(source, validators, outcome, now)
    return outcome


def _store(source: StatusSource, document: str, notices: list[Notice], got, now: datetime, outcome: Outcome) -> None:
    seen = set()
    zone = source.time_zone or "UTC"
    for notice in notices:
        if notice.external_id in seen:
            continue
        seen.add(notice.external_id)
        item, created = SourceItem.objects.get_or_create(
            source=source,
            external_id=notice.external_id,
            defaults={"document": document, "title": notice.title, "first_seen": now, "last_seen": now},
        )
        outcome.new_items += created
        latest = item.versions.order_by("-number").first()
        changes = {"last_seen": now, "vanished_at": None, "title": notice.title}
        if latest is None or latest.text_sha256 != hashlib.sha256(notice.text.encode("utf-8")).hexdigest():
            version = _version(item, notice, latest, got, now, zone)
            outcome.new_versions += 1
            outcome.versions.append(version)
            changes.update(window_start=version.claimed_start, window_end=version.claimed_end)
            if latest is not None and item.offer == SourceItem.Offer.ATTACHED:
                item.__dict__.update(changes)
                offers.follow(item, version)
        SourceItem.objects.filter(pk=item.pk).update(**changes)
    gone = SourceItem.objects.filter(source=source, document=document, vanished_at__isnull=True)
    outcome.vanished += gone.exclude(external_id__in=seen).update(vanished_at=now)


def _version(item, notice: Notice, latest, got, now: datetime, zone: str) -> SourceItemVersion:
    claim = parse_notice(notice.text, zone=zone, now=now)
    start, end = (claim.start, claim.end) if claim.start else (notice.start, notice.end)
    version = SourceItemVersion(
        item=item,
        number=(latest.number + 1) if latest else 1,
        body=notice.body,
        text=notice.text,
        url=notice.url,
        etag=got.etag,
        content_type=got.content_type,
        retrieved_at=now,
        claimed_start=start,
        claimed_end=end,
        approximate=claim.approximate,
        target=claim.target[:300],
        cause=claim.cause,
        reader_doubts=[
            *claim.reasons,
            *(["the window is the source's own fields"] if start and not claim.start else []),
        ],
    )
    version.save()
    return version


def _settle(source: StatusSource, validators: dict, outcome: Outcome, now: datetime) -> None:
    changes = {"last_polled_at": now, "queued_at": None, "validators": validators}
    if outcome.error:
        failures = source.failures + 1
        changes.update(failures=failures, last_error=outcome.error[:2000], last_error_at=now)
    else:
        failures = 0
        changes.update(failures=0, last_success_at=now)
    changes["next_poll_at"] = now + source.delay_after(failures)
    StatusSource.objects.filter(pk=source.pk).update(**changes)
    for name, value in changes.items():
        setattr(source, name, value)
