"""In headless Chromium (skipped without Debian's chromium): downloading the postmortem, and
backfilling events from the keyboard (static/js/backfill.js) under the strict CSP."""

import re
from datetime import UTC, datetime

from journal import demo
from journal.models import Incident, TimelineEvent
from tests.browser import MARKS, sign_in
from tests.factories import EventFactory, IncidentFactory

pytestmark = MARKS


def test_the_postmortem_downloads_from_the_incident_page(browser_page, live_server, tmp_path):
    page = browser_page
    demo.load()
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    sign_in(page, live_server.url)
    page.goto(live_server.url + vps.get_absolute_url())

    with page.expect_download() as waiting:
        page.click("text=Postmortem (Markdown)")
    download = waiting.value
    assert download.suggested_filename == "2012-07-20-vps-down-twice-while-the-host-was-overloaded.md"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith('# Postmortem: "VPS down twice while the host was overloaded"')
    assert "- **Observed down: 3h 01m**" in text
    assert "- Claimed − observed: 3h 52m" in text
    assert page.problems == []


def test_backfilling_from_the_keyboard_keeps_the_day(browser_page, live_server):
    page = browser_page
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status="open")
    EventFactory(incident=incident, type="down", at=datetime(2012, 7, 19, 23, 12, tzinfo=UTC), text="")
    sign_in(page, live_server.url)
    page.goto(live_server.url + incident.get_absolute_url())

    assert page.input_value("#id_events-day") == "2012-07-20"
    assert page.input_value("#id_events-at") == ""
    page.fill("#id_events-at", "8:39")
    page.select_option("#id_events-type", "up")
    page.press("#id_events-at", "Control+Enter")
    page.locator(".total.observed strong").filter(has_text=re.compile(r"^\s*27m\s*$")).wait_for()
    assert TimelineEvent.objects.get(incident=incident, type="up").at == datetime(2012, 7, 19, 23, 39, tzinfo=UTC)
    # the form came back by htmx: the day kept, the time cleared
    assert page.input_value("#id_events-day") == "2012-07-20"
    assert page.input_value("#id_events-at") == ""

    page.fill("#id_events-text", "typed, then abandoned")
    page.press("#id_events-text", "Escape")
    assert page.input_value("#id_events-text") == ""

    page.click("#new-events button[name=fill][value=after_previous]")
    page.locator("#id_events-at[value='2012-07-20 08:40:00']").wait_for()  # the form came back filled
    assert TimelineEvent.objects.filter(incident=incident).count() == 2
    assert page.problems == []
