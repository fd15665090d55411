import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from journal import demo
from journal.models import Incident, LogExcerpt, LogSuggestion
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def outage():
    """A Tokyo VPS outage in July 2012, noticed at 08:56 (year-less log times fall in 2012)."""
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status=Incident.Status.RESOLVED)
    EventFactory(incident=incident, type="noticed", at=datetime(2012, 7, 20, 8, 56, tzinfo=JST))
    return incident


@pytest.fixture
def seed_log(outage):
    return LogExcerptFactory(incident=outage, data=demo.FREEBSD_SYSLOG.encode())


def test_an_upload_is_read_and_its_suggestions_shown_on_the_incident(
    client_alice, outage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_alice.post(
            f"/incidents/{outage.pk}/logs/new/",
            {
                "logs-file": SimpleUploadedFile("messages", demo.FREEBSD_SYSLOG.encode()),
                "logs-name": "",
            },
            headers=HX,
        )
    text = text_of(client_alice.get(outage.get_absolute_url()))
    assert "19 lines: 16 parsed, 3 unparsed (rfc3164 16)" in text
    assert "What the logs show" in text
    assert (
        "Down 2012-07-19 23:12:37 2012-07-20 08:12:37 JST — line 1 : sshd[1205]: Received signal 15; terminating."
        in text
    )
    assert text.count("Accept all 4") == 1


def test_an_upload_over_the_limit_is_refused(client_alice, outage, settings):
    settings.LOG_UPLOAD_MAX_BYTES = 10
    response = client_alice.post(
        f"/incidents/{outage.pk}/logs/new/",
        {
            "logs-file": SimpleUploadedFile("big.log", b"x" * 11),
            "logs-name": "",
        },
    )
    assert response.status_code == 422
    assert "This file is 11\xa0bytes; the limit is 10\xa0bytes" in response.content.decode()
    assert not LogExcerpt.objects.exists()


def test_accepting_a_suggestion_puts_it_on_the_timeline_with_its_context(client_alice, outage, seed_log):
    suggestion = seed_log.suggestions.get(line__number=5)
    response = client_alice.post(f"/incidents/{outage.pk}/suggestions/{suggestion.pk}/accept/", headers=HX)
    html = response.content.decode()
    event = outage.events.get(source="log")
    assert (event.type, event.at) == ("up", datetime(2012, 7, 20, 8, 39, 19, tzinfo=JST))
    assert "Log line 5 with its neighbours" in html
    assert "Jul 20 08:39:19 host syslogd: restart" not in html  # the lines are loaded when opened
    context = client_alice.get(f"/incidents/{outage.pk}/events/{event.pk}/context/", headers=HX).content.decode()
    for number in range(2, 9):
        assert f"?line={number}#L{number}" in context
    assert "?line=9#L9" not in context and "?line=1#L1" not in context
    assert '<span class="hit">Jul 20 08:39:19 host syslogd: restart</span>' in context


def test_dismissing_a_suggestion_hides_it(client_alice, outage, seed_log):
    suggestion = seed_log.suggestions.first()
    response = client_alice.post(f"/incidents/{outage.pk}/suggestions/{suggestion.pk}/dismiss/")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == LogSuggestion.Status.DISMISSED
    assert not outage.events.filter(source="log").exists()
    assert "Accept all 3" in text_of(client_alice.get(outage.get_absolute_url()))
    assert client_alice.post(f"/incidents/{outage.pk}/suggestions/{suggestion.pk}/accept/").status_code == 404


def test_accept_all(client_alice, outage, seed_log):
    client_alice.post(f"/incidents/{outage.pk}/suggestions/accept-all/")
    assert outage.events.filter(source="log").count() == 4
    assert "What the logs show" not in text_of(client_alice.get(outage.get_absolute_url()))


def test_the_viewer_shows_a_window_of_lines_with_permalinks_and_detections(client_alice, outage, seed_log):
    client_alice.cookies["viewer_tz"] = "Asia/Tokyo"
    html = client_alice.get(seed_log.get_absolute_url()).content.decode()
    assert '<tr id="L1" class="hit">' in html
    assert '<tr id="L3" class=" unparsed">' in html
    assert "2012-07-20 08:12:37" in html and "sigterm" in html
    assert "Lines 1–19" in text_of(client_alice.get(seed_log.get_absolute_url()))


def test_the_viewer_pages_through_a_large_excerpt(client_alice, outage):
    excerpt = LogExcerptFactory(
        incident=outage,
        data=b"".join(f"Jul 20 08:{n // 60:02d}:{n % 60:02d} host app[1]: line {n}\n".encode() for n in range(450)),
    )
    first = text_of(client_alice.get(excerpt.get_absolute_url()))
    assert "Lines 1–200" in first and "Later lines" in first and "Earlier lines" not in first
    around = text_of(client_alice.get(excerpt.get_absolute_url() + "?line=400"))
    assert "Lines 350–449" in around or "Lines 350–450" in around
    assert "Earlier lines" in around


def test_the_viewer_filters_by_program_text_and_detected(client_alice, outage, seed_log):
    url = seed_log.get_absolute_url()
    by_program = text_of(client_alice.get(url + "?program=sshd"))
    assert "Received signal 15" in by_program and "syslogd: restart" not in by_program
    by_text = client_alice.get(url + "?q=boot+file").content.decode()
    assert by_text.count('<tr id="L') == 2
    detected = client_alice.get(url + "?detected=on").content.decode()
    assert detected.count('<tr id="L') == 14  # all but the three "[...]" and two plain kernel lines


def test_jumping_to_a_time_opens_the_first_line_at_it(client_alice, outage, seed_log):
    client_alice.cookies["viewer_tz"] = "Asia/Tokyo"
    response = client_alice.get(seed_log.get_absolute_url() + "?at=2012-07-20T09:00")
    assert response.status_code == 302
    assert response["Location"].endswith("?line=9#L9")


def test_reading_again_with_another_zone(client_alice, outage, seed_log, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            f"/incidents/{outage.pk}/logs/{seed_log.pk}/read/", {"time_zone": "UTC", "year": "2012"}
        )
    assert response.status_code == 302
    seed_log.refresh_from_db()
    assert (seed_log.state, seed_log.time_zone, seed_log.year) == ("read", "UTC", 2012)
    assert seed_log.lines.get(number=1).at == datetime(2012, 7, 20, 8, 12, 37, tzinfo=ZoneInfo("UTC"))
    bad = client_alice.post(
        f"/incidents/{outage.pk}/logs/{seed_log.pk}/read/", {"time_zone": "Mars/Base", "year": "x"}, follow=True
    )
    assert "is not a time zone" in bad.content.decode()


def test_removing_an_excerpt_keeps_accepted_events(client_alice, outage, seed_log):
    seed_log.suggestions.first().accept()
    client_alice.post(f"/incidents/{outage.pk}/logs/{seed_log.pk}/delete/", {"reason": "wrong host"})
    assert not LogExcerpt.objects.exists()
    event = outage.events.get(source="log")
    assert event.log_line.excerpt == seed_log  # the removed excerpt's lines stay as evidence


def test_import_log_command_json(outage, tmp_path, capsys):
    path = tmp_path / "messages"
    path.write_text(demo.FREEBSD_SYSLOG)
    call_command("import_log", str(path), "--incident", str(outage.pk), "--format", "json", "--accept")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["lines"], summary["parsed"], summary["unparsed"], summary["encoding"]) == (19, 16, 3, "utf-8")
    assert summary["formats"] == {"rfc3164": 16}
    assert (summary["first_at"], summary["last_at"]) == ("2012-07-19T23:12:37Z", "2012-07-20T03:33:10Z")
    assert [(e["type"], e["at"], e["line"]) for e in summary["events"]] == [
        ("down", "2012-07-19T23:12:37Z", 1),
        ("up", "2012-07-19T23:39:19Z", 5),
        ("down", "2012-07-20T00:59:18Z", 9),
        ("up", "2012-07-20T03:33:10Z", 16),
    ]
    assert outage.events.filter(source="log").count() == 4


