"""The journal as one JSON document, for backup, restore and moving between databases.

Format ``incident-journal`` version 1; README.md documents every field. Importing adds what
the database does not have yet: providers and services are matched by name, incidents by
``uid`` (so importing the same document twice changes nothing). A document with any error
is refused whole, with the place of the first error (``incidents[3].events[0].at: not a date``):
values out of range (journal.bounds) included, and log files written before the error are
removed again.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import io
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Min, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from journal import bounds, jsonstream
from journal.acting import acting_as
from journal.housekeeping.names import name_key
from journal.logs.importer import read_excerpt
from journal.logs.lines import read_blocks
from journal.models import (
    Incident,
    LogExcerpt,
    Provider,
    ProviderNotice,
    Service,
    SupportChannel,
    SupportContact,
    TimelineEvent,
    delete_unused_log_file,
    log_upload_path,
    sha256_hex,
)
from journal.tasks import enqueue_indexing
from journal.timezones import get_zone
from journal.totals import contacts as contact_hours
from journal.totals import store as stored_totals

FORMAT = "incident-journal"
VERSION = 1


class DocumentError(ValueError):
    """A document that cannot be imported; the message starts with the place at fault."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# ---------------------------------------------------------------------------------- export

CHUNK = 200  # incidents fetched (with their events, notices, contacts, excerpts) per round
LOG_BLOCK = 3 * 2**20  # bytes of a log read per step (a multiple of 3: base64 blocks join)


def export_document() -> dict[str, Any]:
    """The whole document in memory (for tests and small journals; write_document streams)."""
    return json.loads("".join(_document_parts()))


def write_document(out, progress: Callable[[int, int], None] | None = None) -> None:
    """Write the document to the text stream ``out`` piece by piece: incidents a chunk at a
    time, logs a block at a time (never a whole log in memory). ``progress(done, total)`` is
    told the incidents written so far after each chunk."""
    with unmapped():
        for part in _document_parts(progress):
            out.write(part)


@contextmanager
def unmapped() -> Iterator[None]:
    """SQLite without its file mapped into memory (settings map up to 256 MB, shared by every
    process) for the block: a pass over the whole journal would otherwise count every page it
    touched into this process's memory, so an export or import would grow with the database
    file. Reads go through SQLite's own page cache instead (16 MB)."""
    mapped = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            mapped = cursor.fetchone()  # none for a database in memory (the tests')
    if not mapped:
        yield
        return
    mapped = mapped[0]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")


def _document_parts(progress=None) -> Iterator[str]:
    providers = Provider.objects.order_by("name").prefetch_related("support_channels")
    services = Service.objects.select_related("provider").order_by("provider__name", "name")
    loose_contacts = (
        SupportContact.objects.filter(incident=None, provider__removed_at=None)
        .select_related("provider")
        .order_by("opened_at", "id")
    )
    yield f'{{\n  "format": {json.dumps(FORMAT)},\n  "version": {VERSION},\n  "providers": '
    yield _dumps([_export_provider(p) for p in providers], 1)
    yield ',\n  "services": '
    yield _dumps([_export_service(s) for s in services], 1)
    yield ',\n  "incidents": ['
    order = list(
        Incident.objects.annotate(first=Coalesce(Min("events__at"), "created_at"))
        .order_by("first", "uid")
        .values_list("pk", flat=True)
    )
    separator = "\n    "
    for done in range(0, len(order), CHUNK):
        pks = order[done : done + CHUNK]
        fetched = {i.pk: i for i in _incidents().filter(pk__in=pks)}
        for pk in pks:
            yield separator
            separator = ",\n    "
            yield from _incident_parts(fetched[pk])
        if progress:
            progress(done + len(pks), len(order))
    yield "\n  ]" if order else "]"
    yield ',\n  "support_contacts": '
    yield _dumps([_export_contact(c) | {"provider": c.provider.name} for c in loose_contacts], 1)
    yield "\n}\n"


