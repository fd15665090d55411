"""Accounts, API and feed tokens, webhooks, the status watcher, share links and the postmortem
in Japanese: each page (or, on a page another part of the journal renders, its own section)
says nothing of its own in English (tests/i18n.py), and a few texts are checked word for word."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from journal import evidence_pack
from journal.hooks.models import HookDelivery, HookFormat, WebHook
from journal.models import Incident, Preferences
from journal.roles import Role
from journal.watcher.models import SourceItem, SourceItemVersion, StatusSource
from tests.factories import ServiceFactory, UserFactory
from tests.i18n import assert_japanese, english_left, user_texts

HOOK_BODIES = Path(__file__).parent / "corpus" / "hooks"
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
BAD_BODY = b"<html><body>502 Bad Gateway"  # a proxy's error page posted instead of a monitor's JSON


def assert_section_japanese(response, section: str, typed: list[str] | None = None) -> str:
    """The page's <section id=…>, rendered by this branch's templates inside a page of another
    part of the journal: nothing of its own left in English. Returns the section's HTML."""
    assert response.status_code < 400 and response["Content-Language"] == "ja"
    html = response.content.decode()
    found = re.search(rf'<section id="{section}".*?</section>', html, re.S)
    assert found, f"no section {section}"
    left = english_left(found.group(0), user_texts() + (typed or []))
    assert not left, f"untranslated in #{section}:\n" + "\n".join(left)
    return found.group(0)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


@pytest.fixture
def admin_ja(client, db):
    client.force_login(UserFactory(username="ada", role=Role.ADMIN))
    client.defaults.update(JA)
    return client


# Users, passwords ----------------------------------------------------------------------------


def test_the_users_page_with_a_created_user_and_a_reset_password(admin_ja):
    created = admin_ja.post("/users/", {"username": "vera", "email": "", "role": "viewer"}, follow=True)
    [said] = messages_of(created)
    password = re.fullmatch(r"vera のパスワード（表示はこの一度だけです。本人に伝えてください）: (\S+)", said).group(1)
    assert_japanese(created, user_texts() + [password])
    page = created.content.decode()
    assert "<h1>ユーザー</h1>" in page and "新しいユーザー" in page and "無効にする" in page

    vera = created.wsgi_request.user.__class__.objects.get(username="vera")
    reset = admin_ja.post(f"/users/{vera.pk}/password/", follow=True)
    password = messages_of(reset)[-1].removeprefix(
        "vera のパスワード（表示はこの一度だけです。本人に伝えてください）: "
    )
    assert vera.__class__.objects.get(pk=vera.pk).check_password(password)
    assert_japanese(reset, user_texts() + [password])
    refused = admin_ja.post("/users/", {"username": "vera", "role": "viewer"})
    assert_japanese(refused, status=422)


def test_role_and_activity_messages_and_the_password_changed_page(admin_ja):
    vera = UserFactory(username="vera", role=Role.VIEWER)
    deactivated = admin_ja.post(f"/users/{vera.pk}/active/", follow=True)
    assert messages_of(deactivated) == ["vera を無効にしました。"]
    assert "有効に戻す" in deactivated.content.decode()
    done = admin_ja.get(reverse("password_change_done"))
    assert_japanese(done)
    assert "<h1>パスワードを変更しました</h1>" in done.content.decode()


