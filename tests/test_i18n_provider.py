"""The dashboard, providers, services, scorecard and compare pages in Japanese: nothing of their
own left in English (tests/i18n.py), and the exact Japanese of headings, figures and messages.

These pages include parts translated on other branches (the incident table, forms and model
labels, status sources, webhooks); until those are merged the texts below stay English here and
are passed over. tests/test_i18n.py checks the merged pages with nothing passed over."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from journal import charts, sla
from journal.availability import Month
from journal.models import Incident, Provider, Service, SupportChannel
from tests.factories import EventFactory, IncidentFactory, ProviderFactory, ServiceFactory
from tests.helpers import text_of
from tests.i18n import assert_japanese


def assert_japanese_here(response) -> str:
    """tests.i18n.assert_japanese (a form refused with 422 too); returns the page's visible text."""
    assert_japanese(response, status=response.status_code if response.status_code == 422 else None)
    return text_of(response)


@pytest.fixture
def vps(seed):
    """The seed's VPS service (a trial rented from 2012-07-01) with SLA terms and a phone line."""
    service = seed["vps"].service
    service.sla_uptime = Decimal("99.9")
    service.sla_credits = "99.9: 10, 99: 25"
    service.sla_claim_days = 30
    service.save()
    SupportChannel.objects.create(
        provider=service.provider, channel="phone", days="mon,tue", opens=time(9), closes=time(17), time_zone="UTC"
    )
    return service


def test_an_empty_journal_in_japanese(client_ja):
    dashboard = assert_japanese_here(client_ja.get(reverse("dashboard")))
    assert "発生中 把握している停止はありません。 何か起きたら 新しい障害を記録 してください。" in dashboard
    assert "解決済みの障害はまだありません。" in dashboard
    assert f"{timezone.localdate().year}年の事業者別停止時間" in dashboard
    assert "事業者はまだ登録されていません。 最初の事業者を追加 しましょう。" in dashboard
    providers = assert_japanese_here(client_ja.get(reverse("provider_list")))
    assert "事業者はまだ登録されていません。サーバー、メール、証明書などを契約している会社を" in providers


def test_the_dashboard_and_provider_list_with_the_seed(client_ja, seed):
    year = timezone.localdate().year
    dashboard = assert_japanese_here(client_ja.get(reverse("dashboard")))
    assert "最近解決した障害" in dashboard and "すべての障害 →" in dashboard
    assert f"事業者 {year}年の観測停止時間 StartSSL 0分 お名前.com 0分" in dashboard
    response = client_ja.get(reverse("provider_list"))
    providers = assert_japanese_here(response)
    assert "事業者 サービス 障害 成績表 ウェブサイト" in providers
    assert "事業者を追加 サービスを追加 事業者を比較 最近削除した項目" in providers
    assert '<span class="visually-hidden">お名前.com の</span>成績表' in response.content.decode()


def test_the_provider_page_with_support_channels_and_their_messages(client_ja, vps):
    provider = vps.provider
    channels = provider.support_channels.count()
    page = assert_japanese_here(client_ja.get(provider.get_absolute_url()))
    assert "ウェブサイト 成績表 比較 事業者を編集 別の項目に統合… 事業者を削除…" in page
    assert "サービス ホストまたはプラン ログのタイムゾーン 操作 VPS(KVM) お試し" in page
    assert "サポート窓口" in page and "サポート窓口を追加" in page and "窓口を追加" in page
    assert "年別の停止時間 年 観測停止時間 2012 3時間01分" in page
    assert "障害の履歴" in page
    refused = client_ja.post(
        reverse("channel_new", args=[provider.pk]),
        {"channel": "form", "days": ["mon"], "opens": "10:00", "closes": "09:00", "time_zone": "UTC"},
    )
    assert refused.status_code == 422
    assert_japanese_here(refused)
    added = client_ja.post(
        reverse("channel_new", args=[provider.pk]),
        {"channel": "form", "days": ["mon"], "opens": "10:00", "closes": "18:00", "time_zone": "UTC"},
        follow=True,
    )
    assert "サポート受付時間を追加しました。" in assert_japanese_here(added)
    assert provider.support_channels.count() == channels + 1
    channel = provider.support_channels.get(channel="form")
    removed = client_ja.post(reverse("channel_delete", args=[provider.pk, channel.pk]), follow=True)
    assert "サポート受付時間を削除しました。" in assert_japanese_here(removed)
    assert provider.support_channels.count() == channels


