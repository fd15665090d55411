"""The users page (admins only) and password change in the app."""

import re

import pytest
from django.contrib.auth import get_user_model

from journal.roles import Role, role_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ada", role=Role.ADMIN))
    return client


def _shown_password(response) -> str:
    messages = [str(m) for m in response.wsgi_request._messages]
    return re.search(r"shown once, give it to them\): (\S+)", messages[-1]).group(1)


def test_an_admin_creates_a_user_with_a_role_and_a_one_time_password(admin_client, client):
    response = admin_client.post("/users/", {"username": "vera", "email": "", "role": "viewer"})
    assert response.status_code == 302
    vera = User.objects.get(username="vera")
    assert role_of(vera) == Role.VIEWER
    assert vera.check_password(_shown_password(response))
    page = admin_client.get("/users/").content.decode()
    assert "vera" in page and "Viewer (reads only)" in page


def test_a_duplicate_username_is_a_422_with_the_message(admin_client):
    UserFactory(username="vera")
    response = admin_client.post("/users/", {"username": "vera", "role": "viewer"})
    assert response.status_code == 422
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="vera").count() == 1


def test_an_admin_changes_a_role(admin_client):
    eve = UserFactory(username="eve", role=Role.VIEWER)
    assert admin_client.post(f"/users/{eve.pk}/role/", {"role": "editor"}).status_code == 302
    assert role_of(User.objects.get(pk=eve.pk)) == Role.EDITOR
    response = admin_client.post(f"/users/{eve.pk}/role/", {"role": "owner"})
    assert response.status_code == 422
    assert "role: Select a valid choice." in response.content.decode()
    assert role_of(User.objects.get(pk=eve.pk)) == Role.EDITOR


def test_a_deactivated_user_can_no_longer_sign_in(admin_client, client):
    eve = UserFactory(username="eve")
    assert admin_client.post(f"/users/{eve.pk}/active/").status_code == 302
    assert User.objects.get(pk=eve.pk).is_active is False
    admin_client.logout()
    response = client.post("/login/", {"username": "eve", "password": "correct horse battery"})
    assert response.status_code == 422
    assert "Please enter a correct username and password" in response.content.decode()


def test_an_admin_resets_a_password(admin_client):
    eve = UserFactory(username="eve")
    response = admin_client.post(f"/users/{eve.pk}/password/")
    eve.refresh_from_db()
    assert not eve.check_password("correct horse battery")
    assert eve.check_password(_shown_password(response))


def test_an_admin_cannot_demote_or_deactivate_themselves(admin_client):
    ada = User.objects.get(username="ada")
    assert admin_client.post(f"/users/{ada.pk}/role/", {"role": "viewer"}).status_code == 403
    assert admin_client.post(f"/users/{ada.pk}/active/").status_code == 403
    ada.refresh_from_db()
    assert (role_of(ada), ada.is_active) == (Role.ADMIN, True)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_admins_see_or_use_the_users_page(client, role):
    client.force_login(UserFactory(role=role))
    other = UserFactory(username="other", role=Role.VIEWER)
    assert client.get("/users/").status_code == 403
    assert client.post(f"/users/{other.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post("/users/", {"username": "mallory", "role": "admin"}).status_code == 403
    assert role_of(User.objects.get(pk=other.pk)) == Role.VIEWER
    assert not User.objects.filter(username="mallory").exists()
    assert "Users</a>" not in client.get("/").content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR, Role.VIEWER])
def test_everyone_changes_their_own_password(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    assert 'name="old_password"' in client.get("/password/").content.decode()
    response = client.post(
        "/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/password/done/"
    user.refresh_from_db()
    assert user.check_password("a new long passphrase")
    assert "Password changed" in client.get("/password/done/").content.decode()


def test_a_wrong_old_password_changes_nothing(client_alice, alice):
    response = client_alice.post(
        "/password/",
        {"old_password": "wrong", "new_password1": "another passphrase", "new_password2": "another passphrase"},
    )
    assert response.status_code == 422
    assert "Your old password was entered incorrectly" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("correct horse battery")