def _dumps(value: Any, level: int) -> str:
    """``value`` as indented JSON, placed ``level`` levels deep."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def _incidents():
    return Incident.objects.select_related("service__provider").prefetch_related(
        "events",
        Prefetch("notices", queryset=ProviderNotice.all_objects.select_related("removed_by")),
        "support_contacts",
        Prefetch("log_excerpts", queryset=LogExcerpt.all_objects.select_related("removed_by")),
    )


def _export_provider(p: Provider) -> dict[str, Any]:
    return {
        "name": p.name,
        "url": p.url,
        "status_page_url": p.status_page_url,
        "notes": p.notes,
        "support_channels": [
            {
                "channel": c.channel,
                "days": c.days,
                "opens": c.opens.isoformat("minutes") if c.opens else None,
                "closes": c.closes.isoformat("minutes") if c.closes else None,
                "time_zone": c.time_zone,
                "notes": c.notes,
            }
            for c in p.support_channels.all()
        ],
    }


def _export_service(s: Service) -> dict[str, Any]:
    return {
        "name": s.name,
        "provider": s.provider.name,
        "host": s.host,
        "time_zone": s.time_zone,
        "is_trial": s.is_trial,
        "started_on": s.started_on.isoformat() if s.started_on else None,
        "ended_on": s.ended_on.isoformat() if s.ended_on else None,
        "sla_uptime": str(s.sla_uptime) if s.sla_uptime is not None else None,
        "sla_credits": s.sla_credits,
        "sla_claim_days": s.sla_claim_days,
        "notes": s.notes,
    }


def _incident_parts(incident: Incident) -> Iterator[str]:
    """One incident as JSON; each log's bytes streamed where its marker stands."""
    entry = _export_incident(incident)
    marker = f"\x00log-{uuid.uuid4().hex}-"
    excerpts = list(incident.log_excerpts.all())
    as_text = [_is_utf8(excerpt) for excerpt in excerpts]
    for index, log in enumerate(entry["log_excerpts"]):
        key = "raw_text" if as_text[index] else "raw_base64"
        position = list(log).index("sha256") + 3  # after name, uploaded_at, sha256, time_zone, year
        items = list(log.items())
        items.insert(position, (key, f"{marker}{index}"))
        entry["log_excerpts"][index] = dict(items)
    text = _dumps(entry, 2)
    quoted = json.dumps(marker, ensure_ascii=False)[:-1]  # '"\u0000log-…-'
    rest = text
    while (at := rest.find(quoted)) >= 0:
        yield rest[:at]
        end = rest.index('"', at + 1)
        index = int(rest[at + len(quoted) : end])
        yield '"'
        yield from _log_text_parts(excerpts[index], as_text[index])
        yield '"'
        rest = rest[end + 1 :]
    yield rest


