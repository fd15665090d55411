"""Monitor webhooks: /hooks/<token>/ turns Uptime Kuma, Healthchecks.io and Alertmanager
messages into timeline events (bodies in tests/corpus/hooks, see its README)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from journal.hooks.models import HookDelivery, HookFormat, HookMessage, WebHook
from journal.models import Incident, TimelineEvent
from journal.roles import Role
from journal.secret_tokens import token_digest
from tests.factories import EventFactory, IncidentFactory, ServiceFactory, UserFactory
from tests.helpers import text_of

CORPUS = Path(__file__).parent / "corpus" / "hooks"
JSON = "application/json"


def body(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def service(db):
    return ServiceFactory(name="vps-tokyo", time_zone="Asia/Tokyo")


@pytest.fixture
def hook(service):
    hook, token = WebHook.create(service, "kuma at home", HookFormat.AUTO)
    hook.token = token
    return hook


def post(hook_or_token, data: bytes, content_type: str = JSON):
    token = hook_or_token if isinstance(hook_or_token, str) else hook_or_token.token
    client = Client(enforce_csrf_checks=True)  # no CSRF token: the URL's token is the credential
    return client.post(f"/hooks/{token}/", data=data, content_type=content_type)


def events(service):
    return list(TimelineEvent.objects.filter(incident__service=service).order_by("at", "id"))


# Uptime Kuma


def test_a_kuma_down_opens_an_incident_with_a_webhook_down_event(hook, service):
    response = post(hook, body("kuma_down.json"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "applied"
    incident = Incident.objects.get(service=service)
    assert response.json()["incident"] == incident.pk
    assert incident.is_open and incident.kind == "outage"
    assert incident.title == "vps-tokyo https down"
    [event] = events(service)
    assert (event.type, event.source) == ("down", "webhook")
    assert event.at == datetime(2025, 3, 14, 2, 10, 5, 118000, tzinfo=UTC)  # heartbeat time is UTC
    assert event.text == "connect ETIMEDOUT 203.0.113.10:443"
    delivery = HookDelivery.objects.get()
    assert bytes(delivery.body) == body("kuma_down.json")  # byte for byte
    assert (delivery.format, delivery.outcome, delivery.content_type) == ("uptime_kuma", "applied", JSON)
    assert delivery.size == len(body("kuma_down.json"))
    assert delivery.incident == incident
    assert event.history.first().history_change_reason == "webhook kuma at home"


def test_a_retry_of_the_same_message_changes_nothing(hook, service):
    post(hook, body("kuma_down.json"))
    again = post(hook, body("kuma_down.json"))
    assert again.status_code == 200
    assert again.json()["outcome"] == "repeat"
    assert Incident.objects.count() == 1
    assert len(events(service)) == 1
    assert HookMessage.objects.count() == 1
    assert list(HookDelivery.objects.values_list("outcome", flat=True)) == ["repeat", "applied"]


def test_an_up_adds_up_and_leaves_the_incident_open(hook, service):
    post(hook, body("kuma_down.json"))
    response = post(hook, body("kuma_up.json"))
    assert response.json()["outcome"] == "applied"
    assert "stays open until you mark it resolved" in response.json()["detail"][0]
    incident = Incident.objects.get()
    assert incident.is_open  # resolving is offered, not done
    assert [e.type for e in events(service)] == ["down", "up"]
    totals = incident.compute_totals()
    assert totals.observed == timedelta(hours=3, minutes=1, seconds=31, microseconds=284000)
    assert not totals.still_down


def test_an_up_with_no_open_incident_adds_nothing(hook, service):
    response = post(hook, body("kuma_up.json"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert "no incident of this service is open" in response.json()["detail"][0]
    assert not Incident.objects.exists()


def test_a_down_adds_to_the_open_incident(hook, service):
    incident = IncidentFactory(service=service, status=Incident.Status.OPEN, title="Mine")
    post(hook, body("kuma_down.json"))
    assert Incident.objects.count() == 1
    assert [e.incident_id for e in events(service)] == [incident.pk]


def test_a_resolved_incident_is_not_reopened_a_new_one_is(hook, service):
    IncidentFactory(service=service, status=Incident.Status.RESOLVED)
    post(hook, body("kuma_down.json"))
    assert Incident.objects.filter(service=service).count() == 2
    assert Incident.objects.filter(service=service, status="open").count() == 1


def test_the_kuma_test_button_is_answered_and_records_nothing(hook):
    response = post(hook, body("kuma_test.json"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert "test message" in response.json()["detail"][0]
    assert not Incident.objects.exists()
    assert HookDelivery.objects.get().outcome == "ignored"


def test_pending_is_not_down(hook):
    response = post(hook, body("kuma_pending.json"))
    assert response.json()["outcome"] == "ignored"
    assert not Incident.objects.exists()


def test_a_reminder_while_down_adds_no_second_down(hook, service):
    post(hook, body("kuma_down.json"))
    reminder = json.loads(body("kuma_down.json"))
    reminder["heartbeat"]["time"] = "2025-03-14 02:40:05.001"  # resend every N heartbeats
    response = post(hook, json.dumps(reminder).encode())
    assert response.json()["outcome"] == "applied"
    assert "still down" in response.json()["detail"][0]
    assert len(events(service)) == 1


def test_the_service_is_up_only_when_every_monitor_is(hook, service):
    post(hook, body("kuma_down.json"))
    post(hook, body("kuma_ping_down.json"))
    assert Incident.objects.count() == 1
    response = post(hook, body("kuma_up.json"))
    assert "still down: vps-tokyo ping" in response.json()["detail"][0]
    assert [e.type for e in events(service)] == ["down", "down", "observation"]
    assert Incident.objects.get().compute_totals().still_down
    post(hook, body("kuma_ping_up.json"))
    kinds = [(e.type, e.at) for e in events(service)]
    assert kinds[-1] == ("up", datetime(2025, 3, 14, 5, 20, 2, 1000, tzinfo=UTC))
    assert Incident.objects.get().compute_totals().observed == datetime(
        2025, 3, 14, 5, 20, 2, 1000, tzinfo=UTC
    ) - datetime(2025, 3, 14, 2, 10, 5, 118000, tzinfo=UTC)


def test_kuma_multipart_form_data_is_read_from_its_data_field(hook, service):
    boundary = "----kumaboundary"
    payload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
        f"{(CORPUS / 'kuma_form.txt').read_text()}\r\n--{boundary}--\r\n"
    ).encode()
    response = post(hook, payload, f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "applied"
    assert bytes(HookDelivery.objects.get().body) == payload
    assert [e.type for e in events(service)] == ["down"]


def test_an_up_without_a_down_before_it_adds_nothing(hook, service):
    incident = IncidentFactory(service=service, status=Incident.Status.OPEN)
    EventFactory(incident=incident, type="down", at=datetime(2025, 3, 14, 6, 0, tzinfo=UTC))
    response = post(hook, body("kuma_up.json"))  # 05:11, before the only down
    assert "no down before it" in response.json()["detail"][0]
    assert [e.type for e in events(service)] == ["down"]


# Healthchecks.io


@pytest.mark.parametrize("down", ["hc_down.json", "hc_json_check.json"])
def test_healthchecks_down_then_up(hook, service, down):
    response = post(hook, body(down))
    assert response.json()["outcome"] == "applied", response.json()
    [event] = events(service)
    assert event.at == datetime(2025, 6, 2, 3, 15, tzinfo=UTC)
    assert Incident.objects.get().title == 'nightly backup "db1" down'
    post(hook, body("hc_up.json"))
    assert [e.type for e in events(service)] == ["down", "up"]
    assert Incident.objects.get().compute_totals().observed == timedelta(minutes=47, seconds=31)
    assert HookDelivery.objects.filter(format="healthchecks").count() == 2


def test_healthchecks_form_encoded(hook, service):
    response = post(hook, body("hc_form.txt"), "application/x-www-form-urlencoded")
    assert response.json()["outcome"] == "applied"
    assert events(service)[0].at == datetime(2025, 6, 2, 3, 15, tzinfo=UTC)


def test_healthchecks_without_a_time_uses_the_time_received(hook, service):
    response = post(hook, b'{"check": "abc", "status": "down"}')
    assert response.json()["outcome"] == "applied"
    delivery = HookDelivery.objects.get()
    assert events(service)[0].at == delivery.received_at


# Alertmanager


def test_alertmanager_alerts_each_count(hook, service):
    response = post(hook, body("am_firing.json"))
    assert response.json()["outcome"] == "applied"
    assert len(response.json()["detail"]) == 2
    incident = Incident.objects.get()
    assert incident.title == "HostDown on mail1.example.net:9100 down"
    assert [(e.type, e.at) for e in events(service)] == [
        ("down", datetime(2025, 9, 21, 20, 4, 17, 421986, tzinfo=UTC)),  # +02:00, nanoseconds cut
        ("down", datetime(2025, 9, 21, 20, 5, 2, tzinfo=UTC)),
    ]
    assert post(hook, body("am_firing.json")).json()["outcome"] == "repeat"  # repeat_interval resend
    one = post(hook, body("am_resolved_one.json")).json()
    assert one["outcome"] == "applied"
    assert any("still down: SMTPProbeFailed on smtp://mail1.example.net:25" in line for line in one["detail"])
    assert events(service)[-1].type == "observation"
    done = post(hook, body("am_resolved_all.json")).json()
    assert done["outcome"] == "applied"
    assert [e.type for e in events(service)] == ["down", "down", "observation", "up"]
    assert events(service)[-1].at == datetime(2025, 9, 21, 20, 40, 32, tzinfo=UTC)
    totals = Incident.objects.get().compute_totals()
    assert totals.observed == timedelta(minutes=36, seconds=14, microseconds=578014)


def test_an_alert_time_in_the_future_is_replaced_by_the_time_received(hook, service):
    future = json.loads(body("am_firing.json"))
    future["alerts"] = future["alerts"][:1]
    future["alerts"][0]["startsAt"] = "2099-01-01T00:00:00Z"
    response = post(hook, json.dumps(future).encode())
    assert "later than now: the time received is used" in response.json()["detail"][0]
    assert events(service)[0].at == HookDelivery.objects.get().received_at


# Refusals


@pytest.mark.parametrize(
    ("name", "content_type", "reason"),
    [
        ("bad_html.txt", "text/html", "Not JSON"),
        ("bad_array.json", JSON, "Expected a JSON object, got a JSON list"),
        ("bad_unknown.json", JSON, "Could not tell which monitor sent this"),
        ("bad_kuma_time.json", JSON, "heartbeat time is not an ISO 8601 time: 'yesterday'"),
        ("bad_am_naive.json", JSON, "alerts[0].startsAt has no UTC offset"),
        ("bad_truncated.json", JSON, "Not JSON"),
    ],
)
def test_a_bad_body_is_a_400_with_the_reason_and_is_kept(hook, name, content_type, reason):
    response = post(hook, body(name), content_type)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    delivery = HookDelivery.objects.get()
    assert (delivery.outcome, bytes(delivery.body)) == ("rejected", body(name))
    assert reason in delivery.error
    assert not Incident.objects.exists()


def test_the_format_chosen_for_the_url_is_used(service):
    hook, token = WebHook.create(service, "am", HookFormat.ALERTMANAGER)
    response = post(token, body("kuma_down.json"))
    assert response.status_code == 400
    assert "'alerts' is not a list" in response.json()["error"]


def test_a_body_over_the_limit_is_a_413_and_not_kept(hook, settings):
    settings.WEBHOOK_MAX_BYTES = 100
    response = post(hook, body("kuma_down.json"))
    assert response.status_code == 413
    assert "limit is 100" in response.json()["error"]
    delivery = HookDelivery.objects.get()
    assert (delivery.outcome, bytes(delivery.body), delivery.size) == ("too_large", b"", len(body("kuma_down.json")))


def test_only_post_and_only_known_tokens(hook):
    assert Client().get(f"/hooks/{hook.token}/").status_code == 405
    assert post("wh_madeup", body("kuma_down.json")).status_code == 404
    assert post("x" * 5000, body("kuma_down.json")).status_code == 404
    assert not HookDelivery.objects.exists()


def test_tokens_are_stored_hashed_rotated_and_revoked(hook):
    stored = WebHook.objects.get()
    assert hook.token not in str(WebHook.objects.values().get())
    assert stored.token_sha256 == token_digest(hook.token)
    new = stored.rotate()
    assert post(hook, body("kuma_test.json")).status_code == 404
    assert post(new, body("kuma_test.json")).status_code == 200
    stored.revoke()
    assert post(new, body("kuma_test.json")).status_code == 404


def test_text_from_the_body_is_made_storable(hook, service):
    nasty = json.loads(body("kuma_down.json"))
    nasty["monitor"]["name"] = "web\x00\nsite \ud800"
    nasty["heartbeat"]["msg"] = "bad\x00 bytes"
    response = post(hook, json.dumps(nasty).encode())
    assert response.status_code == 200
    assert Incident.objects.get().title == "web site ? down"
    assert events(service)[0].text == "bad bytes"


def test_nul_in_identities_and_times_is_stored_without_it(hook, service):
    """PostgreSQL text cannot hold NUL: found by tests/test_property_api_doors.py."""
    nasty = json.loads(body("kuma_down.json"))
    nasty["heartbeat"]["monitorID"] = "\x00"
    nasty["monitor"]["name"] = "\x00"
    assert post(hook, json.dumps(nasty).encode()).status_code == 200
    assert HookMessage.objects.get().subject == "kuma:"
    late = json.loads(body("hc_down.json"))
    late["now"] = "2099-01-01T00:00:00+00:00"
    late["check"] = "x\x00y"
    assert post(hook, json.dumps(late).encode()).status_code == 200
    assert "later than now: the time received is used" in HookDelivery.objects.get(format="healthchecks").detail
    assert set(HookMessage.objects.values_list("subject", flat=True)) == {"kuma:", "hc:xy"}


def test_refused_deliveries_are_pruned_to_the_newest(hook, monkeypatch):
    monkeypatch.setattr("journal.hooks.views.KEEP_UNAPPLIED", 3)
    post(hook, body("kuma_down.json"))
    for _ in range(5):
        post(hook, b"nope")
    assert HookDelivery.objects.filter(outcome="rejected").count() == 3
    assert HookDelivery.objects.filter(outcome="applied").count() == 1


# The service page


def test_an_editor_makes_a_url_shown_once(client_alice, service):
    response = client_alice.post(reverse("hook_create", args=[service.pk]), {"name": "kuma", "format": "uptime_kuma"})
    assert response.status_code == 200
    hook = WebHook.objects.get()
    assert "no-store" in response["Cache-Control"]
    url = response.context["url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token_digest(token) == hook.token_sha256
    assert url in response.content.decode()
    page = client_alice.get(service.get_absolute_url())
    assert token not in page.content.decode()
    assert f"/hooks/{hook.prefix}…" in text_of(page)
    assert post(token, body("kuma_down.json")).status_code == 200


def test_a_bad_name_is_a_422_keeping_what_was_typed(client_alice, service):
    response = client_alice.post(reverse("hook_create", args=[service.pk]), {"name": "a\x00b", "format": "auto"})
    assert response.status_code == 422
    assert "Null characters are not allowed." in text_of(response)
    response = client_alice.post(reverse("hook_create", args=[service.pk]), {"name": "kuma", "format": "bogus"})
    assert response.status_code == 422
    assert 'value="kuma"' in response.content.decode()
    assert not WebHook.objects.exists()


def test_the_service_page_shows_deliveries_to_editors(client_alice, hook, service):
    post(hook, body("kuma_down.json"))
    post(hook, body("bad_html.txt"), "text/html")
    page = text_of(client_alice.get(service.get_absolute_url()))
    assert "Monitor webhooks" in page
    assert "Rejected" in page and "Not JSON" in page
    assert "vps-tokyo https: down; opened incident" in page
    delivery = HookDelivery.objects.get(outcome="rejected")
    detail = client_alice.get(reverse("hook_delivery", args=[service.pk, delivery.pk]))
    assert detail.status_code == 200
    assert "&lt;html&gt;&lt;body&gt;502 Bad Gateway" in detail.content.decode()  # escaped


def test_viewers_see_no_webhooks_and_cannot_change_them(client, hook, service):
    post(hook, body("kuma_down.json"))
    client.force_login(UserFactory(username="vera", role=Role.VIEWER))
    page = client.get(service.get_absolute_url())
    assert page.status_code == 200
    assert "Monitor webhooks" not in text_of(page)
    delivery = HookDelivery.objects.get()
    assert client.get(reverse("hook_delivery", args=[service.pk, delivery.pk])).status_code == 403
    assert client.post(reverse("hook_create", args=[service.pk]), {"name": "x", "format": "auto"}).status_code == 403
    assert client.post(reverse("hook_rotate", args=[service.pk, hook.pk])).status_code == 403
    assert client.post(reverse("hook_revoke", args=[service.pk, hook.pk])).status_code == 403
    assert WebHook.objects.get().is_active and WebHook.objects.count() == 1


def test_rotate_and_revoke_from_the_page(client_alice, hook, service):
    response = client_alice.post(reverse("hook_rotate", args=[service.pk, hook.pk]))
    assert "The previous URL no longer works" in text_of(response)
    new = response.context["url"].rstrip("/").rsplit("/", 1)[1]
    assert post(hook, body("kuma_test.json")).status_code == 404
    assert post(new, body("kuma_test.json")).status_code == 200
    response = client_alice.post(reverse("hook_revoke", args=[service.pk, hook.pk]))
    assert response.status_code == 302
    assert post(new, body("kuma_test.json")).status_code == 404
    assert "revoked" in text_of(client_alice.get(service.get_absolute_url()))


# Two Alertmanagers of an HA pair deliver the same notification at the same moment.


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_the_same_message_delivered_twice_at_once_is_applied_once(service):
    import threading

    from django.db import connections

    hook, token = WebHook.create(service, "am pair", HookFormat.AUTO)
    start = threading.Barrier(2)
    answers = []

    def deliver():
        try:
            start.wait()
            answers.append(post(token, body("am_firing.json")).json()["outcome"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["applied", "repeat"]
    assert Incident.objects.filter(service=service).count() == 1
    assert len(events(service)) == 2  # one down per alert, not four
