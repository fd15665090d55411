"""Hostile JSON documents through ``import_journal``: each is refused with one ``place: message``
line (never a traceback), and leaves no row and no file behind (all or nothing).

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): NUL in text and years past 9999 in
UTC broke the import, or the export after it, only there.
"""

import copy
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from journal import demo
from tests.rows import snapshot

pytestmark = pytest.mark.django_db
BIG = "9" * 5000


def _set(path: str, value):
    """A mutation setting ``value`` at ``path`` (e.g. ``incidents.0.events.1.at``)."""

    def mutate(document):
        *parents, last = path.split(".")
        node = document
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


def _document(mutate=None) -> str:
    document = copy.deepcopy(demo.document())
    if mutate:
        mutate(document)
    return json.dumps(document, ensure_ascii=False)


def _duplicate_uid(document):
    document["incidents"][1]["uid"] = document["incidents"][0]["uid"]


DOCUMENTS = [
    # times of things that happened
    (_set("incidents.0.events.1.at", "2099-01-01T00:00:00+00:00"), "incidents[0].events[1].at: later than now"),
    (_set("incidents.0.events.1.at", "1969-12-31T23:59:59+00:00"), "incidents[0].events[1].at: before 1970-01-01"),
    (_set("incidents.0.events.0.at", "0001-01-01T00:00:00+09:00"), "incidents[0].events[0].at: before 1970-01-01"),
    (_set("incidents.0.events.0.at", "9999-12-31T23:59:59-14:00"), "incidents[0].events[0].at: later than now"),
    (_set("incidents.0.events.0.at", "9999-12-31T23:59:59+14:00"), "incidents[0].events[0].at: later than now"),
    (_set("incidents.0.resolved_at", "2099-01-01T00:00:00+00:00"), "incidents[0].resolved_at: later than now"),
    (
        _set("incidents.0.notices.0.retrieved_at", "2099-01-01T00:00:00Z"),
        "incidents[0].notices[0].retrieved_at: later than now",
    ),
    (
        _set("incidents.0.support_contacts.0", {"channel": "phone", "opened_at": "2099-01-01T00:00:00Z"}),
        "incidents[0].support_contacts[0].opened_at: later than now",
    ),
    (
        _set("incidents.0.support_contacts.1.first_response_at", "2099-01-01T00:00:00Z"),
        "incidents[0].support_contacts[1].first_response_at: later than now",
    ),
    (
        _set(
            "incidents.1.support_contacts.0",
            {"channel": "form", "opened_at": "2012-07-19T00:00:00Z", "resolved_at": "2099-01-01T00:00:00Z"},
        ),
        "incidents[1].support_contacts[0].resolved_at: later than now",
    ),
    (
        _set("incidents.0.log_excerpts.0.uploaded_at", "2099-01-01T00:00:00Z"),
        "incidents[0].log_excerpts[0].uploaded_at: later than now",
    ),
    # announced windows may lie ahead, within two years
    (
        _set("incidents.0.notices.0.claimed_start", "1900-01-01T00:00:00Z"),
        "incidents[0].notices[0].claimed_start: before 1970-01-01",
    ),
    (
        _set("incidents.0.notices.0.claimed_end", "9999-12-31T00:00:00Z"),
        "incidents[0].notices[0].claimed_end: more than two years ahead",
    ),
    (_set("services.0.started_on", "0001-01-01"), "services[0].started_on: before 1970-01-01"),
    (_set("services.0.ended_on", "9999-12-31"), "services[0].ended_on: more than two years ahead"),
    # not dates
    (_set("incidents.0.events.0.at", 5), "incidents[0].events[0].at: not a date"),
    (_set("incidents.0.events.0.at", ["2012-07-20T00:00:00Z"]), "incidents[0].events[0].at: not a date"),
    (_set("incidents.0.events.0.at", "10000-01-01T00:00:00Z"), "incidents[0].events[0].at: not a date"),
    (_set("services.0.started_on", "2012-02-30"), "services[0].started_on: not a date (YYYY-MM-DD)"),
    (
        _set("providers.0.support_channels", [{"channel": "phone", "opens": "25:00", "closes": "26:00"}]),
        "providers[0].support_channels[0].opens: not a time of day",
    ),
    # years and whole numbers
    (_set("incidents.0.log_excerpts.0.year", 9999), "incidents[0].log_excerpts[0].year: not a year between 1970 and"),
    (_set("incidents.0.log_excerpts.0.year", 10**40), "incidents[0].log_excerpts[0].year: not a year between 1970 and"),
    (_set("incidents.0.log_excerpts.0.year", "2012"), "incidents[0].log_excerpts[0].year: not a whole number"),
    (
        _set("incidents.0.support_contacts.0.helpfulness", 6),
        "incidents[0].support_contacts[0].helpfulness: Ensure this value is less than or equal to 5.",
    ),
    (
        _set("incidents.0.support_contacts.0.helpfulness", 10**100),
        "incidents[0].support_contacts[0].helpfulness: Ensure this value is less than or equal to 5.",
    ),
    (
        _set("incidents.0.support_contacts.0.helpfulness", True),
        "incidents[0].support_contacts[0].helpfulness: not a whole number",
    ),
    (_set("services.0.sla_claim_days", 4000), "services[0].sla_claim_days: not a whole number from 0 to 3660"),
    (
        _set("services.0.sla_claim_days", -1),
        "services[0].sla_claim_days: Ensure this value is greater than or equal to 0.",
    ),
    (
        _set("services.0.sla_uptime", "1e999999"),
        "services[0].sla_uptime: Ensure this value is less than or equal to 100.",
    ),
    (_set("services.0.sla_uptime", [99.9]), "services[0].sla_uptime: not a number"),
    # NUL and line breaks
    (_set("incidents.0.title", "VPS\x00down"), "incidents[0].title: contains a NUL character"),
    (_set("incidents.0.title", "VPS\nObserved down: 0m"), "incidents[0].title: contains a line break"),
    (_set("incidents.0.notes", "fine\x00"), "incidents[0].notes: contains a NUL character"),
    (_set("incidents.0.events.2.text", "\x00"), "incidents[0].events[2].text: contains a NUL character"),
    (_set("incidents.0.notices.0.target", "cnode\rforged"), "incidents[0].notices[0].target: contains a line break"),
    (
        _set("incidents.0.notices.0.raw_text", "notice\x00"),
        "incidents[0].notices[0].raw_text: contains a NUL character",
    ),
    (
        _set("incidents.0.support_contacts.0.ticket_ref", "T-1\u2028T-2"),
        "incidents[0].support_contacts[0].ticket_ref: contains a line break",
    ),
    (
        _set("incidents.0.log_excerpts.0.name", "messages\nforged"),
        "incidents[0].log_excerpts[0].name: contains a line break",
    ),
    (_set("providers.0.name", "Start\x00SSL"), "providers[0].name: contains a NUL character"),
    (_set("providers.0.notes", "a\x00b"), "providers[0].notes: contains a NUL character"),
    (_set("services.0.host", "mx1\nmx2"), "services[0].host: contains a line break"),
    (_set("services.0.time_zone", "Asia/Tokyo\x00"), "services[0].time_zone: “Asia/Tokyo\x00” is not a time zone"),
    (
        _set("incidents.0.log_excerpts.0.time_zone", "../../etc/passwd"),
        "incidents[0].log_excerpts[0].time_zone: '../../etc/passwd' is not a time zone",
    ),
    # shapes
    (_set("incidents", "all of them"), "incidents: not a list"),
    (_set("incidents.0", 42), "incidents[0]: not an object"),
    (_set("incidents.0.events.0", None), "incidents[0].events[0]: not an object"),
    (_set("incidents.0.log_excerpts.0", "messages"), "incidents[0].log_excerpts[0]: not an object"),
    (_set("incidents.0.events.0.type", {"down": True}), "incidents[0].events[0].type: {'down': True} is not one of"),
    (_set("incidents.0.notices.0.approximate", "yes"), "incidents[0].notices[0].approximate: not true or false"),
    (_set("incidents.0.uid", "not-a-uuid"), "incidents[0].uid: not a UUID"),
    (_duplicate_uid, "incidents[1].uid: the same uid as incidents[0]"),
    (_set("incidents.0.log_excerpts.0.raw_base64", "***"), "incidents[0].log_excerpts[0].raw_base64: not base64"),
    (
        _set("incidents.0.log_excerpts.0.sha256", "0" * 64),
        "incidents[0].log_excerpts[0].sha256: does not match the content",
    ),
    # a refusal after a log file was written: the file goes too
    (_set("incidents.1.events.3.at", "2099-01-01T00:00:00Z"), "incidents[1].events[3].at: later than now"),
]
RAW = [
    ("[" * 100_000 + "]" * 100_000, "document: nested too deeply"),
    (
        '{"format": "incident-journal", "version": 1, "notes": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "document: nested too deeply",
    ),
    ('{"format": "incident-journal", "version": ' + BIG + "}", "document: a number is too long"),
    ('{"format": "incident-journal", "version": 1, "incidents": [NaN]}', "document: NaN is not a number JSON allows"),
    ('{"format": "incident-journal", "version": Infinity}', "document: Infinity is not a number JSON allows"),
    ("[]", "format: not an incident-journal document"),
    ('"incident-journal"', "format: not an incident-journal document"),
    ('{"format": "incident-journal", "version": 1e400}', "version: inf is not supported"),
    ('{"format": "incident-journal"', "document: not JSON"),
    ("", "document: not JSON"),
]