def test_sign_in_refused_after_too_many_failures_in_japanese(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.7", **JA)
    refused = client.post("/login/", {"username": "alice", "password": "right"}, REMOTE_ADDR="203.0.113.7", **JA)
    assert refused.status_code == 429 and refused["Content-Language"] == "ja"
    assert not english_left(refused.content.decode(), user_texts())
    assert "最後の失敗から 0:15:00（時:分:秒）の間はサインインできません。" in refused.content.decode()


# API and feed tokens -------------------------------------------------------------------------


def test_the_api_tokens_page_shows_a_new_token_once_in_japanese(client_ja):
    empty = client_ja.get(reverse("api_tokens"))
    assert_japanese(empty)
    assert "トークンはまだありません。" in empty.content.decode()
    made = client_ja.post(reverse("api_token_create"), {"name": "backup script", "read_only": "on"})
    assert made.status_code == 201
    assert_japanese(made)
    page = made.content.decode()
    assert "<strong>トークン「backup script」</strong> — 表示はこの一度だけです。今コピーしてください:" in page
    assert "<td>読み取り専用</td>" in page and "未使用" in page
    refused = client_ja.post(reverse("api_token_create"), {"name": ""})
    assert_japanese(refused, status=422)
    assert "このフィールドは必須です。" in refused.content.decode()  # Django's own Japanese


def test_the_feed_tokens_page_with_new_urls_and_a_revoked_token(client_ja):
    made = client_ja.post(reverse("feed_token_create"), {"name": "phone calendar"})
    assert made.status_code == 201
    assert_japanese(made)
    page = made.content.decode()
    assert "新しいフィードの URL（今コピーしてください）" in page and "読み取りなし" in page
    token = made.wsgi_request.user.feed_tokens.get()
    revoked = client_ja.post(reverse("feed_token_revoke", args=[token.pk]))
    assert_japanese(revoked)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d に失効", revoked.content.decode())


# Webhooks -------------------------------------------------------------------------------------


@pytest.fixture
def service(db):
    return ServiceFactory(name="vps-tokyo", provider__name="Example VPS", time_zone="Asia/Tokyo")


def _post(token: str, data: bytes, content_type: str = "application/json"):
    return Client(enforce_csrf_checks=True).post(f"/hooks/{token}/", data=data, content_type=content_type)


def test_a_hook_made_rotated_and_its_deliveries_good_and_bad_in_japanese(client_ja, service):
    made = client_ja.post(reverse("hook_create", args=[service.pk]), {"name": "kuma at home", "format": "auto"})
    assert_japanese(made)
    page = made.content.decode()
    assert "<h1>Webhook URL「kuma at home」</h1>" in page and "<h2>設定方法</h2>" in page
    token = re.search(r'value="http://testserver/hooks/([^/]+)/"', page).group(1)

    assert _post(token, BAD_BODY).status_code == 400
    assert _post(token, (HOOK_BODIES / "kuma_down.json").read_bytes()).status_code == 200
    panel = client_ja.get(service.get_absolute_url())
    section = assert_section_japanese(panel, "webhooks")
    assert '<span class="badge outcome-rejected">拒否</span>' in section
    assert '<span class="badge outcome-applied">反映済み</span>' in section

    bad = HookDelivery.objects.get(outcome="rejected")
    delivery = client_ja.get(reverse("hook_delivery", args=[service.pk, bad.pk]))
    assert_japanese(delivery)
    assert "<dt>拒否の理由</dt>" in delivery.content.decode()
    assert f"<dd>{len(BAD_BODY)} バイト</dd>" in delivery.content.decode()

    hook = WebHook.objects.get()
    rotated = client_ja.post(reverse("hook_rotate", args=[service.pk, hook.pk]))
    assert_japanese(rotated)
    assert "以前の URL はもう使えません。" in rotated.content.decode()
    refused = client_ja.post(reverse("hook_create", args=[service.pk]), {"name": "", "format": "auto"})
    assert_japanese(refused, status=422)


def test_what_a_delivery_did_reads_in_the_hook_makers_language_and_the_monitor_is_answered_in_english(service):
    maker = UserFactory(username="kenji")
    Preferences.remember(maker, language="ja")
    hook, token = WebHook.create(service, "kuma at home", HookFormat.AUTO, created_by=maker)
    response = _post(token, (HOOK_BODIES / "kuma_down.json").read_bytes())
    incident = Incident.objects.get(service=service)
    assert response.json()["detail"] == [f"vps-tokyo https: down; opened incident #{incident.pk}."]
    assert HookDelivery.objects.get().detail == f"vps-tokyo https: 停止。障害 #{incident.pk} を記録しました。"
    assert incident.title == "vps-tokyo https 停止"
    assert incident.notes == "Webhook「kuma at home」が記録しました。"

    refused = _post(token, BAD_BODY)
    assert refused.status_code == 400 and refused.json()["error"].startswith("Not JSON: ")
    bad = HookDelivery.objects.get(outcome="rejected")
    assert bad.error.startswith("JSON ではありません: ") and bad.error.endswith("。")


# The status watcher --------------------------------------------------------------------------


@pytest.fixture
def seen_notice(service):
    """A notice seen on a Statuspage in two versions (the second resolved it), and a paused
    source that failed twice."""
    source = StatusSource.objects.create(
        provider=service.provider, kind="statuspage", url="https://status.example.net/", interval_minutes=10
    )
    StatusSource.objects.create(
        provider=service.provider, kind="feed", url="https://example.net/feed.atom", enabled=False, failures=2
    )
    first = datetime(2026, 10, 14, 4, 10, tzinfo=UTC)
    item = SourceItem.objects.create(
        source=source,
        document="https://status.example.net/api/v2/incidents.json",
        external_id="incident:q8w2",
        title="Network connectivity issues in the Tokyo region",
        first_seen=first,
        last_seen=first + timedelta(hours=3),
        window_start=datetime(2026, 10, 14, 3, 12, tzinfo=UTC),
    )
    for number, text in enumerate(["Investigating\nWe are looking into it.", "Resolved\nAll is well."], start=1):
        SourceItemVersion.objects.create(
            item=item,
            number=number,
            body=text.encode(),
            text=text,
            url="https://stspg.io/ex4mpl1",
            retrieved_at=first + timedelta(hours=3 * (number - 1)),
            claimed_start=datetime(2026, 10, 14, 3, 12, tzinfo=UTC),
            claimed_end=datetime(2026, 10, 14, 5, 2, tzinfo=UTC) if number == 2 else None,
        )
    return item


def test_a_seen_notice_with_its_diff_and_the_providers_sources_in_japanese(client_ja, seen_notice):
    page = client_ja.get(seen_notice.get_absolute_url())
    assert_japanese(page)
    html = page.content.decode()
    assert '<h2 id="versions-h">版（新しい順）</h2>' in html
    assert "<h4>第 2 版 · 2026-10-14 07:10:00 取得</h4>" in html
    assert '<p class="hint">第 1 版からの変更:</p>' in html
    assert '<span class="diff-add">+ Resolved</span>' in html
    assert "Example VPS の記録済みの障害で、この期間と重なるものはありません。" in html

    provider = client_ja.get(seen_notice.source.provider.get_absolute_url())
    section = assert_section_japanese(provider, "sources")
    assert "間隔を延長中: 2 回連続でエラー" in section and "一時停止中" in section
    assert "未紐付けのお知らせ" in section


def test_the_source_form_with_an_error_in_japanese(client_ja, service):
    refused = client_ja.post(
        reverse("source_new", args=[service.provider.pk]),
        {"kind": "statuspage", "url": "ftp://status.example.net/", "time_zone": "UTC", "interval_minutes": 0},
    )
    assert_japanese(refused, status=422)
    page = refused.content.decode()
    assert "<h1>Example VPS にステータス情報源を追加</h1>" in page
    assert "取得間隔は1分から1日（1～1440）の範囲で指定してください。" in page


def test_a_notice_attached_to_an_incident_shows_its_versions_there_in_japanese(client_ja, seen_notice, service):
    incident = Incident.objects.create(service=service, title="Tokyo VPS unreachable")
    client_ja.post(reverse("source_item_attach", args=[seen_notice.pk]), {"incident": incident.pk})
    section = assert_section_japanese(client_ja.get(incident.get_absolute_url()), "seen-notices")
    assert "情報源に掲載中" in section and "以前の版（1）" in section


# Share links and the postmortem --------------------------------------------------------------


def test_share_links_made_and_the_public_page_read_anonymously_in_japanese(client_ja, seed, client):
    vps = seed["vps"]
    form = client_ja.get(reverse("share_new", args=[vps.pk]))
    assert_japanese(form)
    assert "有効期間（日数、1～365）" in form.content.decode()
    refused = client_ja.post(reverse("share_new", args=[vps.pk]), {"days": 0})
    assert_japanese(refused, status=422)
    made = client_ja.post(reverse("share_new", args=[vps.pk]), {"days": 3, "note": "onamae support"}, follow=True)
    [said] = messages_of(made)
    assert said.startswith("共有リンク（有効期限 ") and "今コピーしてください）: http://testserver/share/" in said
    section = assert_section_japanese(made, "share")
    assert "送付先: onamae support" in section and "失効させる" in section

    url = re.search(r"http://testserver(/share/[^/]+/)", said).group(1)
    shared = client.get(url, **JA)
    assert shared["Content-Language"] == "ja"
    head = re.search(r'<header class="incident-head">.*?</header>', shared.content.decode(), re.S).group(0)
    assert not english_left(head, user_texts())
    assert "障害ジャーナルから一件の障害を共有した閲覧専用のコピーです" in head
    gone = client.get("/share/not-a-token/", **JA)
    assert gone.status_code == 404 and gone["Content-Language"] == "ja"
    assert "<h1>このリンクは無効です</h1>" in gone.content.decode()


def test_the_postmortem_is_written_in_the_requesters_language(client_ja, seed):
    text = client_ja.get(f"/incidents/{seed['vps'].pk}/postmortem.md").content.decode()
    assert text.startswith("# 障害報告書: ")
    assert "- **観測した停止: 3時間01分** — 停止区間の和集合" in text
    assert "  - 2012-07-20 08:12:00 JST → 2012-07-20 08:39:00 JST (27分)" in text
    assert "- 最初の停止 → 最後の復旧: 4時間21分" in text
    assert "- 事業者の公表: 6時間53分（2012-07-20 06:07:00 JST → 2012-07-20 13:00:00 JST" in text
    assert "（公表が 2時間05分 早い）" in text
    for heading in (
        "## 集計",
        "## 公表と観測の比較",
        "## タイムライン",
        "## 事業者のお知らせ",
        "## サポート対応",
        "## ログ",
    ):
        assert f"\n{heading}\n" in text
    notice = seed["vps"].notices.get()
    assert notice.raw_text.strip() in text  # the evidence is quoted as written
    english = client_ja.get(f"/incidents/{seed['vps'].pk}/postmortem.md", HTTP_ACCEPT_LANGUAGE="en")
    assert "- **Observed down: 3h 01m**" in english.content.decode()


def test_the_evidence_packs_summary_is_written_in_the_active_language(seed):
    with translation.override("ja"):
        summary = evidence_pack.summary(seed["vps"])
    assert "## 集計" in summary and "- 観測した停止: 3時間01分" in summary
    assert "人が入力したテキストは引用符で囲み、改行は \\n と書いています。" in summary
    assert json.dumps(seed["vps"].title, ensure_ascii=False) in summary
