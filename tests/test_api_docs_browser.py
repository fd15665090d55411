"""The API's docs page (Swagger UI, served from this site's static files) in headless
Chromium under the strict CSP: it runs, lists the operations, and nothing is blocked.

Skipped where Debian's chromium is not installed."""

from tests.browser import MARKS, sign_in

pytestmark = MARKS


def test_the_docs_page_runs_under_the_csp(browser_page, live_server):
    page = browser_page
    sign_in(page, live_server.url, "reader")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/incidents/{incident_id}/events" in [p.replace("\u200b", "") for p in paths]
    assert page.locator(".btn.authorize").count() == 1  # "Authorize": where the bearer token goes
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert page.problems == []
