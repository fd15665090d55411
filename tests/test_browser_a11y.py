"""Every page in headless Chromium: axe-core finds nothing serious or critical, no page is wider
than a 360 or 390 px phone, nothing hides behind a sideways scroll, and the keyboard reaches
every control with a visible focus ring.

axe-core is vendored in tests/vendor/axe-core (see its README) and served by the live server
as a same-origin static file, so it runs under the app's strict CSP like the app's own scripts.
Skipped where Debian's chromium is not installed (.ci/run installs it)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from journal import demo
from journal.models import Incident, LogExcerpt, Provider, ProviderNotice, SupportContact, TimelineEvent
from journal.roles import Role
from journal.sharing import ShareLink
from tests.browser import MARKS, new_page, sign_in
from tests.factories import EventFactory, IncidentFactory, ServiceFactory, UserFactory

VENDOR = Path(__file__).parent / "vendor"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
# WCAG 2.0–2.2 A and AA (2.2 AA brings target-size) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"serious", "critical"}
PHONES = (360, 390)

pytestmark = MARKS


@pytest.fixture(autouse=True)
def axe_served(settings):
    """The vendored axe-core under /static/vendor/ for this test only."""
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("vendor", VENDOR)]


def journal_pages() -> list[str]:
    """One URL for every kind of page, built from the seed (plus a share link)."""
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    cert = Incident.objects.get(uid=demo.CERT_DEFECT_UID)
    provider = vps.service.provider
    others = list(Provider.objects.exclude(pk=provider.pk).values_list("pk", flat=True))
    event = TimelineEvent.objects.filter(incident=vps).first()
    notice = ProviderNotice.objects.filter(incident=vps).first()
    contact = SupportContact.objects.filter(incident=vps).first()
    excerpt = LogExcerpt.objects.filter(incident=vps).first()
    year = vps.started_at.year
    i = f"/incidents/{vps.pk}"
    return [
        "/",
        "/incidents/",
        f"/incidents/?provider={provider.pk}",
        "/incidents/new/",
        f"{i}/",
        f"/incidents/{cert.pk}/",
        f"{i}/edit/",
        f"{i}/events/new/",
        f"{i}/events/{event.pk}/edit/",
        f"{i}/notices/new/",
        f"{i}/notices/{notice.pk}/edit/",
        f"{i}/contacts/new/",
        f"{i}/contacts/{contact.pk}/edit/",
        f"{i}/logs/new/",
        f"{i}/logs/{excerpt.pk}/",
        f"{i}/logs/{excerpt.pk}/?line=5#L5",
        f"{i}/share/",
        "/providers/",
        "/providers/new/",
        f"/providers/{provider.pk}/",
        f"/providers/{provider.pk}/edit/",
        f"/providers/{provider.pk}/scorecard/",
        f"/providers/{provider.pk}/scorecard/?year={year}",
        "/providers/compare/",
        "/providers/compare/?" + "&".join(f"p={pk}" for pk in [provider.pk, *others[:1]]),
        "/services/new/",
        f"/services/{vps.service.pk}/",
        f"/services/{vps.service.pk}/edit/",
        "/users/",
        "/password/",
        "/password/done/",
        "/time-zone/",
    ]


def shared_pages() -> list[str]:
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    _, token = ShareLink.create(vps, days=7, note="support desk")
    excerpt = LogExcerpt.objects.filter(incident=vps).first()
    return [f"/share/{token}/", f"/share/{token}/logs/{excerpt.pk}/"]


def axe_findings(page) -> list[str]:
    page.add_script_tag(url=page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) + ": " + n["failureSummary"].replace("\n", " ")[:200] for n in v["nodes"][:4])
        for v in result["violations"]
        if v["impact"] in FAILING
    ]


def width_findings(page, width: int) -> list[str]:
    """The page no wider than the viewport, and no table or box scrolled sideways within it."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    found = []
    if wide > width:
        culprits = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > w + 1
                  && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                .slice(0, 3)
                .map(e => `${e.tagName.toLowerCase()}.${e.className} ${(e.textContent || '').trim().slice(0, 30)}`)""",
            width,
        )
        found.append(f"page is {wide}px wide: " + ", ".join(culprits))
    scrolled = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => {
            const s = getComputedStyle(e);
            return ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1
                && e.tagName !== 'PRE' && e.offsetParent !== null;
        }).map(e => e.tagName.toLowerCase() + '.' + e.className + ` scrolls ${e.scrollWidth}/${e.clientWidth}px`)"""
    )
    return found + scrolled


def test_every_page_passes_axe_and_fits_a_phone(chromium, live_server):
    demo.load()
    UserFactory(username="alice", role=Role.ADMIN)
    UserFactory(username="bob", role=Role.VIEWER)
    pages = journal_pages()
    shared = shared_pages()
    problems: dict[str, list[str]] = {}
    checked = 0
    for width in (*PHONES, 1366):
        page = new_page(chromium, width)
        for path in ["/login/", *shared]:
            page.goto(live_server.url + path)
            checked += 1
            problems.setdefault(f"{path} @{width}", []).extend(
                width_findings(page, width) + (axe_findings(page) if width != 390 else [])
            )
        sign_in(page, live_server.url, "alice")
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: {response.status}"
            checked += 1
            findings = width_findings(page, width) if width in PHONES else []
            if width != 390:  # axe at the smallest phone and on a desktop
                findings += axe_findings(page)
            problems.setdefault(f"{path} @{width}", []).extend(findings)
        problems.setdefault("CSP and script errors", []).extend(page.problems)
        page.close()
    problems = {where: found for where, found in problems.items() if found}
    assert checked == 3 * (len(pages) + 3)
    assert problems == {}, "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


