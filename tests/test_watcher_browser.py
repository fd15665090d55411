"""The status watcher in headless Chromium: add a Statuspage source on the provider page, poll
it, and see the notice appear, then make it an incident. The status page is a local server.

Skipped where Debian's chromium is not installed (.ci/run installs it)."""

import json

from journal.models import Incident
from journal.watcher.models import StatusSource
from tests.browser import MARKS, sign_in
from tests.factories import ServiceFactory
from tests.test_watcher import corpus

pytestmark = MARKS


def test_adding_a_statuspage_source_then_polling_shows_the_new_notice(browser_page, live_server, status_server):
    page = browser_page
    service = ServiceFactory(name="VPS Tokyo", provider__name="Example VPS", time_zone="Asia/Tokyo")
    empty = json.dumps({"page": {"id": "k3v9x2qpl7td", "name": "Example VPS"}, "incidents": []}).encode()
    status_server.serve("/api/v2/incidents.json", empty, etag='W/"0"')
    status_server.serve("/api/v2/scheduled-maintenances.json", b'{"scheduled_maintenances": []}')
    sign_in(page, live_server.url)

    page.goto(live_server.url + service.provider.get_absolute_url())
    page.click("#sources summary")
    page.select_option("#new-source select[name=kind]", "statuspage")
    page.fill("#new-source input[name=url]", status_server.url)
    page.fill("#new-source input[name=time_zone]", "Asia/Tokyo")
    page.fill("#new-source input[name=interval_minutes]", "5")
    page.click("#new-source button[type=submit]")
    page.wait_for_selector("#sources tr.source")
    assert "never" not in page.inner_text("#sources tr.source .last-success")  # polled once, nothing yet
    assert "Network connectivity" not in page.inner_text("#sources")

    status_server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"), etag='W/"1"')
    page.click("#sources button:has-text('Poll now')")
    page.locator("#sources .offer").filter(has_text="Network connectivity issues in the Tokyo region").wait_for()
    assert status_server.requests[-2][1]["If-None-Match"] == 'W/"0"'

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
