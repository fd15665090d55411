import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "shared_incident", "shared_log", "shared_log_download"}  # share links: tests/test_share.py
PUBLIC |= {"hook_ingest"}  # monitor webhooks: the URL's token is the credential (tests/test_hooks.py)
TOKEN_ONLY = "api/"  # the JSON API answers 401 without a bearer token (tests/test_api.py); its docs page is walked
# feeds opened by secret token: tests/test_feeds.py
PUBLIC |= {"feed_incidents_ics", "feed_incidents_atom", "feed_provider_ics", "feed_provider_atom"}
PUBLIC |= {"set_language"}  # the language switch works before signing in (tests/test_i18n.py)
SAMPLE_ARGS = {
    "pk": "1",
    "item": "1",
    "kind": "events",
    "object_id": "1",
    "app_label": "journal",
    "model_name": "incident",
    "content_type_id": "1",
    "uidb64": "MQ",
    "token": "x",
    "url": "x",
}


def every_route(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from every_route(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield entry.name, pattern


def concrete(pattern: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ARGS.get(m.group(1), "1"), pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_ARGS.get(m.group(1), "1"), path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


ROUTES = sorted(
    {
        (name, concrete(pattern))
        for name, pattern in every_route()
        if name not in PUBLIC and (not pattern.startswith(TOKEN_ONLY) or name == "openapi-view")
    },
    key=lambda r: r[1],
)


def test_the_walk_finds_the_journals_routes():
    names = {name for name, _ in ROUTES}
    assert {"dashboard", "incident", "evidence_new", "evidence_delete", "provider", "service"} <= names
    assert len(ROUTES) > 20  # the admin's routes are walked too


@pytest.mark.parametrize(("name", "path"), ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_route_sends_an_anonymous_visitor_to_sign_in(client, name, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 302, f"{name} {path} answered {response.status_code}"
    assert re.match(r"^/(admin/)?login/", response["Location"]), response["Location"]


def test_the_login_page_itself_is_open(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
