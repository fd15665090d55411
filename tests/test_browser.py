"""The incident page in headless Chromium: recording an outage with htmx under the strict CSP.

Skipped where Debian's chromium is not installed (.ci/run installs it)."""

import re
from datetime import UTC, datetime, timedelta

from journal.models import TimelineEvent
from tests.browser import MARKS, sign_in
from tests.factories import EventFactory, IncidentFactory, ServiceFactory

pytestmark = MARKS


def test_recording_an_outage_in_the_browser_updates_totals_in_place(browser_page, live_server):
    page = browser_page
    ServiceFactory(name="VPS(KVM)", provider__name="お名前.com", time_zone="Asia/Tokyo")
    sign_in(page, live_server.url)

    page.goto(live_server.url + "/incidents/new/")
    page.select_option("#id_service", label="お名前.com › VPS(KVM)")
    page.fill("#id_title", "VPS unreachable")
    page.fill("#id_down_at", "2012-07-20T08:12:00")
    page.click("button[type=submit]")
    incident_url = page.url

    # The add form is already set for the next likely event: up, now, in the service's zone.
    assert page.input_value("#id_events-type") == "up"
    assert page.input_value("#id_events-zone") == "Asia/Tokyo"
    page.fill("#id_events-at", "2012-07-20T08:39:00")
    page.click("#new-events button[type=submit]")
    page.locator(".total.observed strong").filter(has_text=re.compile(r"^\s*27m\s*$")).wait_for()
    assert page.url == incident_url  # swapped in place by htmx, no navigation

    page.fill("#id_events-at", "2012-07-20T07:00:00")
    page.select_option("#id_events-type", "up")
    page.click("#new-events button[type=submit]")
    page.wait_for_selector("#new-events .errorlist")
    assert "needs a “down”" in page.inner_text("#new-events")
    assert TimelineEvent.objects.count() == 2

    assert page.problems == []


def test_a_conflicting_edit_is_shown_in_place_and_can_overwrite(browser_page, live_server):
    """Someone saves the event while the form is open: htmx swaps the 409 in place."""
    page = browser_page
    incident = IncidentFactory(service__time_zone="UTC")
    event = EventFactory(incident=incident, type="down", at=datetime(2012, 7, 20, 8, 12, tzinfo=UTC), text="")
    sign_in(page, live_server.url)
    page.goto(live_server.url + incident.get_absolute_url())

    page.click(f"#event-{event.pk} .actions a")
    form = f"#edit-events-{event.pk}"
    page.wait_for_selector(form)
    other = TimelineEvent.objects.get(pk=event.pk)
    other.text = "saved by the other tab"
    other.save()
    page.fill(f"{form} textarea", "mine")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} .conflict")
    assert "saved by the other tab" in page.inner_text(f"{form} .conflict")
    assert TimelineEvent.objects.get(pk=event.pk).text == "saved by the other tab"

    page.click(f"{form} button.primary")  # "Overwrite with mine"
    page.locator(f"#event-{event.pk} .text").filter(has_text="mine").wait_for()
    assert TimelineEvent.objects.get(pk=event.pk).text == "mine"
    assert page.problems == []


