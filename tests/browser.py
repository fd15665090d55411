"""Headless Chromium for the browser tests: Playwright driving Debian's chromium, each page's
script errors and Content Security Policy reports collected in ``page.problems``.

The fixtures ``chromium`` (the browser, beside the live server) and ``browser_page`` (a page
of it) are in tests/conftest.py. A browser test module sets ``pytestmark = browser.MARKS``:
the live server shares its database, and the module is skipped where chromium is missing
(.ci/run installs it)."""

import contextlib
import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from tests.factories import UserFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
MARKS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@contextlib.contextmanager
def launched():
    playwright = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's loop runs beside the ORM
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
        # ORM calls made while playwright's loop runs get connections of their own (asgiref
        # keeps them per context): close them, or PostgreSQL refuses to drop the test database.
        connections.close_all()


def new_page(chromium, width: int | None = None, height: int = 844):
    """A page (``width`` × ``height`` px when a width is given) collecting its problems."""
    page = chromium.new_page(viewport={"width": width, "height": height}) if width else chromium.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda m: page.problems.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def sign_in(page, base_url: str, username: str = "night-owl") -> None:
    """Sign in through the login form as ``username``, an account with the factories' password
    (made here if it does not exist yet), and wait for the dashboard."""
    if not get_user_model().objects.filter(username=username).exists():
        UserFactory(username=username)
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")
