"""Switching the journal to Japanese in headless Chromium: the footer's language switch, the
choice kept with the account across a reload, and a time zone set on /preferences/.

Skipped where Debian's chromium is not installed (.ci/run installs it). A screenshot of the
Japanese incident page is left at /tmp/ja.png to look at (CJK glyphs need a CJK font:
.ci/run installs Debian's fonts-ipafont-gothic)."""

from journal import demo
from journal.models import Incident, Preferences
from tests import browser
from tests.factories import UserFactory

pytestmark = browser.MARKS

SCREENSHOT = "/tmp/ja.png"


def test_switching_to_japanese_is_kept_and_a_time_zone_is_set(browser_page, live_server):
    page = browser_page
    demo.load()
    vps = Incident.objects.get(uid=demo.VPS_OUTAGE_UID)
    kenji = UserFactory(username="kenji")
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "kenji")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav[aria-label=Main]").inner_text().split() == ["Dashboard", "Incidents", "Providers"]

    page.select_option("#page-language", "ja")  # the footer's language switch
    page.click("form.language-switch button")
    page.wait_for_selector("html[lang=ja]")
    assert page.url == live_server.url + "/"
    assert page.locator("nav[aria-label=メイン]").inner_text().split() == ["ダッシュボード", "障害", "事業者"]
    assert page.locator("a.new-incident").inner_text() == "障害を記録"
    assert Preferences.objects.get(user=kenji).language == "ja"

    page.goto(live_server.url + vps.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "3時間01分" in page.inner_text("main")
    page.reload()  # the choice is the account's: it stays
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "3時間01分" in page.inner_text("main")
    assert page.input_value("#viewer-zone") == "UTC"
    assert "2012-07-19 23:12" in page.inner_text("#timeline-rows")  # the first down, in UTC
    page.screenshot(path=SCREENSHOT, full_page=False)

    page.goto(live_server.url + "/preferences/")
    assert page.locator("h1").inner_text() == "言語とタイムゾーン"
    page.fill("#id_time_zone", "Asia/Tokyo")
    page.click("main button[type=submit]")
    page.wait_for_selector("#messages li")
    assert page.inner_text("#messages") == "言語とタイムゾーンを保存しました。"
    assert Preferences.objects.get(user=kenji).time_zone == "Asia/Tokyo"
    page.goto(live_server.url + vps.get_absolute_url())
    assert page.input_value("#viewer-zone") == "Asia/Tokyo"  # the header's zone switch
    rows = page.inner_text("#timeline-rows")  # the first down now reads in Tokyo time
    assert "2012-07-20 08:12" in rows and "2012-07-19 23:12" not in rows