def _is_utf8(excerpt: LogExcerpt) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with excerpt.raw.open("rb") as fh:
            while block := fh.read(LOG_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _log_text_parts(excerpt: LogExcerpt, text: bool) -> Iterator[str]:
    """The log's bytes as the inside of a JSON string: text when they are UTF-8 (escaped block
    by block: JSON escapes each character on its own), else base64 (blocks of a multiple of
    three bytes encode to the same text as the whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with excerpt.raw.open("rb") as fh:
        while block := fh.read(LOG_BLOCK):
            if text:
                yield json.dumps(decoder.decode(block), ensure_ascii=False)[1:-1]
            else:
                yield base64.b64encode(block).decode("ascii")


def _export_incident(incident: Incident) -> dict[str, Any]:
    notices = list(incident.notices.all())  # superseded and removed ones too
    positions = {n.pk: index for index, n in enumerate(notices)}
    return {
        "uid": str(incident.uid),
        "provider": incident.service.provider.name,
        "service": incident.service.name,
        "title": incident.title,
        "kind": incident.kind,
        "status": incident.status,
        "resolved_at": _iso(incident.resolved_at),
        "notes": incident.notes,
        "events": [
            {"at": _iso(e.at), "type": e.type, "source": e.source, "text": e.text} for e in incident.events.all()
        ],
        "notices": [
            {
                "url": n.url,
                "retrieved_at": _iso(n.retrieved_at),
                "raw_text": n.raw_text,
                "sha256": n.sha256,
                "claimed_start": _iso(n.claimed_start),
                "claimed_end": _iso(n.claimed_end),
                "approximate": n.approximate,
                "target": n.target,
                "cause": n.cause,
            }
            | _export_kept(n)
            | ({"supersedes": positions[n.supersedes_id]} if n.supersedes_id in positions else {})
            for n in notices
        ],
        "support_contacts": [_export_contact(c) for c in incident.support_contacts.all()],
        "log_excerpts": [_export_log(x) | _export_kept(x) for x in incident.log_excerpts.all()],
    }


def _export_kept(item: ProviderNotice | LogExcerpt) -> dict[str, Any]:
    """A removal, only when there is one (documents without removals stay as they were)."""
    if not item.is_removed:
        return {}
    by = item.removed_by.get_username() if item.removed_by else None
    return {"removed_at": _iso(item.removed_at), "removed_by": by, "removal_reason": item.removal_reason}


def _export_contact(c: SupportContact) -> dict[str, Any]:
    return {
        "channel": c.channel,
        "initiated_by": c.initiated_by,
        "opened_at": _iso(c.opened_at),
        "first_response_at": _iso(c.first_response_at),
        "resolved_at": _iso(c.resolved_at),
        "ticket_ref": c.ticket_ref,
        "agent": c.agent,
        "summary": c.summary,
        "outcome": c.outcome,
        "helpfulness": c.helpfulness,
    }


def _export_log(excerpt: LogExcerpt) -> dict[str, Any]:
    """An excerpt without its bytes (``_incident_parts`` streams them in after ``year``)."""
    return {
        "name": excerpt.name,
        "uploaded_at": _iso(excerpt.uploaded_at),
        "sha256": excerpt.sha256,
        "time_zone": excerpt.time_zone or None,
        "year": excerpt.year,
    }


# ---------------------------------------------------------------------------------- import


def _refuse_constant(name: str):
    raise DocumentError(_("document: %(name)s is not a number JSON allows") % {"name": name})


def parse(text: str) -> Any:
    """The JSON document in ``text``; DocumentError for anything that is not plain JSON,
    including nesting too deep to read and numbers too long to convert."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(_("document: not JSON (%(reason)s)") % {"reason": exc}) from None
    except RecursionError:
        raise DocumentError(_("document: nested too deeply")) from None
    except DocumentError:
        raise
    except ValueError as exc:  # int() refuses numbers of more than sys.get_int_max_str_digits() digits
        raise DocumentError(_("document: a number is too long (%(reason)s)") % {"reason": exc}) from None


_reader: ContextVar[jsonstream.Reader | None] = ContextVar("journal_document_reader", default=None)


@cache
def _values(choices) -> frozenset[str]:
    return frozenset(choices.values)


class Node:
    """A place in the document being read, with readers that name the place when they fail."""

    def __init__(self, value: Any, path: str = ""):
        self.value, self.path = value, path

    def fail(self, key: str, message: str) -> DocumentError:
        return DocumentError(f"{self._at(key)}: {message}")

    def _at(self, key: str) -> str:
        if not key:
            return self.path or "document"
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        if not isinstance(self.value, dict):
            raise DocumentError(_("%(place)s: not an object") % {"place": self.path or "document"})
        value = self.value.get(key)
        if value is None and required:
            raise self.fail(key, _("missing"))
        reader = _reader.get()
        if reader is not None and (spilled := reader.spilled(value)):
            return spilled.text()  # a long string other than a log's bytes: read whole, as before
        return value

    def text(self, key: str, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(key, _("not a string"))
        if required and not value.strip():
            raise self.fail(key, _("empty"))
        return value

    def choice(self, key: str, choices, default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is None:
            return default
        if not isinstance(value, str) or value not in _values(choices):
            raise self.fail(
                key, _("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(choices.values)}
            )
        return value

    def moment(self, key: str, required: bool = False) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(key, _("not a date")) from None
        if parsed.utcoffset() is None:
            raise self.fail(key, _("a date without a UTC offset"))
        return parsed

    def day(self, key: str) -> date | None:
        value = self._get(key, False)
        try:
            return None if value is None else date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(key, _("not a date (YYYY-MM-DD)")) from None

    def clock(self, key: str) -> time | None:
        value = self._get(key, False)
        try:
            return None if value is None else time.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(key, _("not a time of day (HH:MM)")) from None

    def decimal(self, key: str) -> Decimal | None:
        value = self._get(key, False)
        try:
            return None if value is None else Decimal(str(value))
        except InvalidOperation:
            raise self.fail(key, _("not a number")) from None

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, _("not true or false"))
        return bool(value)

    def integer(self, key: str) -> int | None:
        value = self._get(key, False)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, _("not a whole number"))
        return value

    def items(self, key: str) -> list[Node]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, _("not a list"))
        return [Node(item, f"{self._at(key)}[{index}]") for index, item in enumerate(value)]


def _check(node: Node, instance) -> None:
    """Validate like a form would, ranges included; a failure names the place."""
    try:
        instance.full_clean(
            exclude=["incident", "provider", "service", "raw", "size", "sha256"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise node.fail(field if field != "__all__" else "", " ".join(messages)) from None
    for field, problem in bounds.problems(instance).items():
        raise node.fail(field, problem)


def _save(node: Node, instance) -> Any:
    _check(node, instance)
    instance.save()
    return instance


SECTIONS = ("providers", "services", "incidents", "support_contacts")


def import_document(document: Any, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Add the contents of a document already in memory; all or nothing. Returns counts of
    what was added/skipped."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DocumentError(_("format: not an %(format)s document") % {"format": FORMAT})
    if document.get("version") != VERSION:
        raise DocumentError(
            _("version: %(version)r is not supported (expected %(expected)s)")
            % {"version": document.get("version"), "expected": VERSION}
        )
    root = Node(document)

    def feed(importer: _Importer) -> None:
        for section in SECTIONS:
            for node in root.items(section):
                importer.take(section, node)

    return _importing(feed, progress=progress)


def import_file(fh: BinaryIO, progress: Callable[[int], None] | None = None, user=None) -> dict[str, int]:
    """Read a document from the binary file ``fh`` as it is imported, item by item (never
    whole: see journal.jsonstream), with every check of :func:`import_document`; all or
    nothing. ``progress`` is told the incidents imported so far; ``user`` is who the history
    says created the rows."""
    reader = jsonstream.Reader(fh, spill_dir=str(_incoming()), parse_constant=_refuse_constant)
    try:
        return _importing(partial(_feed_stream, reader), progress=progress, user=user, reader=reader)
    except jsonstream.TooDeep:
        raise DocumentError(_("document: nested too deeply")) from None
    except jsonstream.NumberTooLong as exc:
        raise DocumentError(_("document: a number is too long (%(reason)s)") % {"reason": exc}) from None
    except jsonstream.NotJSON as exc:
        raise DocumentError(_("document: not JSON (%(reason)s)") % {"reason": exc}) from None
    finally:
        reader.close()


def _feed_stream(reader: jsonstream.Reader, importer: _Importer) -> None:
    """Sections in the order they come: each straight in when the ones it refers to (those
    before it in SECTIONS) are in, else kept in a temporary file until the end of the
    document (an exported document comes in order, so nothing waits)."""
    with ExitStack() as spools:
        _feed_members(reader, importer, spools)


def _feed_members(reader: jsonstream.Reader, importer: _Importer, spools: ExitStack) -> None:
    header: dict[str, Any] = {}
    done: set[str] = set()
    waiting: dict[str, Any] = {}  # section: a spool file of its items, or its (not a list) value

    def header_checked() -> bool:
        if "format" in header and header["format"] != FORMAT:
            raise DocumentError(_("format: not an %(format)s document") % {"format": FORMAT})
        if "format" in header and "version" in header and header["version"] != VERSION:
            raise DocumentError(
                _("version: %(version)r is not supported (expected %(expected)s)")
                % {"version": header["version"], "expected": VERSION}
            )
        return "format" in header and "version" in header

    for key, value in reader.members():
        if key == "":  # not an object
            raise DocumentError(_("format: not an %(format)s document") % {"format": FORMAT})
        if key not in SECTIONS:
            if key in ("format", "version"):
                header[key] = value
                header_checked()
            continue
        if not isinstance(value, Iterator):
            waiting[key] = value
        elif header_checked() and all(before in done for before in SECTIONS[: SECTIONS.index(key)]):
            for index, item in enumerate(value):
                importer.take(key, Node(item, f"{key}[{index}]"))
            done.add(key)
        else:
            spool = spools.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", dir=_incoming()))  # noqa: SIM115
            for item in value:
                spool.write(json.dumps(item, ensure_ascii=False) + "\n")
            waiting[key] = spool
    if "format" not in header:
        raise DocumentError(_("format: not an %(format)s document") % {"format": FORMAT})
    if not header_checked():
        raise DocumentError(
            _("version: %(version)r is not supported (expected %(expected)s)") % {"version": None, "expected": VERSION}
        )
    for section in SECTIONS:
        if section in done or section not in waiting:
            continue
        kept = waiting.pop(section)
        if not isinstance(kept, io.TextIOBase):
            for node in Node({section: kept}).items(section):
                importer.take(section, node)
            continue
        kept.seek(0)
        for index, line in enumerate(kept):
            importer.take(section, Node(json.loads(line), f"{section}[{index}]"))


def _importing(feed, progress=None, user=None, reader: jsonstream.Reader | None = None) -> dict[str, int]:
    recover_killed_imports()
    written = FilesWritten()
    token = _reader.set(reader)
    try:
        with unmapped(), acting_as(user), transaction.atomic():
            importer = _Importer(written, progress, user)
            feed(importer)
            importer.finish()
    except BaseException:
        written.remove_unreferenced()
        raise
    finally:
        _reader.reset(token)
        written.close()
    return importer.counts


def _after_import(incident_ids: list[int]) -> None:
    """Once an import's rows are in (same transaction): the one place for work on what was
    imported as a whole — stored figures derived from the events are refreshed here. Queues
    putting the imported logs' lines into the text index (a worker does it after the commit)."""
    stored_totals.refresh_incidents(incident_ids)  # bulk_create sends no signals
    contact_hours.refresh_missing()
    for excerpt in LogExcerpt.all_objects.filter(incident_id__in=incident_ids).only("pk"):
        enqueue_indexing(excerpt)


def _incoming() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "logs" / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class FilesWritten:
    """The log files an import is about to write, listed on disk before each is written: if the
    import fails they are removed; if it is killed, the next import removes them
    (:func:`recover_killed_imports`)."""

    def __init__(self):
        self.path = _incoming() / f"import-{os.getpid()}-{uuid.uuid4().hex}.pending"
        self.names: list[str] = []

    def add(self, name: str) -> None:
        self.names.append(name)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def remove_unreferenced(self) -> None:
        _remove_unreferenced(self.names)

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def _remove_unreferenced(names: list[str]) -> None:
    for name in names:
        delete_unused_log_file(LogExcerpt.raw.field.storage, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def recover_killed_imports() -> None:
    """Remove the files of imports that were killed half-way (their process is gone and their
    list is still there) that no row references: a killed import leaves nothing behind."""
    incoming = Path(settings.MEDIA_ROOT) / "logs" / "incoming"
    for pending in [*incoming.glob("import-*"), *incoming.glob("store-*")]:
        pid = pending.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            if pending.suffix == ".pending":
                _remove_unreferenced(pending.read_text(encoding="utf-8").split())
            pending.unlink(missing_ok=True)  # the list, or a log being decoded or stored when it was killed


@dataclass
class _Built:
    """An incident read and checked, waiting to be written with others in bulk."""

    incident: Incident
    events: list[TimelineEvent]
    notices: list[ProviderNotice]
    links: dict[int, int]  # notice position: position of the notice it supersedes
    undated: list[ProviderNotice]  # notices without retrieved_at: they take the incident's creation
    contacts: list[SupportContact]
    logs: list[Node]


class _Importer:
    """Takes items section by section; incidents are checked one by one as before and written
    CHUNK at a time with bulk_create (each row with its "created" history record)."""

    def __init__(self, written: FilesWritten, progress=None, user=None):
        self.written, self.progress, self.user = written, progress, user
        self.counts = dict.fromkeys(["providers", "services", "incidents", "incidents_skipped"], 0)
        self.providers = {p.name_key: p for p in Provider.objects.all()}  # “hetzner” is the journal's “Hetzner”
        self.services: dict[tuple[int, str], Service] | None = None
        self.seen_uids: dict[uuid.UUID, str] = {}
        self.batch: list[_Built] = []
        self.imported: list[int] = []
        self.now = timezone.now()

    def take(self, section: str, node: Node) -> None:
        {
            "providers": self.provider,
            "services": self.service,
            "incidents": self.incident,
            "support_contacts": self.contact,
        }[section](node)

    def provider(self, node: Node) -> None:
        name = node.text("name", required=True)
        if name_key(name) in self.providers:
            return
        provider = Provider(
            name=name,
            url=node.text("url"),
            status_page_url=node.text("status_page_url"),
            notes=node.text("notes"),
        )
        self.providers[name_key(name)] = _save(node, provider)
        self.counts["providers"] += 1
        for channel in node.items("support_channels"):
            _save(
                channel,
                SupportChannel(
                    provider=provider,
                    channel=channel.choice("channel", SupportContact.Channel),
                    days=channel.text("days") or SupportChannel._meta.get_field("days").default,
                    opens=channel.clock("opens"),
                    closes=channel.clock("closes"),
                    time_zone=channel.text("time_zone") or "UTC",
                    notes=channel.text("notes"),
                ),
            )

    def _services(self) -> dict[tuple[int, str], Service]:
        if self.services is None:
            self.services = {(s.provider_id, s.name_key): s for s in Service.objects.all()}
        return self.services

    def service(self, node: Node) -> None:
        provider = _provider(node, self.providers)
        name = node.text("name", required=True)
        key = (provider.pk, name_key(name))
        if key in self._services():
            return
        service = Service(
            provider=provider,
            name=name,
            host=node.text("host"),
            time_zone=node.text("time_zone") or "UTC",
            is_trial=node.boolean("is_trial"),
            started_on=node.day("started_on"),
            ended_on=node.day("ended_on"),
            sla_uptime=node.decimal("sla_uptime"),
            sla_credits=node.text("sla_credits"),
            sla_claim_days=node.integer("sla_claim_days"),
            notes=node.text("notes"),
        )
        self.services[key] = _save(node, service)
        self.counts["services"] += 1

    def incident(self, node: Node) -> None:
        built = self._build(node)
        if built is None:
            self.counts["incidents_skipped"] += 1
            return
        self.counts["incidents"] += 1
        self.batch.append(built)
        if built.logs or len(self.batch) >= CHUNK:
            self.flush()
        for log in built.logs:  # after its incident is written, in the document's order
            self._log(log, built.incident)

    def contact(self, node: Node) -> None:
        _contact(node, _provider(node, self.providers), None).save()

    def finish(self) -> None:
        self.flush()
        _after_import(self.imported)

    def _build(self, node: Node) -> _Built | None:
        uid = None
        if node.text("uid"):
            try:
                uid = uuid.UUID(node.text("uid"))
            except ValueError:
                raise node.fail("uid", _("not a UUID")) from None
            if uid in self.seen_uids:
                raise node.fail(
                    "uid",
                    _("the same uid as %(place)s: an incident appears once in a document")
                    % {"place": self.seen_uids[uid]},
                )
            self.seen_uids[uid] = node.path
            if Incident.all_objects.filter(uid=uid).exists():  # a deleted one too: undo brings it back
                return None
        provider = _provider(node, self.providers)
        service_name = node.text("service", required=True)
        service = self._services().get((provider.pk, name_key(service_name)))
        if service is None:
            raise node.fail(
                "service",
                _("no service named %(name)r at %(provider)r") % {"name": service_name, "provider": provider.name},
            )
        incident = Incident(
            service=service,
            title=node.text("title", required=True),
            kind=node.choice("kind", Incident.Kind, "outage"),
            status=node.choice("status", Incident.Status, "resolved"),
            notes=node.text("notes"),
            resolved_at=node.moment("resolved_at"),
            **({"uid": uid} if uid else {}),
        )
        _check(node, incident)
        events = []
        for event in node.items("events"):
            events.append(
                TimelineEvent(
                    incident=incident,
                    at=event.moment("at", required=True),
                    type=event.choice("type", TimelineEvent.Type),
                    source=event.choice("source", TimelineEvent.Source, "person"),
                    text=event.text("text"),
                )
            )
            _check(event, events[-1])
        notices, undated = [], []
        for notice in node.items("notices"):
            retrieved_at = notice.moment("retrieved_at")
            built = ProviderNotice(
                incident=incident,
                url=notice.text("url"),
                raw_text=notice.text("raw_text", required=True),
                retrieved_at=retrieved_at or self.now,
                claimed_start=notice.moment("claimed_start"),
                claimed_end=notice.moment("claimed_end"),
                approximate=notice.boolean("approximate"),
                target=notice.text("target"),
                cause=notice.text("cause"),
                **_kept(notice),
            )
            _check(notice, built)
            built.sha256 = sha256_hex(built.raw_text.encode("utf-8"))
            _check_hash(notice, built.sha256)
            notices.append(built)
            if retrieved_at is None:
                undated.append(built)
        links = _version_links(node.items("notices"), len(notices))
        contacts = [_contact(contact, provider, incident) for contact in node.items("support_contacts")]
        return _Built(incident, events, notices, links, undated, contacts, node.items("log_excerpts"))

    def flush(self) -> None:
        """Write the incidents waiting, and their events, notices and contacts, in bulk."""
        if not self.batch:
            return
        incidents = [b.incident for b in self.batch]
        _bulk(Incident, incidents, self.user)
        for built in self.batch:
            for notice in built.undated:
                notice.retrieved_at = built.incident.created_at
        _bulk(TimelineEvent, [e for b in self.batch for e in b.events], self.user)
        _bulk(ProviderNotice, [n for b in self.batch for n in b.notices], self.user)
        _bulk(SupportContact, [c for b in self.batch for c in b.contacts], self.user)
        for built in self.batch:
            for index, earlier in built.links.items():
                built.notices[index].supersedes = built.notices[earlier]
                built.notices[index].save(update_fields=["supersedes"])
        self.imported += [i.pk for i in incidents]
        self.batch = []
        if self.progress:
            self.progress(len(self.imported))

    def _log(self, log: Node, incident: Incident) -> None:
        excerpt = LogExcerpt(
            incident=incident,
            name=log.text("name", required=True),
            uploaded_at=log.moment("uploaded_at") or incident.created_at,
            **_kept(log),
        )
        zone, year = log.text("time_zone") or None, log.integer("year")
        if zone:
            try:
                get_zone(zone)
            except ValueError:
                raise log.fail("time_zone", _("%(zone)r is not a time zone") % {"zone": zone}) from None
        if year is not None and (problem := bounds.year_problem(year)):
            raise log.fail("year", problem)
        blocks = _log_blocks(log)
        _check(log, excerpt)
        with tempfile.NamedTemporaryFile(dir=_incoming(), prefix=f"import-{os.getpid()}-log-") as copy:
            digest = hashlib.sha256()
            for block in blocks:  # decoded (and checked) as it is written: never whole
                digest.update(block)
                copy.write(block)
            copy.flush()
            excerpt.sha256 = digest.hexdigest()
            self.written.add(log_upload_path(excerpt, excerpt.name))
            copy.seek(0)
            excerpt.store_stream(read_blocks(copy))
        _check_hash(log, excerpt.sha256)
        try:
            read_excerpt(excerpt, zone, year)
        except DatabaseError as exc:
            raise log.fail(
                "raw_text", _("a line the database cannot store (%(error)s)") % {"error": exc.__class__.__name__}
            ) from None


def _bulk(model, objects: list, user) -> None:
    if objects:
        model.objects.bulk_create(objects, batch_size=500)
        model.history.bulk_history_create(objects, batch_size=500, default_user=user)


def _provider(node: Node, providers: dict[str, Provider]) -> Provider:
    name = node.text("provider", required=True)
    if name_key(name) not in providers:
        raise node.fail("provider", _("no provider named %(name)r in the document or the journal") % {"name": name})
    return providers[name_key(name)]


def _kept(node: Node) -> dict[str, Any]:
    """A removal recorded in the document (by whom: a user of that name here, if any)."""
    at = node.moment("removed_at")
    if at is None:
        return {}
    name = node.text("removed_by")
    by = get_user_model().objects.filter(username=name).first() if name else None
    return {"removed_at": at, "removed_by": by, "removal_reason": node.text("removal_reason")[:500] or "removed"}


def _version_links(nodes: list[Node], count: int) -> dict[int, int]:
    """``supersedes``: the position, in the same list, of the notice a notice corrects."""
    links: dict[int, int] = {}
    for index, node in enumerate(nodes):
        earlier = node.integer("supersedes")
        if earlier is None:
            continue
        if not 0 <= earlier < count or earlier in links.values():
            raise node.fail("supersedes", _("not the position of another notice of this incident, once"))
        links[index] = earlier
        step = earlier
        while step in links:  # each notice corrects at most one, so a loop comes back here
            step = links[step]
            if step == index:
                raise node.fail("supersedes", _("notices cannot supersede each other in a loop"))
    return links


def _contact(node: Node, provider: Provider, incident: Incident | None) -> SupportContact:
    contact = SupportContact(
        provider=provider,
        incident=incident,
        channel=node.choice("channel", SupportContact.Channel),
        initiated_by=node.choice("initiated_by", SupportContact.InitiatedBy, "user"),
        opened_at=node.moment("opened_at", required=True),
        first_response_at=node.moment("first_response_at"),
        resolved_at=node.moment("resolved_at"),
        ticket_ref=node.text("ticket_ref"),
        agent=node.text("agent"),
        summary=node.text("summary"),
        outcome=node.text("outcome"),
        helpfulness=node.integer("helpfulness"),
    )
    _check(node, contact)
    return contact


def _log_blocks(node: Node) -> Iterator[bytes]:
    """The log's bytes, a block at a time. A short string is decoded (and refused) at once,
    as before; a long one (spilled by the reader) as its blocks are written."""
    if not isinstance(node.value, dict):
        raise DocumentError(_("%(place)s: not an object") % {"place": node.path})
    reader = _reader.get()
    if node.value.get("raw_base64") is not None:
        spilled = reader.spilled(node.value["raw_base64"]) if reader else None
        if spilled is None:
            try:
                return iter([base64.b64decode(node.text("raw_base64"), validate=True)])
            except (binascii.Error, ValueError):
                raise node.fail("raw_base64", _("not base64")) from None
        return _base64_blocks(node, spilled)
    spilled = reader.spilled(node.value.get("raw_text")) if reader else None
    if spilled is None:
        text = node.text("raw_text", required=True)
        if problem := bounds.unicode_problem(text):  # NUL may stand in a log: it is kept as bytes
            raise node.fail("raw_text", problem)
        return iter([text.encode("utf-8")])
    return _text_blocks(node, spilled)


def _text_blocks(node: Node, spilled: jsonstream.Spilled) -> Iterator[bytes]:
    for piece in spilled.pieces():
        if problem := bounds.unicode_problem(piece):
            raise node.fail("raw_text", problem)
        yield piece.encode("utf-8")


def _base64_blocks(node: Node, spilled: jsonstream.Spilled) -> Iterator[bytes]:
    rest = ""
    try:
        for piece in spilled.pieces():
            text = rest + piece
            whole = len(text) - len(text) % 4
            yield base64.b64decode(text[:whole], validate=True)
            rest = text[whole:]
        if rest:
            yield base64.b64decode(rest, validate=True)
    except (binascii.Error, ValueError):
        raise node.fail("raw_base64", _("not base64")) from None


def _check_hash(node: Node, actual: str) -> None:
    expected = node.text("sha256")
    if expected and expected != actual:
        raise node.fail("sha256", _("does not match the content (content hashes to %(digest)s)") % {"digest": actual})
