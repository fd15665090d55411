import pytest
from django.conf import settings
from django.utils import translation

from journal import demo
from journal.models import Incident
from tests import browser
from tests.factories import UserFactory
from tests.statusserver import StatusServer


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Tasks run at once (on commit: wrap posts in django_capture_on_commit_callbacks(execute=True));
    # tests/test_tasks.py runs the database backend and its worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A page asked for in Japanese leaves Japanese active in this thread: code a test runs
    outside a request speaks the default language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def client_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def client_ja(client_alice):
    """alice's client, its browser asking for Japanese (tests/i18n.py checks the pages)."""
    client_alice.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client_alice


@pytest.fixture
def seed(db):
    """The two seed incidents (DESIGN.md), loaded as `make run` loads them."""
    demo.load()
    return {
        "vps": Incident.objects.get(uid=demo.VPS_OUTAGE_UID),
        "cert": Incident.objects.get(uid=demo.CERT_DEFECT_UID),
    }


@pytest.fixture
def status_server(settings):
    """The local status server (tests/statusserver.py). It listens on 127.0.0.1, which the
    watcher refuses by default: sources on it are allowed here (WATCHER_ALLOW_PRIVATE)."""
    settings.WATCHER_ALLOW_PRIVATE = True
    with StatusServer() as server:
        yield server


@pytest.fixture
def chromium(live_server):
    """Headless Chromium beside the live server (tests/browser.py)."""
    with browser.launched() as launched:
        yield launched


@pytest.fixture
def browser_page(chromium):
    """A page of it whose script errors and CSP reports gather in ``page.problems``."""
    return browser.new_page(chromium)
