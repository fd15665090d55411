"""The status watcher in headless Chromium: add a Statuspage source on the provider page, poll
it, and see the notice appear, then make it an incident. The status page is a local server.

Skipped where Debian's chromium is not installed (.ci/run installs it)."""

import json

from journal.models import Incident
from journal.watcher.models import StatusSource
from tests.factories import ServiceFactory, UserFactory
from tests.test_browser import browser_page, pytestmark  # noqa: F401  (the fixture and the skip)
from tests.test_watcher import corpus


def test_adding_a_statuspage_source_then_polling_shows_the_new_notice(browser_page, live_server, status_server):  # noqa: F811
    page = browser_page
    UserFactory(username="night-owl")
    service = ServiceFactory(name="VPS Tokyo", provider__name="Example VPS", time_zone="Asia/Tokyo")
    empty = json.dumps({"page": {"id": "k3v9x2qpl7td", "name": "Example VPS"}, "incidents": []}).encode()
    server = status_server
    server.serve("/api/v2/incidents.json", empty, etag='W/"0"')
    server.serve("/api/v2/scheduled-maintenances.json", b'{"scheduled_maintenances": []}')
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "night-owl")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")

    page.goto(live_server.url + service.provider.get_absolute_url())
    page.click("#sources summary")
    page.select_option("#new-source select[name=kind]", "statuspage")
    page.fill("#new-source input[name=url]", server.url)
    page.fill("#new-source input[name=time_zone]", "Asia/Tokyo")
    page.fill("#new-source input[name=interval_minutes]", "5")
    page.click("#new-source button[type=submit]")
    page.wait_for_selector("#sources tr.source")
    assert "never" not in page.inner_text("#sources tr.source .last-success")  # polled once, nothing yet
    assert "Network connectivity" not in page.inner_text("#sources")

    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"), etag='W/"1"')
    page.click("#sources button:has-text('Poll now')")
    page.locator("#sources .offer").filter(has_text="Network connectivity issues in the Tokyo region").wait_for()
    assert server.requests[-2][1]["If-None-Match"] == 'W/"0"'

    page.click("#sources .offer a:has-text('Network connectivity issues in the Tokyo region')")
    page.wait_for_selector("#offer")
    page.click("#offer button:has-text('New incident from this notice')")
    page.wait_for_selector("#notices article.notice")
    incident = Incident.objects.get()
    assert page.url.endswith(f"{incident.get_absolute_url()}#notices")
    assert "failed line card" in page.text_content("#notices")  # the verbatim text, folded
    assert "From status sources" in page.inner_text("#seen-notices")
    assert StatusSource.objects.get().failures == 0
    assert page.problems == []
