"""Housekeeping in headless Chromium under the strict CSP: the "New service or provider…"
dialog on New incident, a delete with its Undo message, upload progress, and landing at the
new suggestions on a phone once a reading finishes. Skipped where chromium is missing."""

from datetime import UTC, datetime

from journal import demo
from journal.models import Incident, LogExcerpt, Provider, Service
from tests.browser import MARKS, sign_in
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, ServiceFactory

pytestmark = MARKS


def test_a_new_provider_and_service_from_new_incident_keep_what_was_typed(browser_page, live_server):
    page = browser_page
    ServiceFactory(name="Old box", provider__name="Old host")
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/incidents/new/")
    page.fill("#id_title", "Mail bouncing")
    page.fill("#id_notes", "Noticed by a customer.")

    page.click("text=New service or provider…")
    page.wait_for_selector("dialog#quick-add[open] #id_name")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")  # focus moved into it
    page.fill("dialog #id_new_provider", "Old HOST")  # taken: the dialog says so and keeps the rest
    page.fill("dialog #id_name", "Mail")
    page.fill("dialog #id_time_zone", "Asia/Tokyo")
    page.click("dialog button.primary")
    page.wait_for_selector("dialog .errorlist")
    assert "already exists" in page.inner_text("dialog")
    assert page.input_value("dialog #id_name") == "Mail"
    page.fill("dialog #id_new_provider", "Sakura Internet")
    page.click("dialog button.primary")
    page.wait_for_selector("dialog#quick-add:not([open])", state="attached")

    service = Service.objects.get(name="Mail")
    assert service.provider.name == "Sakura Internet"
    assert page.input_value("#id_service") == str(service.pk)  # chosen in the incident form
    assert page.input_value("#id_title") == "Mail bouncing"  # nothing typed was lost
    assert page.input_value("#id_notes") == "Noticed by a customer."
    assert page.evaluate("document.activeElement.id") == "id_service"
    assert "Created service “Mail”." in page.inner_text("#messages")
    page.click("form.stack button.primary")
    page.wait_for_url("**/incidents/*/")
    assert Incident.objects.get().service == service
    assert page.problems == []


def test_deleting_a_provider_then_undo_from_the_message(browser_page, live_server):
    page = browser_page
    incident = IncidentFactory(service__provider__name="Hoster", title="Night outage")
    sign_in(page, live_server.url)
    page.goto(live_server.url + f"/providers/{incident.service.provider.pk}/delete/")
    assert "1 incident" in page.inner_text("main")
    page.click("main form button.danger")
    page.wait_for_url("**/providers/")
    assert "Deleted provider “Hoster” with 1 service and 1 incident." in page.inner_text("#messages")
    assert Provider.objects.count() == 0
    page.click("#messages button")  # Undo
    page.wait_for_url(f"**/providers/{incident.service.provider.pk}/")
    assert "Restored provider “Hoster”." in page.inner_text("#messages")
    assert Incident.objects.get().title == "Night outage"
    assert page.problems == []


def test_an_upload_shows_bytes_sent_with_the_button_disabled(browser_page, live_server, tmp_path):
    page = browser_page
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    sign_in(page, live_server.url)
    page.goto(live_server.url + incident.get_absolute_url())
    log = tmp_path / "messages"
    log.write_bytes(demo.FREEBSD_SYSLOG.encode() * 2000)  # ~2.6 MB
    page.click("text=Add a log excerpt")
    page.set_input_files("#id_logs-file", str(log))
    # Watch the form while it sends: the progress words and the button's state.
    page.evaluate(
        """() => { window.seen = []; const form = document.querySelector('#id_logs-file').form;
        new MutationObserver(() => { const words = form.querySelector('.upload-progress [role=status]');
          window.seen.push([words ? words.textContent : '', form.querySelector('button.primary').disabled]); })
        .observe(form, {subtree: true, childList: true, characterData: true, attributes: true}); }"""
    )
    page.click("#id_logs-file >> xpath=ancestor::form//button[contains(@class,'primary')]")
    page.wait_for_selector(".log .reading, .log h3, #log-suggestions", timeout=60000)
    seen = page.evaluate("window.seen")
    assert any(disabled for _, disabled in seen)
    sent = [words for words, _ in seen if " sent" in words]
    assert sent and " of " in sent[-1] and "MB" in sent[-1]
    assert LogExcerpt.objects.get().size == log.stat().st_size
    assert page.problems == []


def test_on_a_phone_a_finished_reading_lands_at_the_new_suggestions(browser_page, live_server):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", notes="A long note.\n\n" * 80)
    EventFactory(incident=incident, type="observation", at=datetime(2012, 7, 20, 0, 0, tzinfo=UTC))
    excerpt = LogExcerptFactory(incident=incident, data=demo.FREEBSD_SYSLOG.encode())
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="reading")  # the page polls it
    sign_in(page, live_server.url)
    page.goto(live_server.url + incident.get_absolute_url())
    page.wait_for_selector(f"#reading-{excerpt.pk}")
    far = page.evaluate("document.querySelector('#log-suggestions').getBoundingClientRect().top")
    assert far > 844  # off-screen below
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="read")  # the worker finishes
    for _ in range(50):  # polled every 2 s (wait_for_function would need eval, which the CSP refuses)
        if page.evaluate("document.activeElement && document.activeElement.id") == "log-suggestions":
            break
        page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.id") == "log-suggestions"  # focused
    top = page.evaluate("document.querySelector('#log-suggestions').getBoundingClientRect().top")
    assert 0 <= top < 100  # scrolled to it
    assert page.url.endswith(incident.get_absolute_url())  # in place: no reload
    assert page.problems == []
