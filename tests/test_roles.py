"""Roles: a viewer reads everything and changes nothing (every write route answers 403 and no
row changes); write buttons and forms are hidden from viewers; one place decides."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from journal.models import LogSuggestion
from journal.roles import VIEWER_WRITES, Role, can_edit, role_of, set_role
from tests.factories import UserFactory
from tests.test_auth_required import every_route

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(db):
    return UserFactory(username="victor", role=Role.VIEWER)


@pytest.fixture
def client_viewer(client, viewer):
    client.force_login(viewer)
    return client


def _row_counts() -> dict[str, int]:
    models = [*apps.get_app_config("journal").get_models(), get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


def _write_routes(seed) -> list[tuple[str, str]]:
    incident = seed["vps"]
    args = {
        "pk": incident.pk,
        "item": incident.events.first().pk,
        "kind": "events",
        "suggestion": LogSuggestion.objects.filter(excerpt__incident=incident).first().pk,
        "token": "x",
        "object_id": incident.pk,
        "app_label": "journal",
        "model_name": "incident",
    }
    # Real rows, so that a route that let the write through would change something.
    owner = {"providers": incident.service.provider.pk, "services": incident.service.pk}
    routes = []
    for name, pattern in every_route():
        if name in VIEWER_WRITES:
            continue
        args["pk"] = owner.get(pattern.split("/")[0], incident.pk)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args.get(m.group(1), 1)), pattern)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(args.get(m.group(1), 1)), path)
        routes.append((name, "/" + path.lstrip("^").rstrip("$").replace("\\", "")))
    return routes


def test_every_write_route_refuses_a_viewer_and_changes_nothing(client_viewer, seed):
    before = _row_counts()
    routes = _write_routes(seed)
    assert len(routes) > 40  # the journal's routes and the admin's
    answers = {
        path: client_viewer.post(path, {"title": "changed", "text": "changed"}).status_code for _, path in routes
    }
    assert {path: code for path, code in answers.items() if code != 403} == {}
    assert _row_counts() == before
    assert seed["vps"].title == type(seed["vps"]).objects.get(pk=seed["vps"].pk).title


def test_form_pages_are_closed_to_a_viewer_but_open_to_an_editor(client_viewer, alice, seed):
    editor = Client()
    editor.force_login(alice)
    forms = [(name, path) for name, path in _write_routes(seed) if (name or "").endswith(("_new", "_edit"))]
    assert len(forms) >= 9
    assert {path: client_viewer.get(path).status_code for _, path in forms} == {path: 403 for _, path in forms}
    answers = {name: editor.get(path).status_code for name, path in forms}
    assert set(answers.values()) <= {200, 405}, answers  # channel_new only takes POST
    assert answers["incident_new"] == answers["evidence_edit"] == answers["share_new"] == 200


def test_a_viewer_reads_every_page(client_viewer, seed):
    incident = seed["vps"]
    excerpt = incident.log_excerpts.get()
    for path in (
        "/",
        "/incidents/",
        incident.get_absolute_url(),
        f"/incidents/{incident.pk}/logs/{excerpt.pk}/",
        f"/incidents/{incident.pk}/evidence.zip",
        "/providers/",
        "/password/",
        "/time-zone/",
    ):
        assert client_viewer.get(path).status_code == 200, path


def test_a_viewer_may_still_choose_a_zone_and_sign_out(client_viewer):
    response = client_viewer.post("/time-zone/", {"time_zone": "Asia/Tokyo", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["viewer_tz"].value == "Asia/Tokyo"
    assert client_viewer.post("/logout/").status_code == 302
    assert client_viewer.get("/").status_code == 302  # signed out


def test_the_403_says_why(client_viewer, seed):
    response = client_viewer.post(f"/incidents/{seed['vps'].pk}/events/new/", {"events-text": "x"})
    assert response.status_code == 403
    assert "Your role can read the journal but not change it." in response.content.decode()
    assert seed["vps"].events.filter(text="x").count() == 0


def test_a_viewer_reads_the_incident_page_without_write_controls(client_viewer, seed):
    incident = seed["vps"]
    page = client_viewer.get(incident.get_absolute_url()).content.decode()
    assert "cnode-a1104" in page  # the notice is shown
    assert "Observed down" in page and "3h 01m" in page
    for control in (
        "Edit incident",
        "/delete/",
        "/edit/",
        "Add an event",
        "Add a notice",
        ">Accept<",
        "share/",
        "New incident",
    ):
        assert control not in page, control
    actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
    assert set(actions) == {"/time-zone/", "/logout/", "/language/"}


def test_an_editor_sees_the_write_controls(client_alice, seed):
    page = client_alice.get(seed["vps"].get_absolute_url()).content.decode()
    for control in ("Edit incident", "/delete/", "Add an event", "Make a share link", "New incident"):
        assert control in page, control
    assert "Users" not in page  # only admins manage users


@pytest.mark.parametrize(
    ("path", "hidden"),
    [
        ("/providers/", "Add a provider"),
        ("/", "Record a new incident"),
    ],
)
def test_list_pages_hide_add_buttons_from_viewers(client_viewer, seed, path, hidden):
    assert hidden not in client_viewer.get(path).content.decode()


def test_provider_and_service_pages_hide_edit_links_from_viewers(client_viewer, seed):
    service = seed["vps"].service
    provider_page = client_viewer.get(service.provider.get_absolute_url()).content.decode()
    service_page = client_viewer.get(service.get_absolute_url()).content.decode()
    assert "Edit provider" not in provider_page and "Add a support channel" not in provider_page
    assert "Edit service" not in service_page and "Record an incident" not in service_page


def test_a_new_account_without_a_group_is_a_viewer(db):
    user = get_user_model().objects.create_user("nobody", password="x" * 12)
    assert role_of(user) == Role.VIEWER
    assert not can_edit(user)


def test_set_role_gives_exactly_one_role(db):
    user = UserFactory(role=Role.VIEWER)
    set_role(user, Role.EDITOR)
    assert role_of(user) == Role.EDITOR
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    set_role(user, Role.ADMIN)
    user.refresh_from_db()
    assert (user.is_superuser, user.is_staff, user.groups.count()) == (True, True, 0)
    assert role_of(user) == Role.ADMIN
    set_role(user, Role.VIEWER)
    user = get_user_model().objects.get(pk=user.pk)
    assert (role_of(user), user.is_superuser, user.is_staff) == (Role.VIEWER, False, False)


def test_a_deactivated_user_has_no_role(db):
    user = UserFactory(role=Role.EDITOR, is_active=False)
    assert role_of(user) is None


def test_the_demo_account_is_an_admin(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert role_of(get_user_model().objects.get(username="demo")) == Role.ADMIN