def test_import_log_command_errors(outage, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_log", str(tmp_path / "missing"), "--incident", str(outage.pk))
    with pytest.raises(CommandError, match="not a file"):
        call_command("import_log", str(tmp_path), "--incident", str(outage.pk))
    (tmp_path / "x.log").write_text("x\n")
    with pytest.raises(CommandError, match="no incident with id 999"):
        call_command("import_log", str(tmp_path / "x.log"), "--incident", "999")


def test_import_log_accept_leaves_a_suggestion_that_matches_an_event_pending(outage, tmp_path, capsys):
    """The command's --accept is an accept-all: the user's own Down at 08:12 (the log says
    08:12:37) is not doubled; that suggestion stays pending for the page's choice."""
    EventFactory(incident=outage, type="down", source="person", at=datetime(2012, 7, 20, 8, 12, tzinfo=JST))
    path = tmp_path / "messages"
    path.write_text(demo.FREEBSD_SYSLOG)
    call_command("import_log", str(path), "--incident", str(outage.pk), "--format", "json", "--accept")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["accepted"], summary["left_pending"]) == (3, 1)
    assert outage.events.filter(type="down").count() == 2  # the user's and the log's second down
    assert [(s.type, s.at) for s in outage.pending_suggestions()] == [
        ("down", datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC))
    ]
