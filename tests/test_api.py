"""The JSON API under /api/: tokens, errors, writes through the forms, totals and scorecards."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from journal.api.models import ApiToken, token_digest
from journal.models import Incident, LogExcerpt, Provider, ProviderNotice, TimelineEvent
from journal.roles import Role
from journal.scorecard import build, provider_for_scorecard
from tests.factories import EventFactory, IncidentFactory, ServiceFactory, UserFactory
from tests.helpers import text_of

JSON = "application/json"


class Api:
    """A client sending ``Authorization: Bearer <token>``."""

    def __init__(self, token: str | None):
        self.client = Client(enforce_csrf_checks=True)  # a bearer token needs no CSRF token
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, url, **params):
        return self.client.get(f"/api{url}", params, **self.headers)

    def post(self, url, data=None, **kwargs):
        return self.client.post(
            f"/api{url}", data or {}, content_type=kwargs.pop("content_type", JSON), **kwargs, **self.headers
        )

    def patch(self, url, data):
        return self.client.patch(f"/api{url}", data, content_type=JSON, **self.headers)

    def delete(self, url):
        return self.client.delete(f"/api{url}", **self.headers)


def api_for(user, read_only: bool = False) -> Api:
    _, token = ApiToken.create(user, "test", read_only=read_only)
    return Api(token)


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie")


@pytest.fixture
def api(editor):
    return api_for(editor)


@pytest.fixture
def incident(db):
    incident = IncidentFactory(service=ServiceFactory(time_zone="Asia/Tokyo"), status=Incident.Status.OPEN)
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    return incident


def fields_of(response) -> list[list[str]]:
    return [error["loc"] for error in response.json()["detail"]]


# Authentication


def _operations():
    """Every (method, path) the OpenAPI document lists, with ids filled in."""
    from journal.api.main import api

    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "path"), list(_operations()))
def test_every_operation_answers_401_without_a_token(db, client, method, path):
    response = client.generic(method, path, b"{}", content_type=JSON)
    assert response.status_code == 401, (method, path, response.status_code)
    assert response.json() == {"detail": "Unauthorized"}


def test_the_document_lists_every_resource():
    paths = {path for _, path in _operations()}
    for wanted in [
        "/api/providers",
        "/api/services",
        "/api/incidents",
        "/api/incidents/1/events",
        "/api/incidents/1/notices",
        "/api/incidents/1/contacts",
        "/api/incidents/1/logs",
        "/api/incidents/1/totals",
        "/api/totals",
        "/api/providers/1/scorecard",
    ]:
        assert wanted in paths


def test_a_signed_in_session_without_a_token_is_401(client_alice):
    assert client_alice.get("/api/incidents").status_code == 401


@pytest.mark.parametrize("header", ["Bearer ij_madeup", "Bearer", "Basic abc", "bearer " + "x" * 5000])
def test_a_wrong_token_is_401(db, client, header):
    assert client.get("/api/incidents", HTTP_AUTHORIZATION=header).status_code == 401


def test_a_revoked_token_or_a_deactivated_users_token_is_401(editor):
    token, secret = ApiToken.create(editor, "t")
    assert Api(secret).get("/incidents").status_code == 200
    token.revoke()
    assert Api(secret).get("/incidents").status_code == 401
    other, secret2 = ApiToken.create(UserFactory(username="gone"), "t")
    other.user.is_active = False
    other.user.save()
    assert Api(secret2).get("/incidents").status_code == 401


def test_tokens_are_stored_hashed_and_note_their_use(editor):
    token, secret = ApiToken.create(editor, "t")
    assert secret not in str(ApiToken.objects.values().get())
    assert token.token_sha256 == token_digest(secret)
    assert token.last_used_at is None
    Api(secret).get("/providers")
    token.refresh_from_db()
    assert token.last_used_at is not None


# Roles


def test_a_viewers_token_reads_and_never_writes(incident):
    viewer_api = api_for(UserFactory(username="vera", role=Role.VIEWER))
    assert viewer_api.get(f"/incidents/{incident.pk}").status_code == 200
    before = TimelineEvent.objects.count()
    response = viewer_api.post(f"/incidents/{incident.pk}/events", {"at": "2024-03-01T10:00:00Z", "type": "up"})
    assert response.status_code == 403
    assert "read the journal but not change it" in response.json()["detail"]
    assert viewer_api.delete(f"/incidents/{incident.pk}/events/1").status_code == 403
    assert viewer_api.post("/providers", {"name": "New"}).status_code == 403
    assert TimelineEvent.objects.count() == before
    assert not Provider.objects.filter(name="New").exists()


def test_a_read_only_token_never_writes(editor, incident):
    read_only = api_for(editor, read_only=True)
    assert read_only.get("/incidents").status_code == 200
    response = read_only.patch(f"/incidents/{incident.pk}", {"title": "Changed"})
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}
    incident.refresh_from_db()
    assert incident.title != "Changed"


# Reading


def test_totals_are_those_the_page_shows(api, seed):
    vps = seed["vps"]
    totals = api.get(f"/incidents/{vps.pk}/totals").json()
    assert totals["observed_downtime_s"] == int(vps.totals.observed.total_seconds()) == 3 * 3600 + 60
    assert totals["claimed_s"] == int(vps.totals.claimed_duration.total_seconds()) == 6 * 3600 + 53 * 60
    assert totals["claimed_minus_observed_s"] == (6 * 3600 + 53 * 60) - (3 * 3600 + 60)
    assert totals["first_down"] == "2012-07-19T23:12:00Z"
    assert len(totals["down"]) == 2
    detail = api.get(f"/incidents/{vps.pk}").json()
    assert detail["totals"] == totals
    rows = api.get("/totals").json()
    assert rows["count"] == 2
    row = next(r for r in rows["items"] if r["id"] == vps.pk)
    assert row["observed_downtime_s"] == 10860 and row["provider"] == vps.service.provider.name


def test_the_scorecard_is_the_pages(api, seed):
    provider = seed["vps"].service.provider
    answer = api.get(f"/providers/{provider.pk}/scorecard", year=2012).json()
    expected = build(provider_for_scorecard().get(pk=provider.pk), 2012).as_json()
    assert answer == expected
    assert answer["observed_downtime_s"] == 10860
    response = api.get(f"/providers/{provider.pk}/scorecard", year=1900)
    assert response.status_code == 422
    assert fields_of(response) == [["query", "year"]]


def test_pages_count_and_size(api, db):
    service = ServiceFactory()
    for n in range(7):
        IncidentFactory(service=service, title=f"Incident {n}")
    first = api.get("/incidents", page_size=3).json()
    assert first["count"] == 7 and len(first["items"]) == 3
    last = api.get("/incidents", page_size=3, page=3).json()
    assert len(last["items"]) == 1
    seen = {i["id"] for p in (1, 2, 3) for i in api.get("/incidents", page_size=3, page=p).json()["items"]}
    assert len(seen) == 7
    for bad in ({"page": 0}, {"page_size": 1000}, {"page": 10**30}, {"page": "x"}):
        assert api.get("/incidents", **bad).status_code == 422


def test_incidents_are_filtered(api, db):
    service = ServiceFactory()
    IncidentFactory(service=service, status="open")
    IncidentFactory(status="resolved")
    assert api.get("/incidents", service=service.pk).json()["count"] == 1
    assert api.get("/incidents", status="open").json()["count"] == 1
    assert api.get("/incidents", status="bogus").status_code == 422


def test_a_list_of_incidents_takes_a_fixed_number_of_queries(api, db, django_assert_max_num_queries):
    service = ServiceFactory()
    for _ in range(20):
        EventFactory(incident=IncidentFactory(service=service), type="down")
    with django_assert_max_num_queries(8):
        assert len(api.get("/incidents", page_size=20).json()["items"]) == 20


# Writing through the forms


def test_an_event_is_created_audited_and_versioned(api, editor, incident):
    response = api.post(f"/incidents/{incident.pk}/events", {"at": "2024-03-01T19:30:00+09:00", "type": "up"})
    assert response.status_code == 201, response.content
    event = TimelineEvent.objects.get(pk=response.json()["id"])
    assert event.at == datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
    assert (event.type, event.source, event.version) == ("up", "person", 1)
    assert event.history.get().history_user == editor  # audited like a form's
    assert incident.compute_totals().observed == timedelta(hours=1, minutes=30)
    changed = api.patch(f"/incidents/{incident.pk}/events/{event.pk}", {"text": "Back.", "version": 1})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2 and changed.json()["text"] == "Back."
    assert changed.json()["at"] == "2024-03-01T10:30:00Z"  # the rest kept
    stale = api.patch(f"/incidents/{incident.pk}/events/{event.pk}", {"text": "Mine.", "version": 1})
    assert stale.status_code == 409
    assert "now version 2" in stale.json()["detail"]
    event.refresh_from_db()
    assert event.text == "Back."
    assert api.delete(f"/incidents/{incident.pk}/events/{event.pk}").status_code == 204
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"at": "2024-03-01T10:00:00", "type": "up"}, "at", "Input should have timezone info"),
        ({"at": "2999-01-01T00:00:00Z", "type": "up"}, "at", "Later than now."),
        ({"at": "1960-01-01T00:00:00Z", "type": "up"}, "at", "Before 1970-01-01."),
        ({"at": "2024-03-01T08:00:00Z", "type": "up"}, "type", "An “up” needs a “down”"),
        ({"at": "2024-03-01T10:00:00Z", "type": "sideways"}, "type", "Input should be"),
        ({"at": "2024-03-01T10:00:00Z", "type": "down", "text": "a\x00b"}, "text", "Null characters are not allowed."),
        ({"type": "down"}, "at", "Field required"),
        ({"at": "not a time", "type": "down"}, "at", "Input should be a valid datetime"),
    ],
)
def test_a_refused_event_is_a_422_naming_the_field(api, incident, data, field, message):
    before = TimelineEvent.objects.count()
    response = api.post(f"/incidents/{incident.pk}/events", data)
    assert response.status_code == 422, response.content
    assert ["body", field] in fields_of(response)
    assert any(message in error["msg"] for error in response.json()["detail"])
    assert TimelineEvent.objects.count() == before


def test_an_incident_is_created_with_its_first_down(api, editor, db):
    service = ServiceFactory(time_zone="Asia/Tokyo")
    response = api.post(
        "/incidents", {"service": service.pk, "title": "VPS unreachable", "down_at": "2024-05-01T08:12:00+09:00"}
    )
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.status == "open"
    [event] = incident.events.all()
    assert (event.type, event.at) == ("down", datetime(2024, 4, 30, 23, 12, tzinfo=UTC))
    assert response.json()["totals"]["still_down"] is True
    assert incident.history.get().history_user == editor


def test_an_incident_cannot_end_before_its_first_event(api, incident):
    response = api.patch(f"/incidents/{incident.pk}", {"status": "resolved", "resolved_at": "2024-03-01T08:00:00Z"})
    assert response.status_code == 422
    assert fields_of(response) == [["body", "resolved_at"]]
    assert "cannot end before its first event" in response.json()["detail"][0]["msg"]
    ok = api.patch(f"/incidents/{incident.pk}", {"status": "resolved", "resolved_at": "2024-03-01T12:00:00Z"})
    assert ok.status_code == 200
    assert ok.json()["totals"]["observed_downtime_s"] == 3 * 3600
    assert api.patch(f"/incidents/{incident.pk}", {"title": ""}).status_code == 422


def test_providers_and_services_use_their_forms(api, db):
    created = api.post("/providers", {"name": "Sakura", "url": "https://sakura.example/"})
    assert created.status_code == 201
    duplicate = api.post("/providers", {"name": "Sakura"})
    assert duplicate.status_code == 422 and fields_of(duplicate) == [["body", "name"]]
    bad_url = api.post("/providers", {"name": "Other", "url": "not a url"})
    assert fields_of(bad_url) == [["body", "url"]]
    provider_id = created.json()["id"]
    service = api.post(
        "/services", {"provider": provider_id, "name": "VPS", "time_zone": "Asia/Tokyo", "started_on": "2020-01-01"}
    )
    assert service.status_code == 201, service.content
    for data, field in [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"ended_on": "2019-01-01"}, "ended_on"),
        ({"sla_claim_days": 99999}, "sla_claim_days"),
        ({"sla_credits": "lots"}, "sla_credits"),
    ]:
        response = api.patch(f"/services/{service.json()['id']}", data)
        assert response.status_code == 422, (data, response.content)
        assert ["body", field] in fields_of(response)
    renamed = api.patch(f"/providers/{provider_id}", {"notes": "Tokyo DC"})
    assert renamed.json()["name"] == "Sakura" and renamed.json()["notes"] == "Tokyo DC"


def test_notices_keep_their_text_a_new_text_is_a_new_version(api, incident):
    response = api.post(
        f"/incidents/{incident.pk}/notices",
        {
            "raw_text": "Maintenance 10:00-12:00",
            "retrieved_at": "2024-03-01T13:00:00Z",
            "claimed_start": "2024-03-01T10:00:00Z",
            "claimed_end": "2024-03-01T09:00:00Z",
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == [["body", "claimed_end"]]
    created = api.post(
        f"/incidents/{incident.pk}/notices",
        {
            "raw_text": "Maintenance 10:00-12:00",
            "claimed_start": "2024-03-01T10:00:00Z",
            "claimed_end": "2024-03-01T12:00:00Z",
        },
    )
    assert created.status_code == 201
    first = created.json()["id"]
    corrected = api.patch(f"/incidents/{incident.pk}/notices/{first}", {"raw_text": "Maintenance 10:00-12:30"})
    assert corrected.status_code == 200
    assert corrected.json()["id"] != first and corrected.json()["supersedes_id"] == first
    assert ProviderNotice.all_objects.get(pk=first).raw_text == "Maintenance 10:00-12:00"
    listed = api.get(f"/incidents/{incident.pk}/notices").json()
    assert [n["id"] for n in listed["items"]] == [corrected.json()["id"]]
    assert api.get(f"/incidents/{incident.pk}/notices", include_earlier=True).json()["count"] == 2
    no_reason = api.post(f"/incidents/{incident.pk}/notices/{corrected.json()['id']}/remove", {"reason": "  "})
    assert no_reason.status_code == 422 and fields_of(no_reason) == [["body", "reason"]]
    removed = api.post(
        f"/incidents/{incident.pk}/notices/{corrected.json()['id']}/remove", {"reason": "wrong incident"}
    )
    assert removed.status_code == 200
    assert api.get(f"/incidents/{incident.pk}/notices").json()["count"] == 0


def test_support_contacts(api, incident):
    bad = api.post(
        f"/incidents/{incident.pk}/contacts",
        {"channel": "phone", "opened_at": "2024-03-01T10:00:00Z", "first_response_at": "2024-03-01T09:00:00Z"},
    )
    assert fields_of(bad) == [["body", "first_response_at"]]
    assert ["body", "helpfulness"] in fields_of(
        api.post(
            f"/incidents/{incident.pk}/contacts",
            {"channel": "phone", "opened_at": "2024-03-01T10:00:00Z", "helpfulness": 9},
        )
    )
    ok = api.post(
        f"/incidents/{incident.pk}/contacts",
        {"channel": "phone", "opened_at": "2024-03-01T10:00:00Z", "helpfulness": 4},
    )
    assert ok.status_code == 201
    assert ok.json()["provider_id"] == incident.service.provider_id
    assert api.get(f"/incidents/{incident.pk}/contacts").json()["count"] == 1


def test_log_upload_file_or_text(api, incident, django_capture_on_commit_callbacks):
    lines = b"Mar  1 18:00:01 vps kernel: Linux version 6.1.0\nMar  1 18:00:02 vps systemd[1]: Started sshd.\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.client.post(
            f"/api/incidents/{incident.pk}/logs",
            {"file": _upload("messages", lines)},
            **api.headers,
        )
    assert response.status_code == 201, response.content
    excerpt = LogExcerpt.objects.get(pk=response.json()["id"])
    assert excerpt.read_bytes() == lines and excerpt.name == "messages"
    read = api.get(f"/incidents/{incident.pk}/logs/{excerpt.pk}").json()
    assert (read["state"], read["line_count"]) == ("read", 2)
    with django_capture_on_commit_callbacks(execute=True):
        pasted = api.client.post(
            f"/api/incidents/{incident.pk}/logs", {"text": "one line\n", "name": "pasted"}, **api.headers
        )
    assert pasted.status_code == 201 and pasted.json()["size"] == 9
    neither = api.client.post(f"/api/incidents/{incident.pk}/logs", {}, **api.headers)
    assert neither.status_code == 422
    assert "Upload a file or paste lines" in neither.json()["detail"][0]["msg"]


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_unknown_ids_are_404(api, incident):
    assert api.get("/incidents/999999").status_code == 404
    assert api.patch(f"/incidents/{incident.pk}/events/999999", {"text": "x"}).status_code == 404
    other = IncidentFactory()
    event = EventFactory(incident=other)
    assert api.delete(f"/incidents/{incident.pk}/events/{event.pk}").status_code == 404  # not through another incident


# The OpenAPI document and the docs page


def test_the_openapi_document_for_a_session_or_a_token(client_alice, api):
    assert Client().get("/api/openapi.json").status_code == 401
    for response in (client_alice.get("/api/openapi.json"), api.get("/openapi.json")):
        assert response.status_code == 200
        document = response.json()
        assert document["openapi"].startswith("3.")
        assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_needs_sign_in_and_loads_only_same_origin_scripts(client_alice):
    assert Client().get("/api/docs").status_code == 302
    response = client_alice.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
    assert sources == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']  # data, never run
    assert re.findall(r"<link[^>]*href=\"([^\"]+)\"", html) == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
    ]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in html


# The tokens page


def test_a_token_is_shown_once_and_works(client_alice, alice):
    response = client_alice.post(reverse("api_token_create"), {"name": "backup script"})
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the page that shows it is not kept
    assert Api(secret).get("/providers").status_code == 200
    page = client_alice.get(reverse("api_tokens"))
    assert secret not in page.content.decode()
    assert "backup script" in text_of(page) and secret[:10] in text_of(page)
    token = ApiToken.objects.get()
    assert client_alice.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    assert Api(secret).get("/providers").status_code == 401
    assert "revoked" in text_of(client_alice.get(reverse("api_tokens")))


def test_a_bad_token_name_keeps_what_was_typed(client_alice):
    response = client_alice.post(reverse("api_token_create"), {"name": "x" * 101, "read_only": "on"})
    assert response.status_code == 422
    assert 'value="' + "x" * 101 + '"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_viewer_makes_tokens_that_only_read_and_cannot_revoke_others(client, alice):
    others, _ = ApiToken.create(alice, "alice's")
    client.force_login(UserFactory(username="vera", role=Role.VIEWER))
    response = client.post(reverse("api_token_create"), {"name": "dashboard"})
    assert response.status_code == 201
    assert "Your role reads only" in text_of(response)
    assert Api(response.context["secret"]).post("/providers", {"name": "X"}).status_code == 403
    assert client.post(reverse("api_token_revoke", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.is_active


def test_the_account_page_in_the_user_menu_links_the_tokens_page(client_alice):
    assert f'href="{reverse("password_change")}">Account</a>' in client_alice.get("/").content.decode()
    account = client_alice.get(reverse("password_change")).content.decode()
    assert f'href="{reverse("api_tokens")}"' in account and f'href="{reverse("feed_tokens")}"' in account
