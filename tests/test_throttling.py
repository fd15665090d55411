"""Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failures for one username or
from one address, even the right password is refused until the cool-off has passed; the
admin's login is throttled the same way."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from journal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery"


@pytest.fixture(autouse=True)
def _user(db):
    return UserFactory(username="alice")


def _sign_in(client, password, username="alice", path="/login/", ip="203.0.113.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, times, **kwargs):
    for _ in range(times):
        _sign_in(client, "wrong", **kwargs)


def test_the_limit_and_cool_off_have_sane_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_below_the_limit_the_right_password_works(client):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, RIGHT).status_code == 302


def test_after_the_limit_the_right_password_is_refused_with_the_cool_off(client):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = _sign_in(client, RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "0:15:00" in page
    assert "_auth_user_id" not in client.session


def test_after_the_cool_off_the_right_password_works(client):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _sign_in(client, RIGHT).status_code == 302
    assert client.session["_auth_user_id"]


def test_the_username_is_locked_from_any_address(client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", ip=f"198.51.100.{n}")
    assert _sign_in(client, RIGHT, ip="192.0.2.99").status_code == 429


def test_an_address_guessing_many_usernames_is_locked(client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong", username=f"guess{n}")
    assert _sign_in(client, RIGHT).status_code == 429  # alice, from that address
    assert _sign_in(client, RIGHT, ip="192.0.2.99").status_code == 302  # alice, elsewhere


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="root", role=Role.ADMIN)
    _fail(client, settings.AXES_FAILURE_LIMIT, username="root", path="/admin/login/")
    response = _sign_in(client, RIGHT, username="root", path="/admin/login/")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_success_below_the_limit_resets_the_count(client):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, RIGHT).status_code == 302
    client.logout()
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, RIGHT).status_code == 302
