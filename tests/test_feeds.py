"""Feed tokens and the feeds they open: iCalendar (RFC 5545) and Atom, of every incident or
one provider's, at secret-token URLs that need no session; a revoked token opens nothing."""

import hashlib
import re
from datetime import UTC, datetime

import feedparser
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from journal.exports import ical
from journal.exports.models import FeedToken
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return Client()  # no session (the ``client`` fixture is the one client_alice signs in)


def _make_token(client, name="phone calendar") -> str:
    response = client.post("/feeds/tokens/", {"name": name})
    assert response.status_code == 201
    m = re.search(r"http://testserver/feeds/([A-Za-z0-9_-]{43})/incidents\.ics", response.content.decode())
    return m.group(1)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    return text.replace("\r\n ", "").split("\r\n")


def _events(lines: list[str]) -> list[dict]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


# tokens -------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(client_alice, alice):
    secret = _make_token(client_alice)
    token = FeedToken.objects.get(user=alice)
    assert token.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert token.name == "phone calendar"
    page = client_alice.get("/feeds/").content.decode()
    assert secret not in page
    assert "phone calendar" in page


def test_a_feed_opens_without_a_session_and_a_revoked_token_is_404(client_alice, anon, seed, alice):
    secret = _make_token(client_alice)
    response = anon.get(f"/feeds/{secret}/incidents.ics")  # anonymous anon
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert anon.get(f"/feeds/{secret}/incidents.atom").status_code == 200
    token = FeedToken.objects.get(user=alice)
    assert token.last_used_at is not None
    assert client_alice.post(f"/feeds/tokens/{token.pk}/revoke/").status_code == 200
    for path in ("incidents.ics", "incidents.atom", f"providers/{seed['vps'].service.provider_id}.ics"):
        assert anon.get(f"/feeds/{secret}/{path}").status_code == 404
    assert "revoked" in client_alice.get("/feeds/").content.decode()


@pytest.mark.parametrize("secret", ["x", "A" * 43, "A" * 5000, "%00"])
def test_an_unknown_token_is_404(client, db, secret):
    assert client.get(f"/feeds/{secret}/incidents.ics").status_code == 404
    assert client.get(f"/feeds/{secret}/incidents.atom").status_code == 404


def test_a_deactivated_accounts_tokens_open_nothing(client_alice, anon, alice):
    secret = _make_token(client_alice)
    alice.is_active = False
    alice.save()
    assert anon.get(f"/feeds/{secret}/incidents.ics").status_code == 404


def test_viewers_make_and_revoke_their_own_tokens_only(anon, client_alice, alice):
    client = anon
    client.force_login(UserFactory(username="vera", role="viewer"))
    secret = _make_token(client, "reader")
    assert client.get(f"/feeds/{secret}/incidents.atom").status_code == 200
    _make_token(client_alice)
    alices = FeedToken.objects.get(user=alice)
    assert client.post(f"/feeds/tokens/{alices.pk}/revoke/").status_code == 404
    alices.refresh_from_db()
    assert alices.revoked_at is None
    assert "phone calendar" not in client.get("/feeds/").content.decode()


def test_a_feed_cannot_be_posted_to(client_alice, anon):
    secret = _make_token(client_alice)
    assert anon.post(f"/feeds/{secret}/incidents.ics").status_code == 405


def test_a_token_name_with_a_nul_is_refused(client_alice):
    response = client_alice.post("/feeds/tokens/", {"name": "a\x00b"})
    assert response.status_code == 422
    assert FeedToken.objects.count() == 0


# iCalendar ----------------------------------------------------------------------------------


def test_the_calendar_holds_one_event_per_incident_from_first_down_to_last_up(client_alice, anon, seed):
    secret = _make_token(client_alice)
    text = _body(anon.get(f"/feeds/{secret}/incidents.ics")).decode()
    lines = unfold(text)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ical.PRODID}"]
    assert lines[-2:] == ["END:VCALENDAR", ""]
    events = {e["UID"]: e for e in _events(lines)}
    vps = events[f"{seed['vps'].uid}@incident-journal"]
    assert vps["DTSTART"] == "20120719T231200Z"  # first down, 08:12 JST
    assert vps["DTEND"] == "20120720T033300Z"  # last up, 12:33 JST
    assert re.fullmatch(r"\d{8}T\d{6}Z", vps["DTSTAMP"])
    assert vps["LAST-MODIFIED"] == ical.stamp(seed["vps"].updated_at)
    assert vps["SUMMARY"] == "VPS down twice while the host was overloaded — お名前.com › VPS(KVM)"
    assert "Observed down: 3h 01m.\\nProvider claimed: 6h 53m." in vps["DESCRIPTION"]
    assert vps["DESCRIPTION"].startswith("Outage\\, resolved.")
    cert = events[f"{seed['cert'].uid}@incident-journal"]
    assert (cert["DTSTART"], cert["DTEND"]) == ("20120719T075310Z", "20120719T084500Z")  # started → resolved
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75


