"""Hardening: no-store on every answer, Secure cookies, a private DATA_DIR and database,
`check --deploy` clean with the README's production settings, a configurable session."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from journal.middleware import VIEWER_TZ_COOKIE

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Django started afresh in a child process with these environment variables."""
    # Only what the test names: none of the run's own configuration (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about).
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "DATA_", "SECRET", "DEBUG"))}
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else ["manage.py", *args])],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "journal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(env: dict[str, str], *names: str) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print(*(getattr(s, n) for n in {names!r}))"
    )
    result = _run(code, env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def production_env() -> dict[str, str]:
    """The README's production block (the test keeps the README honest)."""
    block = re.search(r"# production environment\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if line.strip() and not line.startswith("#"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/incidents/", "INCIDENT/", "INCIDENT/evidence.zip", "LOG/", "LOG/raw/", "/providers/", "/login/"]
)
def test_every_answer_says_no_store(client_alice, seed, path):
    incident = seed["vps"]
    excerpt = incident.log_excerpts.get()
    path = path.replace("INCIDENT", f"/incidents/{incident.pk}").replace(
        "LOG", f"/incidents/{incident.pk}/logs/{excerpt.pk}"
    )
    response = client_alice.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_zone_cookie_is_secure_when_asked(client_alice, settings):
    settings.SECURE_COOKIES = True
    response = client_alice.post("/time-zone/", {"time_zone": "Asia/Tokyo", "next": "/"})
    cookie = response.cookies[VIEWER_TZ_COOKIE]
    assert (cookie.value, cookie["secure"], cookie["httponly"]) == ("Asia/Tokyo", True, True)


@pytest.mark.django_db
def test_the_zone_cookie_is_not_secure_by_default(client_alice):
    response = client_alice.post("/time-zone/", {"time_zone": "Asia/Tokyo", "next": "/"})
    assert response.cookies[VIEWER_TZ_COOKIE]["secure"] == ""


def test_secure_cookies_makes_every_django_cookie_secure(tmp_path):
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SECURE_COOKIES")
    assert _settings({"DATA_DIR": str(tmp_path), "SECURE_COOKIES": "1"}, *names) == ["True"] * 4
    assert _settings({"DATA_DIR": str(tmp_path)}, *names) == ["False"] * 4


def test_session_lifetime_comes_from_the_environment(tmp_path):
    assert _settings({"DATA_DIR": str(tmp_path)}, "SESSION_COOKIE_AGE") == [str(14 * 24 * 3600)]
    assert _settings({"DATA_DIR": str(tmp_path), "SESSION_COOKIE_AGE": "3600"}, "SESSION_COOKIE_AGE") == ["3600"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_and_database_are_private(tmp_path):
    data = tmp_path / "data"
    result = _run("", {"DATA_DIR": str(data)}, "migrate", "-v0")
    assert result.returncode == 0, result.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "journal.sqlite3") == 0o600
    assert _mode(data / "secret_key") == 0o600


def test_an_existing_world_readable_database_is_made_private_at_start(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "journal.sqlite3").touch()
    (data / "journal.sqlite3").chmod(0o644)
    assert _run("import django; django.setup()", {"DATA_DIR": str(data)}).returncode == 0
    assert (_mode(data), _mode(data / "journal.sqlite3")) == (0o700, 0o600)


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    env = {**production_env(), "DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL")  # the check needs no database
    assert env["SECURE_HSTS_SECONDS"] == "31536000" and env["SECURE_SSL_REDIRECT"] == "1"
    result = _run("", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    env = {
        **production_env(),
        "DATA_DIR": str(tmp_path / "data"),
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_SSL_REDIRECT": "0",
    }
    env.pop("DATABASE_URL")
    result = _run("", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 1
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
