"""Read-only share links: made by editors, opened without signing in, showing one incident
and its evidence and nothing else; expired, revoked and forged links answer 404."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from journal.models import ShareLink
from journal.roles import Role
from tests.factories import IncidentFactory, LogExcerptFactory, UserFactory

pytestmark = pytest.mark.django_db


def _make_link(client, incident, **data) -> tuple[object, str]:
    response = client.post(f"/incidents/{incident.pk}/share/", {"days": 14, "note": "", **data})
    message = str(list(response.wsgi_request._messages)[-1])
    return response, re.search(r"http://testserver(/share/[^/]+/)", message).group(1)


@pytest.fixture
def shared(client_alice, seed, client):
    """The seed's VPS outage, shared; the link opened by a stranger (a fresh client)."""
    _, url = _make_link(client_alice, seed["vps"])
    client_alice.logout()
    return url


def test_an_editor_makes_a_link_that_expires_in_the_chosen_days(client_alice, seed):
    before = timezone.now()
    response, url = _make_link(client_alice, seed["vps"], days=3, note="onamae support #1234")
    assert response.status_code == 302 and response["Location"].endswith("#share")
    link = ShareLink.objects.get()
    assert link.incident == seed["vps"] and link.note == "onamae support #1234"
    assert before + timedelta(days=3) <= link.expires_at <= timezone.now() + timedelta(days=3)
    assert url.removeprefix("/share/").rstrip("/") not in link.token_sha256  # only the hash is kept
    page = client_alice.get(seed["vps"].get_absolute_url()).content.decode()
    assert "for onamae support #1234" in page and "Revoke" in page


def test_the_lifetime_defaults_to_14_days(client_alice, seed):
    page = client_alice.get(f"/incidents/{seed['vps'].pk}/share/").content.decode()
    assert 'name="days"' in page and 'value="14"' in page


@pytest.mark.parametrize("days", [0, -1, 366, "soon"])
def test_a_lifetime_out_of_range_is_a_422(client_alice, seed, days):
    response = client_alice.post(f"/incidents/{seed['vps'].pk}/share/", {"days": days})
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert ShareLink.objects.count() == 0


def test_the_shared_page_shows_the_incident_and_its_evidence(client, seed, shared):
    response = client.get(shared)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert seed["vps"].title in page
    assert "3h 01m" in page and "4h 21m" in page and "6h 53m" in page  # the totals
    assert '<figure class="timebar">' in page
    assert "cnode-a1104" in page  # the notice
    assert "Support contacts" in page and "Phone" in page
    assert "messages (FreeBSD syslog, JST)" in page and "19 lines: 16 parsed" in page  # the excerpt
    assert seed["cert"].title not in page


def test_the_shared_page_has_no_way_into_the_app_and_no_controls(client, seed, shared):
    page = client.get(shared).content.decode()
    for href in re.findall(r'(?:href|action|hx-\w+)="([^"]*)"', page):
        assert href.startswith((shared, "#", "?", "/static/", "https://", "http://")), href
    assert "<form" not in page and "<button" not in page and "<textarea" not in page
    assert "Sign out" not in page


def test_a_signed_in_editor_sees_no_controls_on_the_shared_page_either(client_alice, seed):
    _, url = _make_link(client_alice, seed["vps"])
    page = client_alice.get(url).content.decode()
    assert "/delete/" not in page and "Edit incident" not in page and "<form" not in page


def test_the_log_lines_and_the_download_go_through_the_share_url(client, seed, shared):
    excerpt = seed["vps"].log_excerpts.get()
    lines = client.get(f"{shared}logs/{excerpt.pk}/?line=3")
    assert lines.status_code == 200
    assert "syslogd: restart" in lines.content.decode()
    assert "Read again" not in lines.content.decode()
    download = client.get(f"{shared}logs/{excerpt.pk}/raw/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == excerpt.raw.open("rb").read()
    assert download["X-Content-SHA256"] == excerpt.sha256
    assert "no-store" in download["Cache-Control"]


def test_another_incidents_excerpt_is_not_reachable_through_the_link(client, seed, shared):
    other = LogExcerptFactory(incident=IncidentFactory())
    assert client.get(f"{shared}logs/{other.pk}/").status_code == 404
    assert client.get(f"{shared}logs/{other.pk}/raw/").status_code == 404


def test_an_expired_link_answers_404(client, seed, shared):
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(shared)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert seed["vps"].title not in response.content.decode()


def test_a_revoked_link_answers_404_everywhere(client_alice, seed):
    _, url = _make_link(client_alice, seed["vps"])
    link = ShareLink.objects.get()
    assert client_alice.post(f"/incidents/{seed['vps'].pk}/share/{link.pk}/revoke/").status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    excerpt = seed["vps"].log_excerpts.get()
    client_alice.logout()
    for path in (url, f"{url}logs/{excerpt.pk}/", f"{url}logs/{excerpt.pk}/raw/"):
        assert client_alice.get(path).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "../../incidents/1", "%00"])
def test_a_forged_token_answers_404(client, seed, token):
    assert client.get(f"/share/{token}/").status_code == 404


def test_a_viewer_cannot_make_or_revoke_links(client, client_alice, seed):
    _make_link(client_alice, seed["vps"])
    link = ShareLink.objects.get()
    client.force_login(UserFactory(role=Role.VIEWER))
    assert client.post(f"/incidents/{seed['vps'].pk}/share/", {"days": 14}).status_code == 403
    assert client.post(f"/incidents/{seed['vps'].pk}/share/{link.pk}/revoke/").status_code == 403
    assert ShareLink.objects.count() == 1 and ShareLink.objects.get().revoked_at is None


def test_a_link_is_revoked_only_through_its_own_incident(client_alice, seed):
    _make_link(client_alice, seed["vps"])
    link = ShareLink.objects.get()
    assert client_alice.post(f"/incidents/{seed['cert'].pk}/share/{link.pk}/revoke/").status_code == 404
    assert ShareLink.objects.get().revoked_at is None


def test_log_backed_events_link_their_lines_through_the_share_url(client_alice, client, seed):
    suggestion = seed["vps"].pending_suggestions()[0]
    assert client_alice.post(f"/incidents/{seed['vps'].pk}/suggestions/{suggestion.pk}/accept/").status_code == 302
    _, url = _make_link(client_alice, seed["vps"])
    client_alice.logout()
    page = client.get(url).content.decode()
    line = suggestion.line
    link = f"{url}logs/{line.excerpt_id}/?line={line.number}"
    assert f'href="{link}#L{line.number}"' in page
    assert line.text not in page  # a row's log lines are read when opened (here: the link)
    assert line.text in client.get(link).content.decode()


def test_the_shared_pages_only_answer_reads(client, seed, shared):
    excerpt = seed["vps"].log_excerpts.get()
    for path in (shared, f"{shared}logs/{excerpt.pk}/", f"{shared}logs/{excerpt.pk}/raw/"):
        assert client.post(path).status_code == 405
