"""Forms, validation, housekeeping (delete, undo, merge), the journal's export and import, and
the 403 page in Japanese: every label, help text, choice and error message of journal/forms.py
and the models, the pages of journal/views/housekeeping.py and journal/views/journal_io.py, and
the messages of journal/bounds.py and journal/portability.py.

Pages whose templates belong elsewhere (the incident, provider and service forms) are checked
through their forms rendered alone (`english_left` on the form's HTML) and precise asserts on
the page."""

import json
from datetime import UTC, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from journal import bounds, demo
from journal.forms import (
    EventForm,
    IncidentForm,
    LogExcerptForm,
    NoticeForm,
    ServiceForm,
    SupportChannelForm,
    SupportContactForm,
)
from journal.housekeeping import removal
from journal.housekeeping.models import Deletion
from journal.models import Incident, Job, Provider, Service, SupportChannel, TimelineEvent
from journal.portability import DocumentError, parse
from journal.roles import Role
from journal.tasks import run_job
from tests.factories import (
    EventFactory,
    IncidentFactory,
    LogExcerptFactory,
    ProviderFactory,
    ServiceFactory,
    UserFactory,
)
from tests.helpers import text_of
from tests.i18n import assert_japanese, english_left, user_texts

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # exports and imports written here, not in the real data/


@pytest.fixture
def admin_ja(client):
    client.force_login(UserFactory(username="ada", role=Role.ADMIN))
    client.defaults.update(JA)
    return client


def _japanese_form(form) -> str:
    """The form's HTML (labels, help texts, choices, errors) with nothing left in English but
    the names its choices offer (providers, services)."""
    html = form.as_div()
    names = [*Provider.objects.values_list("name", flat=True), *(str(s) for s in Service.objects.all())]
    assert english_left(html, names) == []
    return html


# ------------------------------------------------------------------------------- forms


def test_the_new_incident_form_refuses_in_japanese_field_by_field(client_ja):
    service = ServiceFactory(time_zone="Asia/Tokyo")
    data = {"service": service.pk, "title": "  ", "kind": "outage", "status": "open", "zone": "service"}
    response = client_ja.post("/incidents/new/", data | {"down_at": "1969-12-31T20:00"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "障害の件名を入力してください。" in page
    assert "1970-01-01 より前です。" in page
    assert not Incident.objects.exists()
    later = client_ja.post("/incidents/new/", data | {"title": "VPS", "down_at": "2099-01-01T00:00"})
    assert "現在より後です。" in later.content.decode()
    ends_first = data | {"title": "VPS", "down_at": "2024-03-01T10:00", "resolved_at": "2024-03-01T09:00"}
    assert "障害の終了を停止より前にはできません。" in client_ja.post("/incidents/new/", ends_first).content.decode()
    bad_zone = client_ja.post("/incidents/new/", data | {"title": "VPS", "zone": "Mars/Base"})
    assert "正しく選択してください。" in bad_zone.content.decode()


def test_a_new_incident_records_its_went_down_event_in_the_writers_language(client_ja):
    service = ServiceFactory(time_zone="Asia/Tokyo")
    data = {"service": service.pk, "title": "VPS", "kind": "outage", "status": "open", "zone": "service"}
    assert client_ja.post("/incidents/new/", data | {"down_at": "2012-07-20T08:12"}).status_code == 302
    assert TimelineEvent.objects.get().text == "停止しました。"


def test_the_incident_form_alone_says_everything_in_japanese(db):
    incident = IncidentFactory(service__time_zone="Europe/Berlin")
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, tzinfo=UTC))
    data = {"service": incident.service.pk, "title": "x", "kind": "outage", "status": "resolved"}
    with translation.override("ja"):
        new = IncidentForm(data | {"zone": "service", "down_at": "2024-03-31T02:30"}, viewer_zone="Asia/Tokyo")
        assert not new.is_valid()
        assert new.errors["down_at"] == ["2024-03-31 02:30 は Europe/Berlin には存在しません（時計が飛ばした時刻です）"]
        html = _japanese_form(new)
        assert "サービスのタイムゾーン" in html and "Asia/Tokyo（あなた）" in html and "停止日時" in html
        far = IncidentForm(data | {"zone": "Asia/Tokyo", "resolved_at": "0001-01-01T00:00"}, viewer_zone="UTC")
        assert far.errors["resolved_at"] == ["1970-01-01 より前です。"]
        edit = IncidentForm(
            data | {"zone": "UTC", "resolved_at": "2024-03-01T08:00"}, instance=incident, viewer_zone="UTC"
        )
        assert edit.errors["resolved_at"] == [
            "障害の終了を最初のイベント（2024-03-01 09:00:00 UTC）より前にはできません。"
        ]
        _japanese_form(edit)