def test_a_providers_calendar_holds_only_its_incidents(client_alice, anon, seed):
    secret = _make_token(client_alice)
    provider = seed["cert"].service.provider_id
    events = _events(unfold(_body(anon.get(f"/feeds/{secret}/providers/{provider}.ics")).decode()))
    assert [e["UID"] for e in events] == [f"{seed['cert'].uid}@incident-journal"]
    assert anon.get(f"/feeds/{secret}/providers/999999.ics").status_code == 404


def test_an_open_incident_still_down_runs_to_now():
    incident = IncidentFactory(status="open")
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, tzinfo=UTC))
    now = datetime(2024, 3, 1, 12, tzinfo=UTC)
    assert ical.span(incident, now) == (datetime(2024, 3, 1, 9, tzinfo=UTC), now)


@given(st.text(max_size=200))
def test_any_text_escapes_and_folds_to_lines_a_reader_unfolds_back(text):
    line = f"SUMMARY:{ical.escape_text(text)}"
    folded = ical.fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    unfolded = folded.replace("\r\n ", "")
    assert unfolded == line
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", unfolded)
    expected = re.sub(r"\r\n|[\r\n\x85\u2028\u2029]", "\n", text)
    assert _unescape(unfolded.removeprefix("SUMMARY:")) == re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", expected)


def _unescape(value: str) -> str:
    """TEXT back to the string (RFC 5545 3.3.11); a bare ; or , is a separator, not text."""
    out, chars = [], iter(value)
    for char in chars:
        assert char not in ";,", value
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def test_text_escaping_follows_rfc_5545():
    assert ical.escape_text("a;b,c\\d\ne\r\nf") == "a\\;b\\,c\\\\d\\ne\\nf"


# Atom ---------------------------------------------------------------------------------------


def test_the_atom_feed_parses_and_carries_the_totals(client_alice, anon, seed):
    secret = _make_token(client_alice)
    response = anon.get(f"/feeds/{secret}/incidents.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.version == "atom10"
    assert feed.feed.title == "Incidents · Incident journal"
    entries = {e.id: e for e in feed.entries}
    vps = entries[f"urn:uuid:{seed['vps'].uid}"]
    assert vps.title == "VPS down twice while the host was overloaded — お名前.com › VPS(KVM)"
    assert "Observed down: 3h 01m. Provider claimed: 6h 53m. Claimed − observed: 3h 52m." in vps.summary
    assert vps.link == f"http://testserver/incidents/{seed['vps'].pk}/"
    assert vps.published == "2012-07-19T23:12:00+00:00"


def test_a_providers_atom_feed_and_user_text_in_it(client_alice, anon, seed):
    incident = IncidentFactory(title="<script>alert(1)</script> & co", service__provider__name="Evil <b>")
    EventFactory(incident=incident)
    NoticeFactory(incident=incident)
    secret = _make_token(client_alice)
    response = anon.get(f"/feeds/{secret}/providers/{incident.service.provider_id}.atom")
    assert b"<script>" not in response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title == "Incidents at Evil <b> · Incident journal"
    assert [e.title for e in feed.entries] == ["<script>alert(1)</script> & co — Evil <b> › " + incident.service.name]


def test_feeds_take_a_fixed_number_of_queries(client_alice, anon, django_assert_max_num_queries):
    secret = _make_token(client_alice)
    for n in range(25):
        incident = IncidentFactory()
        EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, n, tzinfo=UTC))
        EventFactory(incident=incident, type="up", at=datetime(2024, 3, 1, 10, n, tzinfo=UTC))
    with django_assert_max_num_queries(8):
        events = _events(unfold(_body(anon.get(f"/feeds/{secret}/incidents.ics")).decode()))
    assert len(events) == 25
    assert {e["DTEND"][:11] for e in events} == {"20240301T10"}
    with django_assert_max_num_queries(8):
        assert len(feedparser.parse(anon.get(f"/feeds/{secret}/incidents.atom").content).entries) == 25
