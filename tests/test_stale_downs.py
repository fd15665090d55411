"""A down with no up for longer than STALE_DOWN_AFTER_DAYS is flagged on the incident page, the
dashboard and the scorecard, and the scorecard says how much downtime such open stretches make;
a notice's claimed window ahead of now is shown as announced."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from journal import availability, downtime
from journal.models import Incident
from journal.scorecard import build, provider_for_scorecard
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, ServiceFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_totals_know_when_the_last_down_opened_and_whether_it_is_stale():
    events = [(T0, "down"), (T0 + timedelta(hours=1), "up"), (T0 + timedelta(days=1), "down")]
    totals = downtime.totals(events, until=T0 + timedelta(days=9))
    assert totals.open_since == T0 + timedelta(days=1)
    assert totals.stale(T0 + timedelta(days=9), timedelta(days=7))
    assert not totals.stale(T0 + timedelta(days=7), timedelta(days=7))  # exactly 6 days open
    closed = downtime.totals([*events, (T0 + timedelta(days=2), "up")], until=T0 + timedelta(days=9))
    assert closed.open_since is None and not closed.stale(T0 + timedelta(days=99), timedelta(days=7))
    degraded = downtime.totals([(T0, "degraded")], until=T0 + timedelta(days=30))
    assert degraded.open_since is None  # only a down with no up is "still down"


def test_a_month_says_how_much_of_its_downtime_comes_from_open_stretches():
    down = [downtime.Interval(datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 4, 10, tzinfo=UTC))]
    months = availability.months(down, [], UTC, (2024, 3), (2024, 4), None, datetime(2024, 4, 10, tzinfo=UTC), down)
    assert [(m.key, m.down, m.stale_down) for m in months] == [
        ("2024-03", timedelta(days=12), timedelta(days=12)),
        ("2024-04", timedelta(days=9), timedelta(days=9)),
    ]
    combined = availability.combined([months, months])
    assert combined[0].stale_down == timedelta(days=24)


@pytest.fixture
def open_down(db):
    """An ongoing outage, down for ten days with no up, of a UTC service rented since 2020."""
    service = ServiceFactory(provider__name="Hoster", time_zone="UTC", started_on=date(2020, 1, 1))
    incident = IncidentFactory(service=service, status=Incident.Status.OPEN, title="Disk array gone")
    EventFactory(incident=incident, type="down", at=timezone.now() - timedelta(days=10))
    return incident


def test_the_incident_page_flags_a_stale_open_down(client_alice, open_down):
    text = text_of(client_alice.get(open_down.get_absolute_url()))
    assert "Open down: no “up” since" in text and "over 7 days, so this total runs to now" in text


def test_the_flag_follows_the_setting(client_alice, open_down, settings):
    settings.STALE_DOWN_AFTER_DAYS = 30
    assert "Open down" not in text_of(client_alice.get(open_down.get_absolute_url()))
    assert "open down over" not in text_of(client_alice.get("/"))


def test_a_resolved_incident_is_not_flagged(client_alice, open_down):
    Incident.objects.filter(pk=open_down.pk).update(status=Incident.Status.RESOLVED)
    assert "Open down" not in text_of(client_alice.get(open_down.get_absolute_url()))


def test_the_dashboard_flags_it_among_the_ongoing(client_alice, open_down):
    text = text_of(client_alice.get("/"))
    assert "Disk array gone ongoing open down over 7 days" in text


def test_the_scorecard_says_how_much_downtime_open_downs_make(client_alice, open_down):
    now = timezone.now()
    card = build(provider_for_scorecard().get(pk=open_down.service.provider_id), now=now)
    assert card.stale == [open_down]
    assert timedelta(days=10) - timedelta(minutes=1) < card.stale_down <= timedelta(days=10, minutes=1)
    assert card.as_json()["stale_open_downs"] == 1
    text = text_of(client_alice.get(f"/providers/{open_down.service.provider_id}/scorecard/"))
    assert "10d 00h 00m of it from 1 open down with no “up” for over 7 days (running to now): Disk array gone" in text


def test_a_claimed_window_ahead_is_shown_as_announced(client_alice, open_down):
    ahead = timezone.now() + timedelta(days=30)
    NoticeFactory(incident=open_down, claimed_start=ahead, claimed_end=ahead + timedelta(hours=2))
    text = text_of(client_alice.get(open_down.get_absolute_url()))
    assert "(2h 00m) announced" in text


def test_the_notice_form_accepts_a_window_announced_ahead(client_alice, open_down):
    ahead = timezone.now() + timedelta(days=300)
    response = client_alice.post(
        f"/incidents/{open_down.pk}/notices/new/",
        {
            "notices-retrieved_at": f"{timezone.now() - timedelta(hours=1):%Y-%m-%dT%H:%M:%S}",
            "notices-raw_text": "Maintenance announced.",
            "notices-claimed_start": f"{ahead:%Y-%m-%dT%H:%M:%S}",
            "notices-claimed_end": f"{ahead + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}",
            "notices-zone": "UTC",
        },
    )
    assert response.status_code == 302
    assert open_down.notices.get().claimed_start == ahead.replace(microsecond=0)
