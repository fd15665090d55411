"""The incident page and its parts in Japanese: the page for both seed incidents (log
suggestions, notices, support contacts, share links, removed evidence, open and resolved),
each evidence form (new, edit, with errors), its notes and messages, the log excerpt viewer,
the reading partial, the earlier-events, row and context partials, the conflict and gone
answers, and the incident list. Each page says nothing of its own in English (tests/i18n.py),
and a few sentences are checked word for word."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from journal.models import Incident, LogExcerpt, LogSuggestion, ProviderNotice, TimelineEvent
from journal.templatetags.journal import stamp
from tests.factories import (
    EventFactory,
    IncidentFactory,
    LogExcerptFactory,
    NoticeFactory,
    SupportContactFactory,
    UserFactory,
)
from tests.helpers import text_of
from tests.i18n import assert_japanese

HX = {"HX-Request": "true"}
START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def outage(db):
    """An open outage of a Tokyo service: down, then up an hour later (the page offers to
    resolve it), with a support contact, a notice and a log excerpt, each also removed once."""
    incident = IncidentFactory(status=Incident.Status.OPEN, service__time_zone="Asia/Tokyo")
    EventFactory(incident=incident, type="down", at=START, text="")
    EventFactory(incident=incident, type="up", at=START + timedelta(hours=1), text="")
    SupportContactFactory(
        incident=incident,
        opened_at=START + timedelta(minutes=10),
        first_response_at=START + timedelta(minutes=25),
        helpfulness=4,
        ticket_ref="T-1",
        outcome="Rebooted.",
    )
    NoticeFactory(incident=incident, claimed_start=START, claimed_end=START + timedelta(hours=2))
    alice = UserFactory(username="alice")
    NoticeFactory(incident=incident, raw_text="An older notice.").remove(alice, "duplicate")
    LogExcerptFactory(incident=incident, name="old.log").remove(alice, "wrong host")
    return incident


def _url(incident, kind, item=None, action="edit"):
    if item is None:
        return reverse("evidence_new", args=[incident.pk, kind])
    return reverse(f"evidence_{action}", args=[incident.pk, kind, item])


# ------------------------------------------------------------------------------ the page


@pytest.mark.parametrize("which", ["vps", "cert"])
def test_both_seed_incidents_read_in_japanese(client_ja, seed, which):
    incident = seed[which]
    client_ja.post(reverse("share_new", args=[incident.pk]), {"label": "support"})  # a share link listed
    response = client_ja.get(incident.get_absolute_url())
    assert_japanese(response)
    text = text_of(response)
    for heading in ("タイムライン", "事業者のお知らせ", "サポート対応", "ログ抜粋", "履歴"):
        assert heading in text
    assert "観測停止時間" in text and "公表 − 観測" in text


def test_the_vps_outage_shows_the_logs_suggestions_and_its_claims_in_japanese(client_ja, seed):
    vps = seed["vps"]
    assert LogSuggestion.objects.filter(excerpt__incident=vps, status="pending").count() == 4
    text = text_of(client_ja.get(vps.get_absolute_url()))
    assert "ログが示すこと" in text and "ログ抜粋が裏付けるイベントです。" in text
    assert "件の提案がタイムライン上の既存のイベントと一致します。" in text
    assert "公表と観測の比較" in text and "観測された停止はすべて公表期間内です。" in text
    assert "公表の開始は 2時間05分早く なっています。" in text
    assert "観測停止時間 3時間01分" in text


def test_an_open_outage_back_up_offers_to_resolve_and_lists_removed_evidence(client_ja, outage):
    response = client_ja.get(outage.get_absolute_url())
    assert_japanese(response)
    text = text_of(response)
    assert "最後の停止の後に復旧しています。 解決済みにする" in text
    assert "訂正済みまたは取り除いたもの 1 件（合計には含めません）" in text
    assert "取り除いたもの 1 件" in text
    assert "alice が" in text and "に取り除きました：wrong host" in text
    assert "役立ち度 4/5" in text and "チケット T-1" in text and "15分で回答" in text


def test_a_resolved_incident_down_again_offers_to_reopen_and_says_so_in_japanese(client_ja):
    incident = IncidentFactory(status=Incident.Status.RESOLVED, service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=START)
    response = client_ja.get(incident.get_absolute_url())
    assert_japanese(response)
    assert "解決済みですが、再び停止し、その後「復旧」がありません。 再オープン" in text_of(response)


def test_a_down_open_for_weeks_is_flagged_in_japanese(client_ja, settings):
    incident = IncidentFactory(status=Incident.Status.OPEN, service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=datetime.now(UTC) - timedelta(days=60))
    response = client_ja.get(incident.get_absolute_url())
    assert_japanese(response)
    days = settings.STALE_DOWN_AFTER_DAYS
    assert f"から {days} 日を超えて「復旧」がないため、この合計は現在までの時間です。" in text_of(response)
    listed = client_ja.get(reverse("incident_list"))
    assert_japanese(listed)
    assert f"停止が {days} 日超継続中" in text_of(listed)


def test_an_incident_with_nothing_yet_invites_in_japanese(client_ja):
    incident = IncidentFactory(service__time_zone="UTC")
    response = client_ja.get(incident.get_absolute_url())
    assert_japanese(response)
    text = text_of(response)
    assert "イベントはまだありません。最初に異常に気付いたのはいつですか？" in text
    assert "お知らせはまだありません。" in text and "サポート対応の記録はありません。" in text
    assert "ログ抜粋はありません。" in text


def test_resolving_with_htmx_announces_in_japanese_and_a_stale_click_says_why(client_ja, outage):
    url = reverse("incident_status", args=[outage.pk])
    response = client_ja.post(url, {"status": "resolved", "version": str(outage.version)}, headers=HX)
    assert response.status_code == 200
    assert_japanese(response)
    assert "解決済みにしました。" in response.content.decode()
    stale = client_ja.post(url, {"status": "open", "version": "1"})
    assert_japanese(stale, status=409)
    assert "変更していません。このページを開いた後に障害が編集されました。" in text_of(stale)


# ------------------------------------------------------------------- timeline partials


def _many_events(count: int) -> Incident:
    incident = IncidentFactory(service__time_zone="UTC")
    TimelineEvent.objects.bulk_create(
        TimelineEvent(incident=incident, at=START + timedelta(minutes=n), type=["down", "up"][n % 2], text=f"row {n}")
        for n in range(count)
    )
    return incident


def test_earlier_events_are_offered_and_loaded_in_japanese(client_ja):
    incident = _many_events(205)
    page = client_ja.get(incident.get_absolute_url())
    assert_japanese(page)
    text = text_of(page)
    assert "表示していない以前のイベントが 5 件あります： 以前のイベントを 5 件表示 · 全 205 件を表示" in text
    first = incident.events.order_by("at", "id")[5]
    partial = client_ja.get(reverse("timeline_earlier", args=[incident.pk]) + f"?before={first.pk}", headers=HX)
    assert_japanese(partial)
    assert partial.content.decode().count('class="event ') == 5


def test_a_row_and_its_log_context_read_in_japanese(client_ja, seed):
    vps = seed["vps"]
    suggestion = LogSuggestion.objects.filter(excerpt__incident=vps, status="pending").first()
    client_ja.post(reverse("suggestion_accept", args=[vps.pk, suggestion.pk]))
    event = vps.events.exclude(log_line=None).get()
    row = client_ja.get(reverse("event_row", args=[vps.pk, event.pk]), headers=HX)
    assert_japanese(row)
    number = event.log_line.number
    assert f"ログの {number} 行目と前後の行" in text_of(row) and "編集" in text_of(row)
    context = client_ja.get(reverse("event_context", args=[vps.pk, event.pk]), headers=HX)
    assert_japanese(context)
    assert f"ログの {number} 行目を開く" in text_of(context)


def test_adding_an_event_with_htmx_announces_it_in_japanese(client_ja, outage):
    data = {
        "events-zone": "UTC",
        "events-at": "2024-01-01 02:00",
        "events-type": "observation",
        "events-source": "person",
        "events-text": "",
    }
    response = client_ja.post(_url(outage, "events"), data, headers=HX)
    assert response.status_code == 200
    assert_japanese(response)
    with translation.override("ja"):
        at = stamp(START + timedelta(hours=2))
    assert f"{at} の" in text_of(response) and "を追加しました。 観測された停止は1時間00分です。" in text_of(response)
    deleted = client_ja.post(_url(outage, "events", outage.events.get(type="observation").pk, "delete"), headers=HX)
    assert_japanese(deleted)
    assert "を削除しました。 観測された停止は1時間00分です。" in text_of(deleted)


# ------------------------------------------------------------------------ evidence forms


@pytest.mark.parametrize("kind", ["events", "notices", "contacts", "logs"])
def test_each_evidence_form_new_and_edit_reads_in_japanese(client_ja, outage, kind):
    new = client_ja.get(_url(outage, kind))
    assert_japanese(new)
    noun = {"events": "イベント", "notices": "事業者のお知らせ", "contacts": "サポート対応", "logs": "ログ抜粋"}[kind]
    assert f"<h1>{noun}を追加</h1>" in new.content.decode()
    item = {
        "events": outage.events.first,
        "notices": outage.notices.first,
        "contacts": outage.support_contacts.first,
        "logs": lambda: LogExcerptFactory(incident=outage),
    }[kind]()
    edit = client_ja.get(_url(outage, kind, item.pk))
    assert_japanese(edit)
    assert f"<h1>{noun}を編集</h1>" in edit.content.decode()


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("events", {"events-zone": "UTC", "events-at": "", "events-type": "down", "events-source": "person"}),
        ("notices", {"notices-zone": "UTC", "notices-raw_text": "", "notices-retrieved_at": ""}),
        ("contacts", {"contacts-zone": "UTC", "contacts-channel": "phone", "contacts-helpfulness": "9"}),
        ("logs", {"logs-name": "x", "logs-text": ""}),
    ],
)
def test_each_evidence_form_with_errors_reads_in_japanese(client_ja, outage, kind, data):
    response = client_ja.post(_url(outage, kind), data)
    assert_japanese(response, status=422)
    assert 'class="errorlist' in response.content.decode()


def test_the_event_forms_fill_buttons_say_what_they_did_in_japanese(client_ja, outage):
    base = {"events-zone": "UTC", "events-type": "observation", "events-source": "person", "events-text": ""}
    after = client_ja.post(_url(outage, "events"), {**base, "fill": "after_previous"})
    assert_japanese(after)
    assert "前のイベント（" in text_of(after) and "）の1分後です。" in text_of(after)
    now = client_ja.post(_url(outage, "events"), {**base, "fill": "now"})
    assert "現在時刻（UTC）を入れました。確認してからイベントを追加してください。" in text_of(now)
    read = client_ja.post(_url(outage, "events"), {**base, "fill": "read", "events-at": "garbage"})
    assert_japanese(read)
    assert "読み取れませんでした：正しい日時を入力してください。" in text_of(read)
    line = "Jul 20 08:12:37 host sshd[1205]: Received signal 15"
    read_line = {**base, "fill": "read", "events-at": line, "events-day": "2024-07-20", "events-text": "再起動"}
    pasted = client_ja.post(_url(outage, "events"), read_line)
    assert_japanese(pasted)
    assert "貼り付けたログ行（rfc3164、Asia/Tokyo）から読み取りました：" in text_of(pasted)
    typed = client_ja.post(_url(outage, "events"), {**base, "events-at": "08:12"})
    assert_japanese(typed, status=422)
    assert "時刻だけの場合は日付が必要です。" in text_of(typed)


def test_reading_a_notice_says_what_it_read_in_japanese(client_ja, outage):
    data = {
        "notices-raw_text": " 発生日時 : 2024年03月01日(金) 08時30分頃\n 復旧日時 : 2024年03月01日(金) 11時00分頃\n"
        " 対象 : 東京第2リージョン\n",
        "notices-zone": "Asia/Tokyo",
        "notices-retrieved_at": "2024-03-01T12:00",
        "read_notice": "1",
    }
    response = client_ja.post(_url(outage, "notices"), data)
    assert_japanese(response)
    assert "本文から読み取りました：開始、終了、対象。確認してから保存してください。" in text_of(response)
    nothing = client_ja.post(_url(outage, "notices"), {**data, "notices-raw_text": "We are looking into it."})
    assert "この本文からは何も読み取れませんでした。" in text_of(nothing)


def test_a_notice_stating_two_windows_offers_them_in_japanese(client_ja, outage):
    data = {
        "notices-raw_text": "■発生期間\n2024年10月6日 11時33分〜17時15分\n2024年10月7日 09時00分〜10時00分\n",
        "notices-zone": "Asia/Tokyo",
        "notices-retrieved_at": "2024-10-08T12:00",
        "read_notice": "1",
    }
    offered = client_ja.post(_url(outage, "notices"), data)
    assert_japanese(offered)
    text = text_of(offered)
    assert "このお知らせが公表している期間を特定できません。" in text and "このお知らせに書かれている期間" in text
    assert "使う 2024-10-06 11:33 → 2024-10-06 17:15 · 障害 ·" in text
    picked = client_ja.post(_url(outage, "notices"), {**data, "read_notice": "w0"})
    assert_japanese(picked)
    assert "選んだ期間（障害）を使います。確認してから保存してください。" in text_of(picked)


def test_saving_and_removing_evidence_says_so_in_japanese(client_ja, outage):
    contact = outage.support_contacts.first()
    response = client_ja.post(_url(outage, "contacts", contact.pk, "delete"), follow=True)
    assert_japanese(response)
    assert "サポート対応を削除しました。" in text_of(response)
    notice = outage.notices.first()
    refused = client_ja.post(_url(outage, "notices", notice.pk, "delete"), {"reason": " "})
    assert_japanese(refused, status=422)
    assert "「" in text_of(refused) and "」を取り除く" in text_of(refused)
    removed = client_ja.post(_url(outage, "notices", notice.pk, "delete"), {"reason": "typo"}, follow=True)
    assert "事業者のお知らせを取り除きました。下の一覧から復元できます。" in text_of(removed)


def test_an_edit_saved_by_someone_else_first_is_a_conflict_in_japanese(client_ja, outage):
    event = outage.events.get(type="up")
    version = event.version
    event.text = "someone else's words"
    event.save()
    data = {
        "events-zone": "UTC",
        "events-at": "2024-01-01 01:00",
        "events-type": "up",
        "events-source": "person",
        "events-text": "私の記録",
        "events-version": str(version),
    }
    response = client_ja.post(_url(outage, "events", event.pk), data)
    assert_japanese(response, status=409)
    text = text_of(response)
    assert "保存していません。フォームを開いた後に、" in text and "自分の入力で上書き" in text
    assert "項目 現在 あなたの入力" in text


def test_editing_a_removed_notice_is_gone_in_japanese(client_ja, outage):
    notice = ProviderNotice.all_objects.get(incident=outage, removed_at__isnull=False)
    response = client_ja.get(_url(outage, "notices", notice.pk))
    assert_japanese(response, status=409)
    assert "はもう最新ではありません。" in text_of(response) and "障害に戻る" in text_of(response)


# ---------------------------------------------------------------------------- log excerpts


def test_the_log_viewer_with_filters_reads_in_japanese(client_ja, seed):
    vps = seed["vps"]
    excerpt = vps.log_excerpts.first()
    url = reverse("log_excerpt", args=[vps.pk, excerpt.pk])
    response = client_ja.get(url)
    assert_japanese(response)
    html = response.content.decode()
    assert 'title="FreeBSD がカーネルを読み込んだ"' in html
    assert "行の絞り込み" in html and "書かれたままの行" in html
    filtered = client_ja.get(url + "?q=kernel&detected=on")
    assert_japanese(filtered)
    none = client_ja.get(url + "?host=nowhere")
    assert_japanese(none)
    assert "該当する行はありません。" in text_of(none)
    jumped = client_ja.get(url + "?at=2999-01-01T00:00", follow=True)
    assert_japanese(jumped)
    assert "その時刻以降の行はありません。" in text_of(jumped)


@pytest.mark.parametrize(
    ("state", "said"),
    [
        (LogExcerpt.State.QUEUED, "待機中：ワーカーが行を読み取ります。"),
        (LogExcerpt.State.READING, "読み取り中… これまでに 0 行。"),
        (LogExcerpt.State.FAILED, "読み取りに失敗しました：disk full"),
    ],
)
def test_the_reading_partial_reads_in_japanese(client_ja, outage, state, said):
    excerpt = LogExcerptFactory(incident=outage)
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state=state, failure="disk full")
    cache.clear()
    url = reverse("log_excerpt", args=[outage.pk, excerpt.pk])
    partial = client_ja.get(url, headers={**HX, "HX-Target": f"reading-{excerpt.pk}"})
    if state == LogExcerpt.State.FAILED:  # finished: the page is told to refresh
        assert partial["HX-Refresh"] == "true"
        partial = client_ja.get(url)
    assert_japanese(partial)
    assert said in text_of(partial)


# ------------------------------------------------------------------------------ the list


def test_the_incident_list_with_filters_and_empty_reads_in_japanese(client_ja, seed):
    listed = client_ja.get(reverse("incident_list"))
    assert_japanese(listed)
    assert "すべての障害を CSV で、そのイベントを CSV でダウンロード" in text_of(listed)
    provider = seed["vps"].service.provider_id
    filtered = client_ja.get(reverse("incident_list") + f"?provider={provider}")
    assert_japanese(filtered)
    assert "これらの障害を CSV で" in text_of(filtered)
    assert f'href="/incidents/incidents.csv?provider={provider}"' in filtered.content.decode()
    empty = client_ja.get(reverse("incident_list") + "?year=1999")
    assert_japanese(empty)
    assert "この条件に合う障害はありません。" in text_of(empty)


def test_a_long_incident_list_pages_in_japanese(client_ja):
    IncidentFactory.create_batch(26)
    response = client_ja.get(reverse("incident_list"))
    assert_japanese(response)
    assert "1 / 2 ページ（障害 26 件） 古い障害 →" in text_of(response)


def test_what_the_logs_suggest_is_accepted_dismissed_and_read_again_in_japanese(client_ja, seed):
    vps = seed["vps"]
    pending = list(LogSuggestion.objects.filter(excerpt__incident=vps, status="pending").order_by("pk"))
    accepted = client_ja.post(reverse("suggestion_accept", args=[vps.pk, pending[0].pk]), follow=True)
    assert_japanese(accepted)
    assert "をタイムラインに追加しました。" in text_of(accepted)
    dismissed = client_ja.post(reverse("suggestion_dismiss", args=[vps.pk, pending[1].pk]), follow=True)
    assert_japanese(dismissed)
    assert "提案を却下しました。" in text_of(dismissed)
    excerpt = vps.log_excerpts.first()
    reread = client_ja.post(
        reverse("log_reread", args=[vps.pk, excerpt.pk]), {"time_zone": "Asia/Tokyo", "year": "2012"}, follow=True
    )
    assert_japanese(reread)
    assert "Asia/Tokyo、2012 年として行を読み直しています。" in text_of(reread)