def test_inline_edit_focus_escape_save_and_delete_in_place(browser_page, live_server):
    """Focus moves into an opened inline form, Escape puts the row back and focus on it, a save
    and a delete swap only their row and announce the new total."""
    page = browser_page
    sign_in(page, live_server.url)
    incident = IncidentFactory(service__time_zone="UTC", status="open")
    down = EventFactory(incident=incident, type="down", at=datetime(2024, 1, 1, 0, 0, tzinfo=UTC), text="")
    up = EventFactory(incident=incident, type="up", at=datetime(2024, 1, 1, 1, 0, tzinfo=UTC), text="")
    page.goto(live_server.url + incident.get_absolute_url())
    page.click(f"#event-{up.pk} .actions a")
    page.wait_for_selector(f"#edit-events-{up.pk}")
    page.locator("#id_events-at:focus").wait_for()  # (not wait_for_function: the CSP forbids its eval)
    page.keyboard.press("Escape")
    page.wait_for_selector(f"#event-{up.pk} .actions a")
    page.locator(f"#event-{up.pk}:focus").wait_for()

    page.click(f"#event-{up.pk} .actions a")
    page.wait_for_selector(f"#edit-events-{up.pk}")
    page.fill(f"#edit-events-{up.pk} #id_events-at", "2024-01-01T00:30:00")
    page.click(f"#edit-events-{up.pk} button.primary")
    page.locator(".total.observed strong").filter(has_text=re.compile(r"^\s*30m\s*$")).wait_for()
    page.locator(f"#event-{up.pk}:focus").wait_for()
    assert "saved. Observed down 30m." in page.inner_text("#timeline-status")
    assert page.locator("#timeline-rows > li.event").count() == 2

    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f"#event-{down.pk} button.danger")
    page.wait_for_selector(f"#event-{down.pk}", state="detached")
    assert "deleted" in page.inner_text("#timeline-status")
    assert TimelineEvent.objects.filter(incident=incident).count() == 1
    assert page.problems == []


def test_earlier_events_context_lines_and_resolve_in_the_browser(browser_page, live_server):
    page = browser_page
    sign_in(page, live_server.url)
    incident = IncidentFactory(service__time_zone="UTC", status="open")
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            incident=incident,
            at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
            type="down" if n % 2 == 0 else "up",
        )
        for n in range(230)
    )
    page.goto(live_server.url + incident.get_absolute_url())
    assert page.locator("#timeline-rows > li.event").count() == 200
    page.click("#timeline-earlier a >> nth=0")
    page.locator("#timeline-rows > li.event").nth(229).wait_for()
    assert page.locator("#timeline-rows > li.event").count() == 230
    assert page.is_hidden("#timeline-earlier")
    assert "?before=" not in page.url  # appended by htmx, no navigation

    page.click("form.status-offer button")  # the last down has its up: "Mark resolved"
    page.locator("#incident-status").filter(has_text="Resolved").wait_for()
    assert page.locator("form.status-offer").count() == 0
    assert incident.__class__.objects.get(pk=incident.pk).status == "resolved"
    assert page.problems == []


def test_log_context_lines_are_fetched_when_opened(browser_page, live_server):
    from journal.models import LogLine
    from tests.factories import LogExcerptFactory

    page = browser_page
    sign_in(page, live_server.url)
    incident = IncidentFactory(service__time_zone="UTC")
    excerpt = LogExcerptFactory(incident=incident)
    excerpt.clear_lines()
    lines = LogLine.objects.bulk_create(
        LogLine(excerpt=excerpt, number=n, prefix=f"Jan  1 00:00:{n:02d} vps1 ", message=f"message {n}")
        for n in range(1, 11)
    )
    event = EventFactory(
        incident=incident, type="down", at=datetime(2024, 1, 1, tzinfo=UTC), source="log", log_line=lines[4]
    )
    page.goto(live_server.url + incident.get_absolute_url())
    assert "message 5" not in page.inner_text(f"#event-{event.pk}")
    page.click(f"#event-{event.pk} details.context summary")
    page.locator(f"#event-{event.pk} .log-lines .hit").filter(has_text="message 5").wait_for()
    assert page.locator(f"#event-{event.pk} .log-lines .ln").count() == 7
    assert page.problems == []


def test_on_a_phone_add_event_stays_in_reach_and_takes_focus_to_the_form(browser_page, live_server):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 700})
    sign_in(page, live_server.url)
    incident = IncidentFactory(service__time_zone="UTC", status="open")
    TimelineEvent.objects.bulk_create(
        TimelineEvent(incident=incident, at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n), type="observation")
        for n in range(60)
    )
    page.goto(live_server.url + incident.get_absolute_url())
    page.locator("#timeline-rows > li.event").nth(30).scroll_into_view_if_needed()
    jump = page.locator("a.add-event-jump")
    box = jump.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 700  # stuck to the screen's bottom
    jump.click()
    page.locator("#id_events-at:focus").wait_for()
    assert page.problems == []
