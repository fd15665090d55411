"""Pages sorted on ids alone (journal.paging): the incident list, the dashboard's latest
incidents and the provider and service pages show the rows the whole-row sort showed, in the
same order, in a fixed number of queries."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal import paging
from journal.filters import incidents_with_start
from journal.models import Incident
from journal.totals.models import IncidentTotals
from tests.factories import EventFactory, IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db
START = datetime(2024, 1, 1, tzinfo=UTC)


def journal(count: int, service=None) -> list[Incident]:
    """``count`` incidents, each started by a down a day after the previous one's; one in
    seven with no event at all (started when created)."""
    service = service or ServiceFactory(time_zone="UTC")
    made = []
    for n in range(count):
        incident = IncidentFactory(service=service, title=f"Incident {n:03d}")
        if n % 7:
            EventFactory(incident=incident, type="down", at=START + timedelta(days=n))
        made.append(incident)
    return made


def listed(html: str) -> list[str]:
    return re.findall(r">(Incident \d{3})</a>", html)


def whole_row_order(queryset) -> list[str]:
    return [incident.title for incident in queryset]


def test_every_page_of_the_list_holds_what_the_whole_row_sort_put_there(client_alice):
    journal(60)
    expected = whole_row_order(incidents_with_start())
    shown = []
    for number in (1, 2, 3):
        shown += listed(client_alice.get(f"/incidents/?page={number}").content.decode())
    assert shown == expected and len(shown) == 60
    # Newest first; those with no event started when they were created (today), before 2024.
    assert expected[:3] == ["Incident 056", "Incident 049", "Incident 042"]
    assert expected[9:11] == ["Incident 059", "Incident 058"]


def test_the_pages_read_the_stored_starts_and_a_missing_row_is_found_and_mended(client_alice):
    """Pages come off the stored starts' index, so an incident whose stored totals were lost
    (written around the app) is not listed until ``refresh_totals`` writes them again;
    ``refresh_totals --check`` names it."""
    incidents = journal(30)
    IncidentTotals.objects.filter(incident=incidents[3]).delete()
    assert "Incident 003" not in listed(client_alice.get("/incidents/").content.decode())
    with pytest.raises(CommandError):
        call_command("refresh_totals", "--check", stdout=io.StringIO())
    call_command("refresh_totals", stdout=io.StringIO())
    shown = listed(client_alice.get("/incidents/").content.decode())
    shown += listed(client_alice.get("/incidents/?page=2").content.decode())
    assert shown == whole_row_order(incidents_with_start()) and len(shown) == 30
    assert shown[-3] == "Incident 003"  # placed by its down again


def test_filters_and_pages_past_the_end_keep_their_rows(client_alice):
    mine = ServiceFactory(provider__name="Mine", time_zone="UTC")
    journal(30, mine)
    journal(5)
    page = client_alice.get(f"/incidents/?provider={mine.provider.pk}&page=99").content.decode()
    assert listed(page) == whole_row_order(incidents_with_start().filter(service=mine))[25:]
    assert "Page 2 of 2 (30 incidents)" in re.sub(r"\s+", " ", page)


def test_the_list_reads_a_fixed_number_of_queries_however_many_incidents(client_alice):
    journal(30)
    client_alice.get("/incidents/")
    with CaptureQueriesContext(connection) as few:
        client_alice.get("/incidents/?page=2")
    journal(40)
    with CaptureQueriesContext(connection) as more:
        client_alice.get("/incidents/?page=2")
    assert len(few) == len(more)
    ids_only = [q["sql"] for q in more if "LIMIT 25" in q["sql"]]
    assert len(ids_only) == 1 and '"journal_incident"."title"' not in ids_only[0]


def test_the_dashboard_lists_the_ten_latest_resolved_in_order(client_alice):
    journal(20)
    IncidentFactory(title="Incident 999", status=Incident.Status.OPEN)
    html = client_alice.get("/").content.decode()
    resolved = whole_row_order(incidents_with_start().filter(status=Incident.Status.RESOLVED))[:10]
    assert listed(html) == ["Incident 999", *resolved]


def test_provider_and_service_pages_page_the_same_way(client_alice):
    service = ServiceFactory(time_zone="UTC")
    journal(30, service)
    expected = whole_row_order(incidents_with_start().filter(service=service))
    for url in (service.get_absolute_url(), service.provider.get_absolute_url()):
        first = listed(client_alice.get(url).content.decode())
        second = listed(client_alice.get(f"{url}?page=2").content.decode())
        assert first + second == expected


def test_a_row_removed_between_the_two_reads_is_left_out():
    incidents = journal(3)
    ids = [i.pk for i in reversed(incidents)]
    incidents[1].delete()
    assert [i.title for i in paging.rows(incidents_with_start(), ids)] == ["Incident 002", "Incident 000"]
