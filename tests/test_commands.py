import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Incident, TimelineEvent, ProviderNotice, SupportContact, LogExcerpt)]


def test_demo_loads_the_seed_once_and_creates_one_demo_account(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    first = capsys.readouterr().out
    assert "Demo data loaded: 2 incidents." in first
    password = (tmp_path / "demo-password.txt").read_text().strip()
    assert len(password) >= 12 and f"password '{password}'" in first
    assert get_user_model().objects.get(username="demo").check_password(password)
    loaded = counts()
    assert loaded == [2, 14, 1, 3, 2]
    call_command("demo")
    assert "already present; nothing changed" in capsys.readouterr().out
    assert counts() == loaded
    assert get_user_model().objects.get(username="demo").check_password(password)


def test_demo_names_the_address_the_server_listens_on(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    assert "Sign in at http://127.0.0.1:8000/ as user 'demo'" in capsys.readouterr().out
    call_command("demo", "--address", "0.0.0.0:9000")  # make run ADDRESS=0.0.0.0:9000
    assert "Sign in at http://0.0.0.0:9000/ as user 'demo'" in capsys.readouterr().out


def test_report_json_gives_the_seed_numbers(seed, capsys):
    call_command("report", "--format", "json")
    rows = {row["kind"]: row for row in json.loads(capsys.readouterr().out)}
    vps, cert = rows["outage"], rows["defect"]
    assert (vps["observed_downtime_s"], vps["span_s"], vps["claimed_s"]) == (10860, 15660, 24780)
    assert (vps["first_down"], vps["last_up"]) == ("2012-07-19T23:12:00Z", "2012-07-20T03:33:00Z")
    assert (vps["provider"], vps["service"], vps["status"]) == ("お名前.com", "VPS(KVM)", "resolved")
    assert (cert["observed_downtime_s"], cert["claimed_s"], cert["first_down"]) == (0, None, None)
    assert set(vps) >= {"id", "provider", "service", "title", "kind", "status", "first_down", "last_up"}


def test_report_text_and_provider_filter(seed, capsys):
    call_command("report", "--provider", "StartSSL")
    out = capsys.readouterr().out
    assert "StartSSL › Class 1 certificate" in out and "お名前" not in out
    call_command("report")
    assert "observed 3h 01m · first down → last up 4h 21m · claimed 6h 53m" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No provider named 'Nobody'"):
        call_command("report", "--provider", "Nobody")


def test_parse_notice_json(tmp_path, capsys):
    from journal import demo

    path = tmp_path / "notice.txt"
    path.write_text(demo.ONAMAE_NOTICE, encoding="utf-8")
    call_command("parse_notice", str(path), "--tz", "Asia/Tokyo", "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert (result["claimed_start"], result["claimed_end"]) == ("2012-07-19T21:07:00Z", "2012-07-20T04:00:00Z")
    assert result["approximate"] is True
    assert result["target"] == "VPS(KVM)ご利用の一部のお客様(cnode-a1104)"
    path.write_bytes(demo.ONAMAE_NOTICE.encode("cp932"))
    call_command("parse_notice", str(path), "--tz", "Asia/Tokyo", "--format", "json")
    assert json.loads(capsys.readouterr().out)["claimed_start"] == "2012-07-19T21:07:00Z"


def test_parse_notice_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("parse_notice", str(tmp_path / "missing.txt"))
    (tmp_path / "n.txt").write_text("x")
    with pytest.raises(CommandError, match="unknown time zone"):
        call_command("parse_notice", str(tmp_path / "n.txt"), "--tz", "Mars/Base")


def test_every_model_has_an_admin_page(admin_client):
    for model in (
        "provider",
        "service",
        "incident",
        "timelineevent",
        "providernotice",
        "supportcontact",
        "supportchannel",
        "logexcerpt",
        "logline",
        "logsuggestion",
    ):
        response = admin_client.get(f"/admin/journal/{model}/")
        assert response.status_code == 200, model
