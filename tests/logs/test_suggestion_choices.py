"""Log suggestions beside the timeline: a suggestion near an event of its type already there
offers "use the log's time", "keep mine" and "keep both"; accept all never adds a
near-duplicate; concurrent accepts make one event."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from journal import demo
from journal.models import Incident, LogSuggestion, TimelineEvent
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def outage():
    """The seed's VPS outage with the user's own "down at 08:10" on the timeline (the log's
    first down is at 08:12:37), read in Tokyo time."""
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status=Incident.Status.RESOLVED)
    EventFactory(incident=incident, type="down", at=datetime(2012, 7, 20, 8, 10, tzinfo=JST), text="mine")
    return incident


@pytest.fixture
def seed_log(outage):
    return LogExcerptFactory(incident=outage, data=demo.FREEBSD_SYSLOG.encode())


@pytest.fixture
def client_jst(client_alice):
    client_alice.cookies["viewer_tz"] = "Asia/Tokyo"
    return client_alice


def url(incident, suggestion, action):
    return f"/incidents/{incident.pk}/suggestions/{suggestion.pk}/{action}/"


def first_down(excerpt):
    return excerpt.suggestions.get(line__number=1)


def downs(incident):
    return sorted((e.at.astimezone(JST).strftime("%H:%M:%S"), e.source) for e in incident.events.filter(type="down"))


def test_a_suggestion_near_an_event_of_its_type_says_so_and_offers_three_choices(client_jst, outage, seed_log):
    text = text_of(client_jst.get(outage.get_absolute_url()))
    assert "Matches your Down at 2012-07-20 08:10:00 (log says 2012-07-20 08:12:37" in text
    assert text.count("Matches your") == 1  # the other three have nothing near them
    assert text.count("Use the log's time") == 1 and text.count("Keep mine") == 1 and text.count("Keep both") == 1
    assert text.count("Accept Dismiss") == 3
    assert "1 suggestion matches an event already on your timeline" in text
    assert "Accept all 3" in text


def test_an_event_more_than_the_tolerance_away_is_no_match(outage, seed_log):
    EventFactory(incident=outage, type="up", at=datetime(2012, 7, 20, 8, 29, 18, tzinfo=JST))  # 10 min 1 s early
    EventFactory(incident=outage, type="down", at=datetime(2012, 7, 20, 8, 39, 19, tzinfo=JST))  # wrong type
    up = seed_log.suggestions.get(line__number=5)
    assert up.matching_event(list(outage.events.all())) is None
    assert LogSuggestion.MATCH_TOLERANCE.total_seconds() == 600


def test_use_the_logs_time_moves_my_event_and_links_it_to_the_line(client_jst, outage, seed_log):
    suggestion = first_down(seed_log)
    response = client_jst.post(url(outage, suggestion, "use-log-time"))
    assert response.status_code == 302 and response["Location"].endswith("#log-suggestions")
    assert downs(outage) == [("08:12:37", "person")]
    event = outage.events.get(type="down")
    assert (event.text, event.log_line.number) == ("mine", 1)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.event) == (LogSuggestion.Status.ACCEPTED, event)


def test_use_the_logs_time_with_htmx_swaps_the_evidence(client_jst, outage, seed_log):
    response = client_jst.post(url(outage, first_down(seed_log), "use-log-time"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Matches your" not in html
    assert "Log line 1 with its neighbours" in html
    assert "Accept all 3" in text_of(response)


def test_use_the_logs_time_when_nothing_matches_any_more_is_refused_with_the_reason(client_jst, outage, seed_log):
    outage.events.filter(type="down").delete()
    response = client_jst.post(url(outage, first_down(seed_log), "use-log-time"))
    assert response.status_code == 422
    assert "no down on the timeline is within 10 minutes of the log's time any more" in response.content.decode()
    assert first_down(seed_log).status == LogSuggestion.Status.PENDING


def test_keep_mine_dismisses_the_suggestion_and_leaves_my_event(client_jst, outage, seed_log):
    client_jst.post(url(outage, first_down(seed_log), "dismiss"))
    assert downs(outage) == [("08:10:00", "person")]
    assert first_down(seed_log).status == LogSuggestion.Status.DISMISSED


def test_keep_both_adds_the_logs_event_beside_mine(client_jst, outage, seed_log):
    client_jst.post(url(outage, first_down(seed_log), "accept"), headers=HX)
    assert downs(outage) == [("08:10:00", "person"), ("08:12:37", "log")]


def test_accept_all_skips_matched_suggestions_and_says_how_many(client_jst, outage, seed_log):
    response = client_jst.post(f"/incidents/{outage.pk}/suggestions/accept-all/", follow=True)
    text = text_of(response)
    assert "Accepted 3 suggested events. Skipped 1 that matches events already on your timeline" in text
    assert downs(outage) == [("08:10:00", "person"), ("09:59:18", "log")]
    assert outage.events.filter(type="up").count() == 2
    assert "Matches your Down at 2012-07-20 08:10:00" in text  # still waiting for a choice
    assert "<button>Accept all" not in response.content.decode()


def test_accept_all_gives_one_event_for_two_logs_of_the_same_reboot(client_jst, outage):
    outage.events.filter(type="down").delete()
    LogExcerptFactory(incident=outage, data=demo.FREEBSD_SYSLOG.encode())
    LogExcerptFactory(incident=outage, name="copy", data=demo.FREEBSD_SYSLOG.replace("08:39:19", "08:39:21").encode())
    assert LogSuggestion.objects.filter(status="pending").count() == 8
    response = client_jst.post(f"/incidents/{outage.pk}/suggestions/accept-all/", headers=HX)
    assert downs(outage) == [("08:12:37", "log"), ("09:59:18", "log")]
    ups = sorted(e.at.astimezone(JST).strftime("%H:%M:%S") for e in outage.events.filter(type="up"))
    assert ups == ["08:39:19", "12:33:10"]
    assert "4 suggestions match an event already on your timeline" in text_of(response)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test")
def test_concurrent_accepts_of_one_suggestion_make_one_event():
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    excerpt = LogExcerptFactory(incident=incident, data=demo.FREEBSD_SYSLOG.encode())
    suggestion = first_down(excerpt)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results = []

    def accept():
        try:
            copy = LogSuggestion.objects.select_related("excerpt__incident", "line").get(pk=suggestion.pk)
            barrier.wait()
            results.append(copy.accept())
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == threads_count
    assert sum(1 for event in results if event is not None) == 1
    assert TimelineEvent.objects.filter(incident=incident, source="log").count() == 1
    suggestion.refresh_from_db()
    assert suggestion.status == LogSuggestion.Status.ACCEPTED and suggestion.event is not None
