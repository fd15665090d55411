"""CSV of incidents and of their events: filtered like the list page, UTF-8 with a BOM (so Excel
reads お名前.com), numbers as numbers, and text that a spreadsheet would run as a formula
defused with a leading apostrophe."""

import csv
import io
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.exports.csv_files import FORMULA_STARTS, cell
from journal.models import Incident, TimelineEvent
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _get(client, path):
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_incidents_csv_holds_the_list_pages_figures(client_alice, seed):
    response, body = _get(client_alice, "/incidents/incidents.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="incidents.csv"'
    rows = {row["uid"]: row for row in _rows(body)}
    vps = rows[str(seed["vps"].uid)]
    assert vps["provider"] == "お名前.com"
    assert vps["observed_down_seconds"] == str(3 * 3600 + 60)
    assert vps["observed_down"] == "3h 01m"
    assert vps["claimed_seconds"] == str(6 * 3600 + 53 * 60)
    assert vps["claimed_minus_observed_seconds"] == str((6 * 3600 + 53 * 60) - (3 * 3600 + 60))
    assert vps["started_utc"] == "2012-07-19T23:12:00Z"
    assert vps["started_local"] == "2012-07-20 08:12:00 JST"
    assert vps["first_down_utc"] == "2012-07-19T23:12:00Z"
    assert vps["last_up_utc"] == "2012-07-20T03:33:00Z"
    assert vps["events"] == "10"
    assert vps["url"] == f"http://testserver/incidents/{seed['vps'].pk}/"
    assert len(rows) == 2


def test_the_filters_are_the_list_pages(client_alice, seed):
    other = IncidentFactory(kind="maintenance", title="Planned")
    EventFactory(incident=other, at=datetime(2023, 5, 1, tzinfo=UTC))
    for query, expected in [
        ("?kind=defect", {seed["cert"].uid}),
        (f"?provider={seed['vps'].service.provider_id}", {seed["vps"].uid}),
        ("?year=2023", {other.uid}),
        ("?status=open", set()),
        ("?kind=outage&page=3", {seed["vps"].uid}),  # the page number is not a filter
    ]:
        _, body = _get(client_alice, f"/incidents/incidents.csv{query}")
        assert {row["uid"] for row in _rows(body)} == {str(u) for u in expected}, query
        list_page = client_alice.get(f"/incidents/{query}".replace("&page=3", "")).content.decode()
        for uid in expected:
            assert Incident.objects.get(uid=uid).title in list_page


def test_a_wrong_filter_is_refused_as_on_the_list_page(client_alice, seed):
    response = client_alice.get("/incidents/incidents.csv?year=abc")
    assert response.status_code == 400
    assert "year: Enter a whole number." in response.content.decode()


def test_events_csv_lists_each_event_of_the_filtered_incidents_in_time_order(client_alice, seed):
    _, body = _get(client_alice, f"/incidents/events.csv?provider={seed['vps'].service.provider_id}")
    rows = _rows(body)
    assert len(rows) == 10
    assert [row["type"] for row in rows[:2]] == ["down", "up"]
    assert rows[0]["at_utc"] == "2012-07-19T23:12:00Z"
    assert rows[0]["at_local"] == "2012-07-20 08:12:00 JST"
    assert rows[0]["incident_uid"] == str(seed["vps"].uid)
    assert [row["at_utc"] for row in rows] == sorted(row["at_utc"] for row in rows)


def test_formulas_in_typed_text_are_defused(client_alice):
    incident = IncidentFactory(title='=HYPERLINK("http://evil.example","x")', service__provider__name="+Provider")
    EventFactory(incident=incident, text="@SUM(A1:A9)")
    EventFactory(incident=incident, text="-2+3")
    EventFactory(incident=incident, text="\t=1+1")
    _, body = _get(client_alice, "/incidents/incidents.csv")
    row = _rows(body)[0]
    assert row["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["provider"] == "'+Provider"
    _, body = _get(client_alice, "/incidents/events.csv")
    assert sorted(row["text"] for row in _rows(body)) == sorted(["'-2+3", "'@SUM(A1:A9)", "'\t=1+1"])


@given(st.text(max_size=40))
def test_no_text_cell_starts_a_formula(text):
    value = cell(text)
    assert not str(value).startswith(FORMULA_STARTS)
    assert str(value).removeprefix("'") == text or str(value) == text


def test_numbers_stay_numbers():
    assert cell(-3600) == -3600
    assert cell(None) == ""


def test_a_viewer_may_download_and_queries_do_not_grow_with_incidents(client, django_assert_max_num_queries):
    client.force_login(UserFactory(username="vera", role="viewer"))
    for n in range(30):
        incident = IncidentFactory()
        EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, n, tzinfo=UTC))
        EventFactory(incident=incident, type="up", at=datetime(2024, 3, 1, 10, n, tzinfo=UTC))
        NoticeFactory(incident=incident)
    with django_assert_max_num_queries(10):
        _, body = _get(client, "/incidents/incidents.csv")
    assert len(_rows(body)) == 30
    assert {row["observed_down_seconds"] for row in _rows(body)} == {"3600"}
    with django_assert_max_num_queries(10):
        _, body = _get(client, "/incidents/events.csv")
    assert len(_rows(body)) == 60
    assert TimelineEvent.objects.count() == 60


def test_the_list_page_links_to_both_with_its_filters(client_alice, seed):
    html = client_alice.get("/incidents/?kind=outage").content.decode()
    assert 'href="/incidents/incidents.csv?kind=outage"' in html
    assert 'href="/incidents/events.csv?kind=outage"' in html
    assert 'href="/feeds/"' in html