def _refused(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "journal.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_journal", str(path))
    assert snapshot() == before
    return str(refused.value)


def test_the_unmutated_document_imports(tmp_path):
    path = tmp_path / "journal.json"
    path.write_text(_document(), encoding="utf-8")
    call_command("import_journal", str(path))
    assert snapshot()["files"]


@pytest.mark.parametrize(("mutate", "message"), DOCUMENTS, ids=[m for _, m in DOCUMENTS])
def test_a_hostile_document_is_refused_with_its_place_and_leaves_nothing(tmp_path, mutate, message):
    refusal = _refused(tmp_path, _document(mutate))
    assert f"journal.json: {message}" in refusal
    assert refusal.endswith("; nothing was imported")


@pytest.mark.parametrize(("text", "message"), RAW, ids=[m for _, m in RAW])
def test_a_hostile_file_is_refused_with_one_line(tmp_path, text, message):
    refusal = _refused(tmp_path, text)
    assert f"journal.json: {message}" in refusal
    assert "\n" not in refusal and len(refusal) < 1000


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    assert "not UTF-8" in _refused(tmp_path, b'{"format": "\xff"}')


def test_the_files_of_an_import_killed_half_way_are_removed_by_the_next(tmp_path, settings):
    """A killed import (SIGKILL, power cut) commits no row; the log file it had written is
    listed in its pending file, and the next import removes it."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = settings.MEDIA_ROOT / "logs" / "ab" / ("ab" + "0" * 62)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half an import\n")
    incoming = settings.MEDIA_ROOT / "logs" / "incoming"
    incoming.mkdir(parents=True)
    (incoming / f"import-{dead.stdout.strip()}-0123.pending").write_text(f"logs/ab/{orphan.name}\n")
    (incoming / f"import-{os.getpid() + 10**7}-4567.pending").write_text("")  # past any pid: gone too
    path = tmp_path / "journal.json"
    path.write_text(_document(), encoding="utf-8")
    call_command("import_journal", str(path))
    assert not orphan.exists()
    assert [p.name for p in incoming.iterdir() if p.suffix == ".pending"] == []
    assert len(snapshot()["files"]) == 2  # the two logs the document holds