def test_a_viewer_sees_every_page_without_serious_findings(chromium, live_server):
    demo.load()
    UserFactory(username="bob", role=Role.VIEWER)
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    page = new_page(chromium, 360)
    sign_in(page, live_server.url, "bob")
    problems = {}
    for path in ["/", f"/incidents/{vps.pk}/", f"/providers/{vps.service.provider.pk}/", "/providers/"]:
        page.goto(live_server.url + path)
        found = width_findings(page, 360) + axe_findings(page)
        if found:
            problems[path] = found
    assert problems == {}
    assert page.problems == []


KEYBOARD_SCRIPT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  const s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40),
          width: r.width, height: r.height, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          outline: parseFloat(s.outlineWidth) || 0, outlineStyle: s.outlineStyle, outlineColor: s.outlineColor,
          shadow: s.boxShadow};
}"""


@pytest.mark.parametrize("width", [360, 1366])
def test_the_keyboard_reaches_every_action_with_a_visible_ring(chromium, live_server, width):
    """Tab through the incident page: every stop is on screen, at least 24 px in both directions
    (or inline text), and wears a focus ring of at least 2 px in a colour of 3:1 against white."""
    demo.load()
    UserFactory(username="alice", role=Role.ADMIN)
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    page = new_page(chromium, width)
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + f"/incidents/{vps.pk}/")
    stops = []
    for _ in range(400):
        page.keyboard.press("Tab")
        stop = page.evaluate(KEYBOARD_SCRIPT)
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    texts = [s["text"] for s in stops]
    assert "Skip to content" in texts[0]
    for wanted in ("Edit", "Delete", "Add event", "Add a notice", "Add a support contact", "Evidence pack (ZIP)"):
        assert any(t.startswith(wanted) for t in texts), f"{wanted} is not reachable by keyboard: {texts}"
    viewport = page.viewport_size
    for stop in stops:
        assert stop["width"] > 0 and stop["height"] > 0, stop
        assert stop["left"] >= 0 and stop["right"] <= viewport["width"] + 1, f"off screen sideways: {stop}"
        assert stop["top"] >= 0 and stop["bottom"] <= viewport["height"] + 1, f"not scrolled into view: {stop}"
        assert stop["outlineStyle"] != "none" and stop["outline"] >= 2, f"no visible focus ring: {stop}"
        assert contrast(stop["outlineColor"], "rgb(255, 255, 255)") >= 3, f"faint focus ring: {stop}"
    assert page.problems == []


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: str) -> float:
    r, g, b = (float(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_arithmetic():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(138, 180, 232)", "rgb(255, 255, 255)"), 2) == 2.15  # the old focus ring


def test_time_bar_across_dst_in_the_browser_shows_true_local_times(chromium, live_server):
    """Europe/Berlin, the night the clocks go back: the repeated 02:xx hour is on the axis twice
    and the bar ends at the local time the text says."""
    UserFactory(username="alice", role=Role.ADMIN)
    incident = IncidentFactory(service=ServiceFactory(time_zone="Europe/Berlin"))
    EventFactory(incident=incident, type="down", at=datetime(2025, 10, 25, 23, 30, tzinfo=UTC), text="")
    EventFactory(incident=incident, type="up", at=datetime(2025, 10, 26, 2, 4, tzinfo=UTC), text="")
    page = new_page(chromium, 390)
    sign_in(page, live_server.url, "alice")
    page.context.add_cookies([{"name": "viewer_tz", "value": "Europe/Berlin", "url": live_server.url}])
    page.goto(live_server.url + incident.get_absolute_url())
    ticks = page.locator(".timebar text.tick:not(.zone):not(.day)")
    assert ticks.all_text_contents() == ["01:30", "02:00", "02:30", "02:00", "02:30", "03:00"]
    assert page.locator(".timebar text.zone").all_text_contents() == ["CEST", "CEST", "CEST", "CET", "CET"]
    assert "03:04" in page.inner_text("#timeline")
    assert page.locator(".timebar rect.down title").text_content().endswith("03:04 (2h 34m)")
    assert "Clocks go back: 03:00 CEST becomes 02:00 CET" in page.inner_text(".timebar figcaption")
    # The last tick (03:00 CET, 02:00 UTC) sits left of the bar's end (03:04 CET, 02:04 UTC).
    down = page.locator(".timebar rect.down").bounding_box()
    last = ticks.last.bounding_box()
    assert last["x"] + last["width"] / 2 < down["x"] + down["width"]
    assert page.problems == []


@pytest.mark.parametrize("width", PHONES)
def test_the_phone_header_is_one_row_and_its_menu_holds_everything(chromium, live_server, width):
    demo.load()
    UserFactory(username="alice", role=Role.ADMIN)
    page = new_page(chromium, width)
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + "/providers/")
    header = page.locator("header.site").bounding_box()
    assert header["height"] <= 64, header  # was ~310 of 844 px
    assert not page.locator("header.site nav").is_visible()
    page.click("details.menu > summary")  # works without JavaScript: a <details>
    for name in ("Dashboard", "Incidents", "Providers", "Users", "Account", "Other…"):
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 24, (name, box)
    zone = page.locator("#viewer-zone").bounding_box()
    assert zone["x"] >= 0 and zone["x"] + zone["width"] <= width  # the zone switch is not cut off
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.keyboard.press("Escape")
    assert page.problems == []


def test_the_wide_header_shows_its_links_without_a_menu_button(chromium, live_server):
    UserFactory(username="alice", role=Role.ADMIN)
    page = new_page(chromium, 1366)
    sign_in(page, live_server.url, "alice")
    assert not page.locator("details.menu > summary").is_visible()
    assert page.get_by_role("link", name="Providers", exact=True).is_visible()
    assert page.locator("#viewer-zone").is_visible()
    assert page.locator("header.site").bounding_box()["height"] <= 64
