"""Reading a notice on its form: what is sure is filled in, what is not is offered."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import Incident, ProviderNotice
from tests.factories import EventFactory, IncidentFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
LINODE = (
    "On October 6, 2024, at approximately 11:33 UTC, alerts fired for database connectivity in Toronto.\n"
    "A faulty router was taken offline at 17:15 UTC.\n"
    "We conducted an emergency network maintenance from October 7, 2024, 22:00 UTC to October 8, 2024, 02:00 UTC.\n"
)


@pytest.fixture
def incident():
    incident = IncidentFactory(status=Incident.Status.OPEN, service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=datetime(2024, 10, 6, 11, 40, tzinfo=UTC))
    return incident


def read(client, incident, text, zone="UTC", headers=None, **extra):
    data = {"notices-raw_text": text, "notices-zone": zone, "read_notice": "1", **extra}
    return client.post(f"/incidents/{incident.pk}/notices/new/", data, headers=headers or {})


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&gt;", ">").strip()


def value_of(html: str, name: str) -> str | None:
    found = re.search(rf'<input type="datetime-local" name="notices-{name}"[^>]*?(?: value="([^"]*)")?[^>]*>', html)
    return found.group(1) if found else None


def test_an_unsure_reading_fills_no_window_says_why_and_offers_every_window(client_alice, incident):
    response = read(client_alice, incident, LINODE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not sure which window this notice claims" in visible(html)
    assert "no window is stated: the first time written, paired with a later one, is a guess" in visible(html)
    assert value_of(html, "claimed_start") is None and value_of(html, "claimed_end") is None
    buttons = re.findall(
        r'<button type="submit" name="read_notice" value="(w\d+)" formnovalidate>Use</button> ([^<]+)', html
    )
    labels = [label for _, label in buttons]
    assert "2024-10-07 22:00 → 2024-10-08 02:00 · maintenance" in labels[0]
    assert any(label.startswith("2024-10-06 11:33 → 2024-10-06 17:15 · incident") for label in labels)
    assert not ProviderNotice.objects.exists()


def test_using_an_offered_window_fills_it(client_alice, incident):
    html = read(client_alice, incident, LINODE).content.decode()
    value = re.search(r'value="(w\d+)" formnovalidate>Use</button> 2024-10-06 11:33 → 2024-10-06 17:15', html).group(1)
    response = read(client_alice, incident, LINODE, headers=HX, read_notice=value)
    html = response.content.decode()
    assert response["HX-Retarget"] == "#new-notices"
    assert (value_of(html, "claimed_start"), value_of(html, "claimed_end")) == (
        "2024-10-06T11:33:00",
        "2024-10-06T17:15:00",
    )
    assert "Using the window you picked (incident). Check it, then save." in visible(html)
    assert re.search(r'<input type="checkbox" name="notices-approximate"[^>]* checked>', html)
    assert "Use</button>" not in html


def test_a_sure_reading_fills_the_window_in_the_forms_zone(client_alice, incident):
    text = "発生日時: 2024年10月6日 20時33分頃\n復旧日時: 2024年10月7日 2時15分\n対象: cnode-a1104"
    html = read(client_alice, incident, text, zone="Asia/Tokyo").content.decode()
    assert (value_of(html, "claimed_start"), value_of(html, "claimed_end")) == (
        "2024-10-06T20:33:00",
        "2024-10-07T02:15:00",
    )
    assert "Read from the text: start, end, target. Check them, then save." in visible(html)
    assert "Use</button>" not in html


def test_a_maintenance_notice_says_it_is_one(client_alice, incident):
    text = "Scheduled maintenance\nMaintenance window: 2024-10-09 01:00 - 03:00 UTC"
    html = read(client_alice, incident, text).content.decode()
    assert value_of(html, "claimed_start") == "2024-10-09T01:00:00"
    assert "This is a maintenance window." in visible(html)


def test_a_time_the_zone_skipped_is_refused_by_the_form_not_shifted(client_alice, incident):
    text = "Start: 2024-03-31 02:30\nEnd: 2024-03-31 04:00"
    html = read(client_alice, incident, text, zone="Europe/Berlin").content.decode()
    assert "2024-03-31 02:30 does not exist in Europe/Berlin (the clocks skipped it)" in visible(html)
    value = re.search(r'value="(w\d+)" formnovalidate>Use</button> 2024-03-31 02:30', html).group(1)
    html = read(client_alice, incident, text, zone="Europe/Berlin", read_notice=value).content.decode()
    assert value_of(html, "claimed_start") == "2024-03-31T02:30:00"
    assert "does not exist in Europe/Berlin (the clocks skipped it)" in visible(html)


@pytest.mark.parametrize("zone", ["Mars/Base", "", "../etc"])
def test_a_bad_zone_or_hostile_text_never_gives_a_500(client_alice, incident, zone):
    for text in ("発生日時: 9999年12月31日 23時59分", " " * 40_000 + "x", "Start: 0001-01-01 00:00 UTC-14:00"):
        response = read(client_alice, incident, text, zone=zone)
        assert response.status_code == 200
        assert "Nothing could be read from this text" in visible(response.content.decode())
    assert "9999-12-31 is outside 1970–2028: ignored" in visible(
        read(client_alice, incident, "発生日時: 9999年12月31日 23時59分", zone=zone).content.decode()
    )
    assert not ProviderNotice.objects.exists()


def test_parse_notice_prints_the_windows_and_why_it_is_unsure(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text(LINODE, encoding="utf-8")
    call_command("parse_notice", str(path), "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert (result["claimed_start"], result["claimed_end"]) == ("2024-10-06T11:33:00Z", "2024-10-06T17:15:00Z")
    assert (result["unsure"], result["confidence"], result["kind"]) == (True, "low", "incident")
    assert result["reasons"] == ["no window is stated: the first time written, paired with a later one, is a guess"]
    assert result["windows"][0] == {
        "kind": "maintenance",
        "how": "range",
        "start": "2024-10-07T22:00:00Z",
        "end": "2024-10-08T02:00:00Z",
        "approximate": False,
        "chosen": False,
        "text": result["windows"][0]["text"],
    }
    assert sum(w["chosen"] for w in result["windows"]) == 1
    call_command("parse_notice", str(path))
    out = capsys.readouterr().out
    assert "confidence: low" in out
    assert "unsure: no window is stated" in out
    assert "* incident (guess): 2024-10-06T11:33:00Z → 2024-10-06T17:15:00Z approximate" in out


def test_parse_notice_lists_status_updates(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text(
        "Resolved - Done.\nPosted Mar 05, 2024 - 11:02 UTC\nInvestigating - Looking.\nPosted Mar 05, 2024 - 10:05 UTC\n"
    )
    call_command("parse_notice", str(path), "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert result["updates"] == [
        {"status": "Resolved", "posted": "2024-03-05T11:02:00Z", "text": "Done."},
        {"status": "Investigating", "posted": "2024-03-05T10:05:00Z", "text": "Looking."},
    ]
    assert (result["claimed_start"], result["claimed_end"], result["kind"]) == (
        "2024-03-05T10:05:00Z", "2024-03-05T11:02:00Z", "update-history"
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.sampled_from("発生日時復旧:：～~-年月日時分頃 0123456789\n/PMAMUTCJST+【】■()"), max_size=200
    ),
    zone=st.sampled_from(["UTC", "Asia/Tokyo", "Europe/Berlin", "Mars/Base", ""]),
    button=st.sampled_from(["1", "w0", "w1", "w99", "w²", "w٣", "w" + "9" * 30, "x", ""]),
)
def test_any_text_zone_or_button_reads_without_a_server_error(client_alice, incident, text, zone, button):
    response = read(client_alice, incident, text, zone=zone, read_notice=button)
    assert response.status_code == 200
    assert re.search(r'<p class="note" role="status">[^<]+</p>', response.content.decode())


def test_an_announced_window_ahead_is_said_to_lie_ahead(client_alice, incident):
    ahead = (timezone.now() + timedelta(days=30)).date()
    text = f"Scheduled maintenance\nMaintenance window: {ahead} 01:00 - 03:00 UTC"
    html = read(client_alice, incident, text).content.decode()
    assert value_of(html, "claimed_start") == f"{ahead}T01:00:00"
    assert "This is a maintenance window. It lies ahead: announced, not yet happened." in visible(html)
