import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.middleware import VIEWER_TZ_COOKIE
from tests.factories import EventFactory, IncidentFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db


def test_the_seed_outage_page_shows_the_totals(client_alice, seed):
    response = client_alice.get(seed["vps"].get_absolute_url())
    text = text_of(response)
    assert "Observed down 3h 01m" in text
    assert "First down → last up 4h 21m" in text
    assert "Provider claimed 6h 53m" in text
    assert "Claimed − observed 3h 52m" in text


def test_the_totals_explain_themselves(client_alice, seed):
    client_alice.cookies[VIEWER_TZ_COOKIE] = "Asia/Tokyo"
    text = text_of(client_alice.get(seed["vps"].get_absolute_url()))
    assert "08:12:00–08:39:00 (27m)" in text
    assert "09:59:00–12:33:00 (2h 34m)" in text
    assert "2012-07-20 06:07 to 2012-07-20 13:00, from the latest notice" in text


def test_timeline_shows_viewer_time_and_service_time_side_by_side(client_alice, seed):
    text = text_of(client_alice.get(seed["vps"].get_absolute_url()))  # viewer zone: UTC (settings)
    assert "2012-07-19 23:12:00 2012-07-20 08:12:00 JST Down" in text
    client_alice.cookies[VIEWER_TZ_COOKIE] = "Europe/Berlin"
    text = text_of(client_alice.get(seed["vps"].get_absolute_url()))
    assert "2012-07-20 01:12:00 2012-07-20 08:12:00 JST Down" in text
    assert "Times in Europe/Berlin" in text


def test_the_page_shows_notice_verbatim_with_hash_contacts_and_logs(client_alice, seed):
    vps = seed["vps"]
    response = client_alice.get(vps.get_absolute_url())
    html = response.content.decode()
    notice = vps.notices.get()
    assert "発生日時 : 2012年07月20日(金) 06時07分頃" in html
    assert notice.sha256 in html
    assert "opened by provider" in text_of(response)
    assert "19 lines: 16 parsed, 3 unparsed (rfc3164 16)" in text_of(response)
    assert vps.log_excerpts.get().sha256 in html


def test_the_time_bar_draws_claimed_window_down_bars_and_markers(client_alice, seed):
    html = client_alice.get(seed["vps"].get_absolute_url()).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="down"') == 2
    assert svg.count('class="claimed"') == 1
    assert 'class="marker noticed"' in svg and 'class="marker status_claimed"' in svg
    assert svg.count('class="contact"') == 2
    assert "Down 2012-07-19 23:12–2012-07-19 23:39 (27m)" in svg


def test_user_text_is_escaped(client_alice):
    incident = IncidentFactory(title="<script>alert(1)</script>", notes="<img src=x onerror=alert(1)> **bold**")
    EventFactory(incident=incident, text="<b>not bold</b>")
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<strong>bold</strong>" in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html


def test_htmx_gets_only_the_evidence_partial_of_the_same_url(client_alice, seed):
    url = seed["vps"].get_absolute_url()
    response = client_alice.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="evidence">')
    assert "<html" not in html and "Observed down" in html
    assert "HX-Request" in response["Vary"]


def test_the_page_is_served_with_a_strict_csp_and_no_inline_script(client_alice, seed):
    response = client_alice.get(seed["vps"].get_absolute_url())
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


def test_query_count_does_not_grow_with_events(client_alice):
    incident = IncidentFactory()
    url = incident.get_absolute_url()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_alice.get(url).status_code == 200
        return len(ctx.captured_queries)

    EventFactory(incident=incident, type="down", at=datetime(2024, 1, 1, tzinfo=UTC))
    few = queries()
    for minute in range(1, 40):
        EventFactory(
            incident=incident, type="up" if minute % 2 else "down", at=datetime(2024, 1, 1, 0, minute, tzinfo=UTC)
        )
    assert queries() == few


def test_a_missing_incident_is_404(client_alice, db):
    assert client_alice.get("/incidents/999/").status_code == 404


def test_the_page_sets_claims_beside_observations(client_alice, seed):
    client_alice.cookies[VIEWER_TZ_COOKIE] = "Asia/Tokyo"
    text = text_of(client_alice.get(seed["vps"].get_absolute_url()))
    assert "the claim starts 2h 05m earlier" in text
    assert "the claim ends 27m later" in text
    assert "All observed downtime falls inside the claimed window." in text
    assert "At 2012-07-20 10:05:00, while the service was observed down: “Control panel shows status 稼働中" in text
    assert "The first notice was retrieved 5h 18m after the first observed down." in text