def test_a_provider_without_services_or_downtime(client_ja):
    provider = ProviderFactory(name="さくらインターネット")
    page = assert_japanese_here(client_ja.get(provider.get_absolute_url()))
    assert "サービスはまだありません。" in page
    assert "サポート窓口は未登録です。登録すると、各サポート対応が受付時間内だったかがわかります。" in page
    assert "観測された停止時間は記録されていません。" in page


def test_the_provider_form_new_and_edit_with_an_error_and_the_messages(client_ja, seed):
    assert "新しい事業者" in assert_japanese_here(client_ja.get(reverse("provider_new")))
    refused = client_ja.post(reverse("provider_new"), {"name": ""})
    assert refused.status_code == 422
    assert "このフィールドは必須です。" in assert_japanese_here(refused)
    created = client_ja.post(reverse("provider_new"), {"name": "さくら"}, follow=True)
    assert "事業者「さくら」を作成しました。" in assert_japanese_here(created)
    provider = Provider.objects.get(name="さくら")
    edit = assert_japanese_here(client_ja.get(reverse("provider_edit", args=[provider.pk])))
    assert "さくら を編集" in edit and "保存 キャンセル" in edit
    saved = client_ja.post(reverse("provider_edit", args=[provider.pk]), {"name": "さくらインターネット"}, follow=True)
    assert "事業者「さくらインターネット」を保存しました。" in assert_japanese_here(saved)


def test_the_service_page(client_ja, vps):
    page = assert_japanese_here(client_ja.get(vps.get_absolute_url()))
    assert "ログのタイムゾーン Asia/Tokyo 契約期間 2012-07-01 から" in page
    assert "SLA 月間 99.900 %、返金規定 99.9: 10, 99: 25、30 日以内に請求" in page
    assert "障害を記録 月別の稼働率 サービスを編集 別の項目に統合… サービスを削除…" in page
    assert "年（Asia/Tokyo） 観測停止時間 2012 3時間01分" in page
    bare = ServiceFactory(name="Mail", provider=vps.provider, started_on=None, ended_on=date(2013, 3, 31))
    page = assert_japanese_here(client_ja.get(bare.get_absolute_url()))
    assert "契約期間 開始日未記録〜2013-03-31 SLA 記録なし" in page
    assert "観測された停止時間は記録されていません。" in page
    assert "このサービスの障害は記録されていません。" in page


def test_the_service_form_its_error_and_the_dialog(client_ja, vps):
    assert "新しいサービス" in assert_japanese_here(client_ja.get(reverse("service_new")))
    refused = client_ja.post(reverse("service_new"), {"provider": vps.provider_id, "name": "", "time_zone": "UTC"})
    assert refused.status_code == 422
    assert "このフィールドは必須です。" in assert_japanese_here(refused)
    created = client_ja.post(
        reverse("service_new"), {"provider": vps.provider_id, "name": "Mail", "time_zone": "UTC"}, follow=True
    )
    assert "サービス「Mail」を作成しました。" in assert_japanese_here(created)
    service = Service.objects.get(name="Mail")
    edit = assert_japanese_here(client_ja.get(reverse("service_edit", args=[service.pk])))
    assert "Mail を編集" in edit and "保存 キャンセル" in edit
    dialog = client_ja.get(reverse("service_new"), headers={"HX-Request": "true", "HX-Target": "quick-add-body"})
    html = dialog.content.decode()
    assert "<html" not in html
    text = assert_japanese_here(dialog)
    assert text.startswith("新しいサービス 障害の入力フォームはそのまま残ります。")
    assert "サービスを作成 キャンセル" in text


def test_a_service_form_with_no_provider_yet(client_ja):
    page = assert_japanese_here(client_ja.get(reverse("service_new")))
    assert "サービスは事業者と契約して利用するものです。下で事業者名を入力すると、" in page


def test_the_scorecard_for_a_year_with_sla_terms_and_the_rental(client_ja, vps):
    url = reverse("provider_scorecard", args=[vps.provider_id])
    response = client_ja.get(url + "?year=2012")
    page = assert_japanese_here(response)
    assert "お名前.com: 2012年 全期間 2012 他の事業者と比較…" in page
    assert "観測停止時間 3時間01分 計画メンテナンスは別計上: 0分" in page
    assert "最初の停止 → 最後の復旧" in page and "初回応答の中央値" in page
    assert "月別の観測停止時間（計画メンテナンスを除く）。最悪の月（3時間01分）を最大の高さとしています" in page
    assert "2012年7月: 停止 3時間01分 7月 月" in page
    assert "2012年7月: 稼働率 99.356%" in page
    rental = (
        "契約期間: 2012-07-01 から 2012-07-20 12:33 まで（終了日なし: お試し利用は最後に記録された"
        "イベントで終了とします）。"
    )
    assert rental in page
    assert "2012 1 か月 · 稼働率 99.356 % · 停止 3時間01分" in page
    assert "月 稼働率 停止 メンテナンス SLA 返金 請求期限 2012年7月 99.356 % 3時間01分 0分 違反 10 % 2012-08-30" in page
    assert "事業者からの連絡 50 % 窓口の受付時間内" in page
    assert 'aria-current="page">2012<' in response.content.decode()


