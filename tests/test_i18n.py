"""Japanese and English: the catalogue is complete and compiled, the language comes from the
browser or the user's own choice, durations read 3時間01分, and the main pages say nothing of
their own in English (tests/i18n.py). Other pages are checked beside their own tests
(tests/test_i18n_*.py)."""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error
from hypothesis import given
from hypothesis import strategies as st

from journal.downtime import format_duration
from journal.middleware import VIEWER_TZ_COOKIE
from journal.models import Preferences
from journal.roles import Role
from tests.factories import UserFactory
from tests.i18n import assert_japanese, english_left

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "ja" / "LC_MESSAGES"


def _untranslated(po: polib.POFile) -> list[str]:
    return [
        f"{entry.occurrences[:1]} {entry.msgid!r}"
        for entry in po
        if "fuzzy" in entry.flags or not (entry.msgstr or entry.msgstr_plural.get(0))
    ]


def test_every_entry_of_the_committed_catalogue_is_translated():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 40
    assert not po.metadata_is_fuzzy and po.metadata["Language"] == "ja"
    assert _untranslated(po) == []


def test_the_compiled_catalogue_is_the_committed_one():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    written = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po if e.msgid}
    assert compiled == written, "run `make messages` to compile locale/ja/LC_MESSAGES/django.mo"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_every_string_marked_in_templates_and_python_has_its_japanese(tmp_path, settings):
    """`make messages` run on a copy of the code: nothing it extracts may be new or fuzzy."""
    for part in ("journal", "templates", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["ja"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(here)
    extracted = polib.pofile(str(tmp_path / "locale/ja/LC_MESSAGES/django.po"))
    assert _untranslated(extracted) == []
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE / "django.po"))}
    assert {(e.msgctxt, e.msgid) for e in extracted} == committed, "run `make messages`"


@pytest.mark.parametrize(
    ("value", "english", "japanese"),
    [
        (timedelta(hours=3, minutes=1), "3h 01m", "3時間01分"),
        (timedelta(hours=6, minutes=53), "6h 53m", "6時間53分"),
        (timedelta(days=2, hours=3, minutes=5), "2d 03h 05m", "2日03時間05分"),
        (timedelta(minutes=27), "27m", "27分"),
        (timedelta(seconds=20), "<1m", "1分未満"),
        (timedelta(0), "0m", "0分"),
        (-timedelta(hours=1, minutes=2), "−1h 02m", "−1時間02分"),
    ],
)
def test_durations_read_in_the_active_language(value, english, japanese):
    with translation.override("en"):
        assert format_duration(value) == english
    with translation.override("ja"):
        assert format_duration(value) == japanese


@given(st.integers(min_value=60, max_value=20 * 365 * 24 * 3600))
def test_a_japanese_duration_says_the_same_minutes_as_the_english_one(seconds):
    with translation.override("en"):
        english = [int(n) for n in re.findall(r"\d+", format_duration(seconds))]
    with translation.override("ja"):
        japanese = format_duration(seconds)
    assert [int(n) for n in re.findall(r"\d+", japanese)] == english
    minutes = seconds // 60
    units = dict(zip(re.findall(r"[日時間分]+", japanese), english, strict=True))
    assert units.get("日", 0) * 1440 + units.get("時間", 0) * 60 + units.get("分", 0) == minutes


def test_the_browser_language_is_used_when_the_user_chose_none(client_alice):
    response = client_alice.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.content.decode()
    assert "ダッシュボード" in response.content.decode()
    response = client_alice.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_a_users_own_language_and_zone_win_over_the_browser_and_cookie(client_alice, alice, seed):
    response = client_alice.post(reverse("preferences"), {"language": "ja", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert Preferences.objects.get(user=alice).language == "ja"
    client_alice.cookies[VIEWER_TZ_COOKIE] = "Europe/Berlin"
    response = client_alice.get(reverse("incident", args=[seed["vps"].pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "ja"
    page = response.content.decode()
    # the VPS went down at 08:12 JST (2012-07-19 23:12 UTC): shown in the user's zone, Tokyo
    assert "2012-07-20 08:12" in page


def test_a_bad_zone_in_preferences_is_refused_with_the_reason(client_alice, alice):
    response = client_alice.post(reverse("preferences"), {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "is not a time zone" in response.content.decode()
    assert not Preferences.objects.filter(user=alice).exists()


def test_the_language_switch_works_signed_out_and_is_kept_with_the_account(client, alice):
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    page = client.get("/login/")
    assert page["Content-Language"] == "ja"
    assert_japanese(page)
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "en", "next": "https://elsewhere.example/"})
    assert Preferences.objects.get(user=alice).language == "en"
    client.force_login(UserFactory(username="vera", role=Role.VIEWER))  # a viewer may choose too
    assert client.post(reverse("set_language"), {"language": "ja"}).status_code == 302


def test_the_checker_finds_english_left_and_ignores_typed_text():
    html = (
        '<h1>お名前.com の障害</h1><p title="Delete it">削除</p><pre>kernel: link down</pre>'
        "<p>Observed 3時間01分 · 2012-07-20 08:12 JST · Asia/Tokyo · SHA-256</p><button>保存</button>"
    )
    assert english_left(html, ["お名前.com"]) == [
        "Delete it  ⟵  Delete it",
        "Observed  ⟵  Observed 3時間01分 · 2012-07-20 08:12 JST · · SHA-256",
    ]


@pytest.mark.parametrize(
    "page",
    [
        "dashboard",
        "incident_list",
        "provider_list",
        "incident",
        "incident_cert",
        "provider",
        "service",
        "provider_scorecard",
        "provider_compare",
        "incident_new",
        "preferences",
        "password_change",
        "set_time_zone",
    ],
)
def test_main_pages_say_nothing_in_english(client_ja, seed, page):
    vps = seed["vps"]
    urls = {
        "incident": reverse("incident", args=[vps.pk]),
        "incident_cert": reverse("incident", args=[seed["cert"].pk]),
        "provider": reverse("provider", args=[vps.service.provider_id]),
        "service": reverse("service", args=[vps.service_id]),
        "provider_scorecard": reverse("provider_scorecard", args=[vps.service.provider_id]),
        "provider_compare": reverse("provider_compare") + "?p=" + str(vps.service.provider_id),
    }
    assert_japanese(client_ja.get(urls.get(page) or reverse(page)))


def test_a_missing_page_and_a_server_error_say_so_in_japanese(client_ja):
    missing = client_ja.get("/incidents/999999/")
    assert missing.status_code == 404
    assert "<h1>見つかりません</h1>" in missing.content.decode()
    assert_japanese(missing, status=404)
    request = client_ja.get("/").wsgi_request
    with translation.override("ja"):
        failed = server_error(request)
    assert failed.status_code == 500
    assert "<h1>エラーが発生しました</h1>" in failed.content.decode()
    assert not english_left(failed.content.decode(), [])