def test_the_provider_form_refuses_a_taken_name_in_japanese(client_ja):
    sakura = ProviderFactory(name="Sakura")
    response = client_ja.post("/providers/new/", {"name": "ｓａｋｕｒａ"})
    assert response.status_code == 422
    assert f'「<a href="/providers/{sakura.pk}/">Sakura</a>」という名前の事業者はすでにあります。' in (
        response.content.decode()
    )


def test_the_service_form_refuses_in_japanese(client_ja):
    provider = ProviderFactory(name="Sakura")
    ServiceFactory(provider=provider, name="VPS")
    response = client_ja.post(
        "/services/new/",
        {"name": "Mail", "time_zone": "Mars/Base", "started_on": "2024-05-01", "ended_on": "2024-04-01"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "「Mars/Base」はタイムゾーンではありません。Asia/Tokyo や Europe/Berlin のような IANA の名前を使ってください。"
        in page
    )
    assert "事業者を選ぶか、新しい事業者の名前を入力してください。" in page
    assert "利用終了日が利用開始日より前です。" in page
    with translation.override("ja"):
        taken = ServiceForm({"provider": provider.pk, "name": "vps", "time_zone": "UTC", "sla_claim_days": "9999"})
        assert not taken.is_valid()
        assert str(taken.errors["name"][0]).endswith("という名前のサービスがすでにあります。")
        assert taken.errors["sla_claim_days"] == ["0〜3660 の整数ではありません。"]
        _japanese_form(taken)


def test_support_hours_their_form_and_their_text_in_japanese(db):
    provider = ProviderFactory()
    with translation.override("ja"):
        form = SupportChannelForm(
            {"channel": "phone", "days": ["mon", "tue"], "opens": "18:00", "closes": "09:00", "time_zone": "UTC"},
            instance=SupportChannel(provider=provider),
        )
        assert form.errors["closes"] == ["受付終了が受付開始より前です。"]
        html = _japanese_form(form)
        assert "電話" in html and " 月</label>" in html
        channel = SupportChannel(provider=provider, channel="phone", days="mon,tue", time_zone="Asia/Tokyo")
        assert channel.hours_text == "月、火 24時間"
        channel.opens, channel.closes = time(9), time(18)
        assert channel.hours_text == "月、火 09:00–18:00 Asia/Tokyo"


def test_the_evidence_forms_alone_say_everything_in_japanese(db):
    incident = IncidentFactory(service__time_zone="UTC")
    zones = ["UTC", "Asia/Tokyo"]
    with translation.override("ja"):
        up = EventForm(
            {"at": "2024-03-01 08:12", "type": "up", "source": "person", "zone": "UTC"},
            zones=zones,
            instance=TimelineEvent(incident=incident),
        )
        assert up.errors["type"] == [
            "「復旧」の前には「停止」か「性能低下」が必要です。先に停止した日時を記録してください。"
        ]
        html = _japanese_form(up)
        assert "08:12 · 2012-07-20 08:12 · ログの行" in html and "あなた" in html
        notice = NoticeForm(
            {
                "raw_text": "お知らせ本文",
                "retrieved_at": "2024-03-01T10:00",
                "claimed_start": "2024-03-01T09:00",
                "claimed_end": "2024-03-01T08:00",
                "zone": "UTC",
            },
            zones=zones,
        )
        notice.instance.incident = incident
        assert notice.errors["claimed_end"] == ["公表された終了が、公表された開始より前です。"]
        _japanese_form(notice)
        contact = SupportContactForm(
            {
                "channel": "email",
                "initiated_by": "user",
                "opened_at": "2024-03-01T10:00",
                "first_response_at": "2024-03-01T09:00",
                "helpfulness": "7",
                "zone": "UTC",
            },
            zones=zones,
        )
        contact.instance.provider, contact.instance.incident = incident.service.provider, incident
        assert contact.errors["first_response_at"] == ["初回回答が問い合わせ日時より前です。"]
        _japanese_form(contact)
        log = LogExcerptForm({"name": ""}, instance=None)
        log.instance.incident = incident
        assert log.errors["__all__"] == ["ファイルをアップロードするか、行を貼り付けてください（どちらか一方）。"]
        _japanese_form(log)


# ------------------------------------------------------------------ delete, undo, merge


def test_the_delete_confirmations_say_what_goes_in_japanese(client_ja, seed):
    vps = seed["vps"]
    provider = vps.service.provider
    page = client_ja.get(f"/providers/{provider.pk}/delete/")
    assert_japanese(page)
    text = text_of(page)
    assert f"事業者「{provider.name}」を削除しますか？" in text
    assert "一緒に削除されるもの：" in text and "障害 1 件" in text
    assert "30 日間は 最近削除したもの から取り消せます。" in text
    for url in (f"/services/{vps.service_id}/delete/", f"/incidents/{vps.pk}/delete/"):
        assert_japanese(client_ja.get(url))
    incident_page = text_of(client_ja.get(f"/incidents/{vps.pk}/delete/"))
    assert f"障害「{vps.title}」を削除しますか？" in incident_page
    assert "一緒に削除されるもの：タイムラインのイベント" in incident_page


def test_a_delete_and_its_undo_are_told_in_japanese(client_ja, seed):
    provider = seed["vps"].service.provider
    response = client_ja.post(f"/providers/{provider.pk}/delete/", follow=True)
    assert f"事業者「{provider.name}」を削除しました（一緒に削除：サービス 1 件、障害 1 件）。" in text_of(response)
    deleted = client_ja.get("/deleted/")
    assert_japanese(deleted)
    row = text_of(deleted)
    assert f"事業者「{provider.name}」 サービス 1 件、障害 1 件" in row and "元に戻す" in row
    undo = client_ja.post(f"/deleted/{Deletion.objects.get().pk}/undo/", follow=True)
    assert f"事業者「{provider.name}」を元に戻しました。" in text_of(undo)
    gone = client_ja.post("/deleted/999/undo/", follow=True)
    assert "その削除はすでに取り消されたか、完全に消去されています。" in text_of(gone)


def test_the_empty_deleted_list_and_an_undo_refused_in_japanese(client_ja):
    page = client_ja.get("/deleted/")
    assert_japanese(page)
    assert "最近削除したものはありません。" in text_of(page)
    provider = ProviderFactory(name="Sakura")
    deletion = removal.delete(provider, None)
    ProviderFactory(name="sakura")  # a new one of the same name
    refused = client_ja.post(f"/deleted/{deletion.pk}/undo/", follow=True)
    assert (
        "「Sakura」の削除を取り消せませんでした。現在「sakura」という名前の事業者があります。先に名前を変えてください。"
        in (text_of(refused))
    )


def test_the_merge_pages_and_a_refused_merge_in_japanese(client_ja):
    keep, dupe = ProviderFactory(name="Hetzner"), ProviderFactory(name="Hetzner Online")
    ServiceFactory(provider=keep, name="CX22", time_zone="Europe/Berlin")
    clash = ServiceFactory(provider=dupe, name="cx22", time_zone="UTC")
    IncidentFactory(service=clash)
    choose = client_ja.get(f"/providers/{dupe.pk}/merge/")
    assert_japanese(choose)
    assert "事業者「Hetzner Online」を別の事業者に統合" in text_of(choose)
    confirm = client_ja.get(f"/providers/{dupe.pk}/merge/?into={keep.pk}")
    assert_japanese(confirm)
    assert "両方に「cx22」という名前のサービスがあります。" in text_of(confirm)
    refused = client_ja.post(f"/providers/{dupe.pk}/merge/", {"into": keep.pk})
    assert refused.status_code == 409
    refusal = "両方に「cx22」という名前のサービスがあります。先に Hetzner の同じ名前のサービスに統合するか、"
    assert refusal + "名前を変えてください。" in text_of(refused)
    target = Service.objects.get(provider=keep)
    services = client_ja.get(f"/services/{clash.pk}/merge/?into={target.pk}")
    assert_japanese(services)
    text = text_of(services)
    assert "「Hetzner Online › cx22」から「Hetzner › CX22」に移すもの：障害 1 件。" in text
    assert "移動した障害の現地時刻は Europe/Berlin で表示されます。" in text
    merged = client_ja.post(f"/services/{clash.pk}/merge/", {"into": target.pk}, follow=True)
    assert "サービス「cx22」を「CX22」に統合しました。移動したもの：障害 1 件。" in text_of(merged)
    assert client_ja.get(f"/providers/{dupe.pk}/merge/?into=abc").status_code == 422
    assert_japanese(client_ja.get(f"/providers/{dupe.pk}/merge/?into={keep.pk}"))
    assert Provider.objects.count() == 2


# ------------------------------------------------------------------ export and import


def test_the_export_page_with_jobs_queued_running_done_and_failed_in_japanese(admin_ja, seed, settings):
    settings.TASKS = DB_BACKEND
    empty = admin_ja.get("/journal/export/")
    assert_japanese(empty)
    assert "まだありません。" in text_of(empty)
    response = admin_ja.post("/journal/export/", follow=True)
    assert_japanese(response)
    assert "エクスポートを受け付けました。" in text_of(response) and "待機中：ワーカーが処理します。" in text_of(
        response
    )
    job = Job.objects.get()
    assert job.language == "ja"
    Job.objects.filter(pk=job.pk).update(state="running", attempts=2)
    job.report(1)
    polled = admin_ja.get("/journal/export/", headers={"HX-Request": "true", "HX-Target": "jobs"})
    assert_japanese(polled)
    assert "書き出し中… これまでに障害 1 件。 （2 回目：前のワーカーが失われました）" in text_of(polled)
    assert run_job.call(job.pk) == "done"
    done = admin_ja.get("/journal/export/")
    assert_japanese(done)
    assert "ダウンロード" in text_of(done) and "障害 2 件）·" in text_of(done)
    Job.objects.create(kind=Job.Kind.EXPORT, state=Job.State.FAILED, failure="x", language="ja")
    assert_japanese(admin_ja.get("/journal/export/"))


def test_an_import_refused_for_bad_json_says_why_in_japanese(admin_ja, settings):
    settings.TASKS = DB_BACKEND
    response = admin_ja.post(
        "/journal/import/", {"document": SimpleUploadedFile("x.json", b'{"format": "incident-journal"')}, follow=True
    )
    assert_japanese(response)
    assert "アップロードを保存しました。" in text_of(response)
    job = Job.objects.get()
    assert run_job.call(job.pk) == "failed"  # the worker, outside any request: in the language that asked
    job.refresh_from_db()
    assert job.failure.startswith("document: JSON ではありません（")
    page = admin_ja.get("/journal/import/")
    assert_japanese(page)
    assert "失敗" in text_of(page) and "何もインポートされていません。" in text_of(page)


def test_an_import_done_and_the_form_errors_in_japanese(admin_ja):
    data = json.dumps(demo.document()).encode()
    admin_ja.post("/journal/import/", {"document": SimpleUploadedFile("backup.json", data)})
    page = admin_ja.get("/journal/import/")
    assert_japanese(page)
    assert "インポートしました：事業者 2 件、サービス 2 件、障害 2 件（0 件はすでにあります）。" in text_of(page)
    empty = admin_ja.post("/journal/import/", {})
    assert_japanese(empty)
    assert "このフィールドは必須です。" in text_of(empty)


def test_the_403_page_in_japanese(client, db):
    client.force_login(UserFactory(role=Role.EDITOR))
    response = client.get("/journal/export/", **JA)
    assert response.status_code == 403
    html = response.content.decode()
    assert english_left(html, user_texts()) == []
    assert "許可されていません" in html
    assert "ジャーナル全体のエクスポートとインポートは、管理者だけが行えます。" in html


# ------------------------------------------------------------------ messages of modules


def test_range_and_import_messages_in_japanese(db):
    with translation.override("ja"):
        assert bounds.refusal(bounds.happened_problem(datetime(2099, 1, 1, tzinfo=UTC))).messages == [
            "現在より後です。"
        ]
        assert bounds.text_problem("a\nb", single_line=True) == "改行を含みます（この欄は1行です）"
        with pytest.raises(DocumentError, match="document: 入れ子が深すぎます"):
            parse("[" * 100_000)
        assert [str(label) for label in Role.labels] == [
            "管理者（ユーザーを管理）",
            "編集者（障害を記録）",
            "閲覧者（閲覧のみ）",
        ]
        assert str(Incident.Kind.OUTAGE.label) == "停止" and str(TimelineEvent.Type.UP.label) == "復旧"
    with translation.override("en"):
        assert bounds.refusal("later than now").messages == ["Later than now."]


def test_the_upload_progress_words_come_translated_with_every_page(client_ja):
    html = client_ja.get("/").content.decode()
    assert 'data-upload-sent-of="{total} のうち {loaded} 送信済み"' in html
    assert 'data-upload-failed="送信に失敗しました。接続を確認して、もう一度お試しください。"' in html


def test_accepting_all_says_its_progress_and_result_in_japanese(client_ja, settings):
    settings.TASKS = DB_BACKEND
    outage = IncidentFactory(service__time_zone="Asia/Tokyo", status=Incident.Status.RESOLVED)
    LogExcerptFactory(incident=outage, data=demo.FREEBSD_SYSLOG.encode())
    client_ja.post(f"/incidents/{outage.pk}/suggestions/accept-all/")
    job = Job.objects.get()
    status = f"/incidents/{outage.pk}/suggestions/accept-all/{job.pk}/"
    queued = client_ja.get(status, headers={"HX-Request": "true"})
    assert_japanese(queued)
    assert text_of(queued) == "一括採用：待機中です。ワーカーが処理します。 更新"
    Job.objects.filter(pk=job.pk).update(state="running")
    assert text_of(client_ja.get(status, headers={"HX-Request": "true"})) == "採用しています… 更新"
    Job.objects.filter(pk=job.pk).update(state="queued")
    run_job.call(job.pk)
    assert "提案されたイベントを 4 件採用しました。" in text_of(client_ja.get(status, follow=True))
