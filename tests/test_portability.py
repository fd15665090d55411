import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from journal import demo
from journal.models import Incident, LogExcerpt, Provider, Service, SupportContact, TimelineEvent
from journal.portability import DocumentError, export_document, import_document
from tests.factories import LogExcerptFactory, SupportContactFactory

pytestmark = pytest.mark.django_db


def test_demo_document_round_trips_exactly(seed):
    LogExcerptFactory(incident=seed["vps"], name="binary", data=b"\xff\xfe not utf-8 \x00")
    SupportContactFactory(incident=None, provider=seed["vps"].service.provider, summary="Asked about IPv6.")
    exported = export_document()
    for model in (Incident, SupportContact, Service, Provider):  # an empty journal
        model.objects.all().delete()
    assert not TimelineEvent.objects.exists() and not LogExcerpt.objects.exists()
    counts = import_document(json.loads(json.dumps(exported)))
    assert counts == {"providers": 2, "services": 2, "incidents": 2, "incidents_skipped": 0}
    assert export_document() == exported
    restored = LogExcerpt.objects.get(name="binary")
    assert restored.read_bytes() == b"\xff\xfe not utf-8 \x00"


def test_the_export_has_the_documented_shape(seed):
    document = export_document()
    assert (document["format"], document["version"]) == ("incident-journal", 1)
    vps = next(i for i in document["incidents"] if i["uid"] == demo.VPS_OUTAGE_UID)
    assert vps["service"] == "VPS(KVM)" and vps["provider"] == "お名前.com"
    assert vps["events"][0] == {
        "at": "2012-07-19T23:12:00+00:00",
        "type": "down",
        "source": "log",
        "text": "sshd[1205]: Received signal 15; terminating. — clean shutdown sequence",
    }
    assert vps["notices"][0]["claimed_start"] == "2012-07-19T21:07:00+00:00"
    assert vps["notices"][0]["raw_text"] == demo.ONAMAE_NOTICE
    assert vps["log_excerpts"][0]["raw_text"] == demo.FREEBSD_SYSLOG
    assert [c["initiated_by"] for c in vps["support_contacts"]] == ["user", "provider"]


def test_importing_the_same_document_twice_changes_nothing(seed):
    before = export_document()
    assert import_document(before)["incidents_skipped"] == 2
    assert export_document() == before


def broken(mutate):
    document = copy.deepcopy(demo.document())
    mutate(document)
    return document


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["incidents"][1]["events"].__setitem__(0, {"at": "yesterday", "type": "down"}),
            "incidents[1].events[0].at: not a date",
        ),
        (
            lambda d: d["incidents"][0]["events"][2].__setitem__("at", "2012-07-20T08:56:00"),
            "incidents[0].events[2].at: a date without a UTC offset",
        ),
        (
            lambda d: d["incidents"][0]["events"][0].__setitem__("type", "exploded"),
            "incidents[0].events[0].type: 'exploded' is not one of",
        ),
        (
            lambda d: d["services"][0].__setitem__("time_zone", "Mars/Olympus"),
            "services[0].time_zone: “Mars/Olympus” is not a time zone",
        ),
        (lambda d: d["incidents"][0].__setitem__("title", "  "), "incidents[0].title: empty"),
        (lambda d: d["incidents"][0].__setitem__("service", "Nope"), "incidents[0].service: no service named 'Nope'"),
        (
            lambda d: d["incidents"][0]["notices"][0].__setitem__("claimed_end", "2012-07-20T05:00:00+09:00"),
            "incidents[0].notices[0].claimed_end: The claimed end is before the claimed start.",
        ),
        (
            lambda d: d["incidents"][0]["notices"][0].__setitem__("sha256", "0" * 64),
            "incidents[0].notices[0].sha256: does not match the content",
        ),
        (lambda d: d["incidents"][0].__setitem__("events", {"not": "a list"}), "incidents[0].events: not a list"),
        (
            lambda d: d["incidents"][0]["support_contacts"][0].__setitem__("helpfulness", "five"),
            "incidents[0].support_contacts[0].helpfulness: not a whole number",
        ),
        (lambda d: d.__setitem__("version", 2), "version: 2 is not supported"),
        (lambda d: d.__setitem__("format", "other"), "format: not an incident-journal document"),
    ],
)
def test_a_bad_document_is_refused_naming_the_place_and_nothing_is_imported(db, mutate, message):
    with pytest.raises(DocumentError) as error:
        import_document(broken(mutate))
    assert str(error.value).startswith(message)
    assert not Provider.objects.exists() and not Incident.objects.exists()


def test_export_and_import_commands(seed, tmp_path, capsys):
    path = tmp_path / "journal.json"
    call_command("export_journal", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["incidents"]) == 2
    call_command("import_journal", str(path))
    assert "0 incidents (2 already present)" in capsys.readouterr().out


def test_the_import_command_reports_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken(lambda d: d["incidents"][1]["events"][0].__setitem__("at", "soon"))))
    with pytest.raises(CommandError, match=r"incidents\[1\]\.events\[0\]\.at: not a date; nothing was imported"):
        call_command("import_journal", str(bad))
    with pytest.raises(CommandError, match="not JSON"):
        (tmp_path / "x.json").write_text("{")
        call_command("import_journal", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_journal", str(tmp_path / "missing.json"))