def test_the_scorecard_for_all_time_with_an_open_down_running_for_years(client_ja, vps):
    stuck = IncidentFactory(service=vps, title="Still down", status=Incident.Status.OPEN)
    EventFactory(incident=stuck, type="down", at=datetime(2013, 1, 15, tzinfo=UTC))
    response = client_ja.get(reverse("provider_scorecard", args=[vps.provider_id]))
    page = assert_japanese_here(response)
    assert "お名前.com: 全期間" in page
    assert 'aria-current="page">全期間<' in response.content.decode()
    assert "障害 2 停止 2" in page  # the count, then each kind with its label from the model
    assert "日以上「復旧」のない未終了の停止 1 件の分です（現在まで計上）: Still down" in page
    assert "月（各年の1月に表示）" in page
    assert "契約期間: 2012-07-01 から 今日まで（終了日なし: 契約中として計算）。" in page
    assert "2013年1月" in page and "うち未終了" in page
    assert f"{timezone.localdate().year - 1} 12 か月 · 稼働率 0.000 %" in page


def test_an_empty_scorecard(client_ja):
    provider = ProviderFactory(name="さくら")
    ServiceFactory(provider=provider, name="VPS")
    page = assert_japanese_here(client_ja.get(reverse("provider_scorecard", args=[provider.pk])))
    assert "障害 0 なし" in page
    assert "表示できる月はまだありません。" in page
    assert "データなし: 開始日も障害も記録されていません。" in page
    assert "この期間の障害はありません。" in page
    assert "窓口の受付時間内 — （これらの窓口の受付時間は未登録です）" in page


def test_comparing_two_providers_for_a_year(client_ja, vps, seed):
    other = seed["cert"].service.provider
    url = reverse("provider_compare") + f"?p={vps.provider_id}&p={other.pk}&year=2012"
    page = assert_japanese_here(client_ja.get(url))
    assert "事業者を比較 事業者（2〜4 件）" in page
    assert "年（空欄: 全期間）" in page
    assert "指標 StartSSL お名前.com 障害 1 1 観測停止時間 0分 3時間01分 計画メンテナンス 0分 0分" in page
    assert "最悪の月 100.000 % (2012年7月) 99.356 % (2012年7月) 平均復旧時間 — 4時間21分" in page
    assert "サポート対応 1 2 初回応答（中央値） 40分 0分 事業者からの連絡 0 % 50 % 受付時間内 — 100 %" in page
    one = client_ja.get(reverse("provider_compare") + f"?p={vps.provider_id}")
    assert "事業者を 2〜4 件選んでください。" in assert_japanese_here(one)


def test_month_names_follow_the_language():
    july = Month(2012, 7, timedelta(days=31), timedelta(hours=3, minutes=1), timedelta(0))
    with translation.override("en"):
        assert (charts.month_name(7), charts.month_label(july)) == ("Jul", "July 2012")
        assert charts.downtime_bars([july])[0].title == "July 2012: down 3h 01m"
        assert [name for name, _ in charts.month_columns()][:3] == ["Jan", "Feb", "Mar"]
    with translation.override("ja"):
        assert (charts.month_name(7), charts.month_label(july)) == ("7月", "2012年7月")
        assert charts.downtime_bars([july])[0].title == "2012年7月: 停止 3時間01分"
        assert charts.calendar([july])[1][0].title == "2012年7月: 稼働率 99.595%"
        assert [name for name, _ in charts.month_columns()][:3] == ["1月", "2月", "3月"]


def test_sla_tiers_are_refused_in_the_active_language():
    with translation.override("ja"), pytest.raises(ValueError, match="「abc: 10」は「稼働率: 返金率」の形式では"):
        sla.parse_tiers("abc: 10")
    with translation.override("ja"), pytest.raises(ValueError, match="どちらも 0〜100 の値にしてください"):
        sla.parse_tiers("99.9: 150")
