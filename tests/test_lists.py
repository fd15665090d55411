"""Dashboard, incident list, provider and service pages."""

from datetime import UTC, datetime

import pytest

from journal.middleware import VIEWER_TZ_COOKIE
from journal.models import Incident
from tests.factories import EventFactory, IncidentFactory, ProviderFactory, ServiceFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db


def outage(service, start: datetime, minutes: int, **kwargs) -> Incident:
    incident = IncidentFactory(service=service, **kwargs)
    EventFactory(incident=incident, type="down", at=start)
    EventFactory(incident=incident, type="up", at=start.replace(minute=start.minute + minutes))
    return incident


def test_the_dashboard_puts_ongoing_incidents_first(client_alice, seed):
    ongoing = IncidentFactory(title="Mail bouncing right now", status=Incident.Status.OPEN)
    text = text_of(client_alice.get("/"))
    assert text.index("Ongoing") < text.index("Mail bouncing right now") < text.index("Recently resolved")
    assert text.index("Recently resolved") < text.index("VPS down twice while the host was overloaded")
    assert ongoing.get_absolute_url() in client_alice.get("/").content.decode()


def test_the_dashboard_shows_this_years_downtime_per_provider(client_alice, monkeypatch):
    service = ServiceFactory(provider__name="Hoster", time_zone="UTC")
    this_year = datetime.now(UTC).year
    outage(service, datetime(this_year, 1, 2, 10, 0, tzinfo=UTC), 45)
    outage(service, datetime(this_year - 1, 6, 1, 10, 0, tzinfo=UTC), 30)
    text = text_of(client_alice.get("/"))
    assert f"Downtime per provider in {this_year}" in text
    assert "Hoster 45m" in text


def test_an_empty_dashboard_says_what_to_do(client_alice):
    text = text_of(client_alice.get("/"))
    assert "Nothing is down that you know of." in text
    assert "No providers yet." in text


def test_the_incident_list_filters_by_provider_kind_status_and_year(client_alice, seed):
    listing = text_of(client_alice.get("/incidents/"))
    assert "VPS down twice" in listing and "Certificate refused" in listing
    only_defects = text_of(client_alice.get("/incidents/?kind=defect"))
    assert "Certificate refused" in only_defects and "VPS down twice" not in only_defects
    provider = seed["vps"].service.provider
    by_provider = text_of(client_alice.get(f"/incidents/?provider={provider.pk}"))
    assert "VPS down twice" in by_provider and "Certificate refused" not in by_provider
    assert "No incidents match" in text_of(client_alice.get("/incidents/?year=2013"))
    assert "VPS down twice" in text_of(client_alice.get("/incidents/?year=2012&status=resolved"))
    assert "No incidents match" in text_of(client_alice.get("/incidents/?status=open"))


def test_the_incident_list_shows_totals_per_row(client_alice, seed):
    text = text_of(client_alice.get("/incidents/"))
    assert "VPS down twice while the host was overloaded ongoing" not in text
    assert "VPS(KVM) Outage 3h 01m 6h 53m" in text


def test_the_incident_list_is_paginated_newest_first(client_alice):
    service = ServiceFactory(time_zone="UTC")
    for day in range(1, 28):
        EventFactory(
            incident=IncidentFactory(service=service, title=f"Day {day:02d}"), at=datetime(2024, 1, day, tzinfo=UTC)
        )
    first = text_of(client_alice.get("/incidents/"))
    assert "Day 27" in first and "Day 03" in first and "Day 02" not in first
    assert "Page 1 of 2 (27 incidents)" in first
    second = text_of(client_alice.get("/incidents/?page=2"))
    assert "Day 02" in second and "Day 01" in second and "Day 03" not in second


def test_a_bad_filter_says_so(client_alice):
    response = client_alice.get("/incidents/?year=abc")
    assert "Enter a whole number." in response.content.decode()


def test_the_provider_page_shows_services_history_and_downtime_per_year(client_alice, seed):
    provider = seed["vps"].service.provider
    text = text_of(client_alice.get(provider.get_absolute_url()))
    assert "VPS(KVM) trial host (FreeBSD), on cnode-a1104 Asia/Tokyo" in text
    assert "2012 3h 01m" in text
    assert "VPS down twice while the host was overloaded" in text


def test_the_service_page_splits_downtime_at_new_year_in_its_zone(client_alice):
    service = ServiceFactory(time_zone="Asia/Tokyo")
    incident = IncidentFactory(service=service)
    EventFactory(incident=incident, type="down", at=datetime(2012, 12, 31, 14, 30, tzinfo=UTC))  # 23:30 JST
    EventFactory(incident=incident, type="up", at=datetime(2012, 12, 31, 15, 20, tzinfo=UTC))  # 00:20 JST
    text = text_of(client_alice.get(service.get_absolute_url()))
    assert "2013 20m" in text and "2012 30m" in text


def test_the_provider_list_counts_services_and_incidents(client_alice, seed):
    ProviderFactory(name="Empty Hosting")
    text = text_of(client_alice.get("/providers/"))
    assert "お名前.com 1 1" in text and "Empty Hosting 0 0" in text


def test_choosing_a_time_zone_remembers_it_and_goes_back(client_alice, seed):
    url = seed["vps"].get_absolute_url()
    response = client_alice.post("/time-zone/", {"time_zone": "Asia/Tokyo", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert response.cookies[VIEWER_TZ_COOKIE].value == "Asia/Tokyo"
    assert "Times in Asia/Tokyo" in text_of(client_alice.get(url))


def test_an_unknown_time_zone_is_refused_and_an_outside_next_is_ignored(client_alice):
    response = client_alice.post("/time-zone/", {"time_zone": "Mars/Base", "next": "/"})
    assert response.status_code == 422
    assert "is not a time zone" in response.content.decode()
    response = client_alice.post("/time-zone/", {"time_zone": "UTC", "next": "https://evil.example/"})
    assert response["Location"] == "/"
