"""Backfilling a timeline: the add form keeps the previous event's day, times are typed as
2012-07-20 08:12, 08:12 or 8:12:37, and "now", "+1 min" and a pasted log line fill "When".

The pasted lines are written for these tests after the shapes of real logs: FreeBSD syslog
(`Jul 20 08:12:37 host sshd[1205]: …`, as in the seed's excerpt), rsyslog's high-precision
prefix (`2024-03-05T14:20:09.123456+01:00 host prog: …`) and journalctl -o short-full."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.typed_times import TypedTimeError, read_typed
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, UserFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
DAY = date(2012, 7, 20)


@pytest.fixture
def incident():
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status="open")
    EventFactory(incident=incident, type="down", at=datetime(2012, 7, 19, 23, 12, tzinfo=UTC), text="went down")
    return incident


def _form(html: str) -> str:
    html = html[html.index('id="new-events"') :]
    return html[: html.index("</form>")]


def _value(form: str, name: str) -> str | None:
    m = re.search(rf'name="events-{name}"(?: [^>]*)? value="([^"]*)"', form) or re.search(
        rf'value="([^"]*)"[^>]* name="events-{name}"', form
    )
    return m.group(1) if m else None


def _post(client, incident, headers=None, **fields):
    data = {"events-zone": "Asia/Tokyo", "events-type": "observation", "events-source": "person", "events-text": ""}
    data.update({k if k == "fill" else f"events-{k}": v for k, v in fields.items()})
    return client.post(f"/incidents/{incident.pk}/events/new/", data, headers=headers or {})


# reading what was typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "wall"),
    [
        ("2012-07-20 08:12", datetime(2012, 7, 20, 8, 12)),
        ("2012-07-20T08:39:00", datetime(2012, 7, 20, 8, 39)),  # the browser's datetime-local form
        ("08:12", datetime(2012, 7, 20, 8, 12)),  # on the kept day
        ("8:12:37", datetime(2012, 7, 20, 8, 12, 37)),
        ("  9:59  ", datetime(2012, 7, 20, 9, 59)),
    ],
)
def test_typed_wall_clock_readings(typed, wall):
    assert read_typed(typed, DAY, "Asia/Tokyo").wall == wall


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("2012-07-20T08:12:37+09:00", datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC)),
        ("2012-07-20 08:12Z", datetime(2012, 7, 20, 8, 12, tzinfo=UTC)),
        # a FreeBSD syslog line: no zone, no year: read in the log's zone, the kept day's year
        (
            "Jul 20 08:12:37 cnode sshd[1205]: Received signal 15; terminating.",
            datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC),
        ),
        ("Jul 20 08:12:37", datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC)),  # its timestamp alone
        ("2024-03-05T14:20:09.5+01:00 web1 nginx[88]: start", datetime(2024, 3, 5, 13, 20, 9, 500000, tzinfo=UTC)),
        ("Tue 2024-03-05 14:20:09 JST web1 systemd[1]: Stopping", datetime(2024, 3, 5, 5, 20, 9, tzinfo=UTC)),
    ],
)
def test_pasted_timestamps_and_log_lines_are_moments(typed, moment):
    assert read_typed(typed, DAY, "Asia/Tokyo").moment == moment


def test_a_pasted_syslog_line_keeps_its_message():
    reading = read_typed("Jul 20 12:33:10 cnode syslogd: restart", DAY, "UTC")
    assert reading.moment == datetime(2012, 7, 20, 12, 33, 10, tzinfo=UTC)
    assert reading.message == "restart"


@pytest.mark.parametrize(
    ("typed", "day", "message"),
    [
        ("08:12", None, "A time alone needs the day"),
        ("25:00", DAY, "Enter a valid date/time."),
        ("2012-02-30 10:00", DAY, "Enter a valid date/time."),
        ("yesterday-ish", DAY, "Enter a valid date/time."),
        ("9" * 9000, DAY, "Enter a valid date/time."),
        ("2012-07-20T08:12+25:00", DAY, "Enter a valid date/time."),
        ("", DAY, "Type when it happened"),
    ],
)
def test_what_is_no_time_is_refused_with_a_message(typed, day, message):
    with pytest.raises(TypedTimeError, match=re.escape(message)):
        read_typed(typed, day, "UTC")


walls = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30)).map(
    lambda d: d.replace(microsecond=0)
)


@given(walls)
def test_any_typed_full_reading_round_trips(wall):
    assert read_typed(f"{wall:%Y-%m-%d %H:%M:%S}", None, "UTC").wall == wall
    assert read_typed(f"{wall:%Y-%m-%dT%H:%M}", None, "UTC").wall == wall.replace(second=0)


@given(walls, st.dates(min_value=date(1970, 1, 2), max_value=date(2099, 12, 30)))
def test_any_time_alone_lands_on_the_kept_day(wall, day):
    reading = read_typed(f"{wall.hour}:{wall:%M:%S}", day, "UTC")
    assert reading.wall == datetime.combine(day, wall.time())


@given(st.text(max_size=300))
def test_any_text_is_a_reading_or_a_clear_refusal(text):
    try:
        reading = read_typed(text, DAY, "Asia/Tokyo")
    except TypedTimeError as exc:
        assert str(exc)
    else:
        assert (reading.wall is None) != (reading.moment is None)
        assert reading.moment is None or reading.moment.tzinfo is not None


# the form ----------------------------------------------------------------------------------


def test_the_add_form_keeps_the_previous_events_day_and_clears_the_time(client_alice, incident):
    form = _form(client_alice.get(incident.get_absolute_url()).content.decode())
    assert _value(form, "day") == "2012-07-20"  # 23:12 UTC is the 20th in Tokyo
    assert _value(form, "at") is None  # no time offered: it is typed


def test_with_htmx_the_form_comes_back_with_the_day_kept_after_an_add(client_alice, incident):
    response = _post(client_alice, incident, HX, at="08:39", day="2012-07-20", type="up", text="booted")
    assert response.status_code == 200
    event = incident.events.get(type="up")
    assert event.at == datetime(2012, 7, 19, 23, 39, tzinfo=UTC)  # 08:39 Tokyo on the kept day
    form = _form(response.content.decode())
    assert _value(form, "day") == "2012-07-20"
    assert _value(form, "at") is None
    assert "Observed down 27m" in text_of(response)


def test_without_javascript_the_next_time_typed_alone_lands_on_the_previous_events_day(client_alice, incident):
    EventFactory(incident=incident, type="up", at=datetime(2012, 7, 21, 1, 0, tzinfo=UTC))  # 10:00 on the 21st
    page = client_alice.get(incident.get_absolute_url()).content.decode()
    assert _value(_form(page), "day") == "2012-07-21"
    response = _post(client_alice, incident, at="8:12:37", day=_value(_form(page), "day"))
    assert response.status_code == 302
    assert incident.events.order_by("-pk").first().at == datetime(2012, 7, 20, 23, 12, 37, tzinfo=UTC)


def test_a_full_reading_wins_over_the_kept_day(client_alice, incident):
    assert _post(client_alice, incident, at="2012-07-22 06:00", day="2012-07-20").status_code == 302
    assert incident.events.order_by("-pk").first().at == datetime(2012, 7, 21, 21, 0, tzinfo=UTC)


def test_a_pasted_log_line_is_saved_at_its_time_in_the_logs_zone(client_alice, incident):
    # The log was read in UTC although the service is in Tokyo: a pasted line of it is UTC too.
    LogExcerptFactory(incident=incident, data=b"Jul 19 23:10:00 cnode kernel: hello\n", time_zone="UTC")
    incident.log_excerpts.update(time_zone="UTC")
    response = _post(client_alice, incident, at="Jul 20 03:33:10 cnode syslogd: restart", day="2012-07-20", type="up")
    assert response.status_code == 302
    assert incident.events.get(type="up").at == datetime(2012, 7, 20, 3, 33, 10, tzinfo=UTC)


def test_a_wrong_time_is_refused_next_to_the_field_and_keeps_what_was_typed(client_alice, incident):
    response = _post(client_alice, incident, HX, at="half past eight", day="2012-07-20", text="kept text")
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#new-events"
    assert "Enter a valid date/time." in text_of(response)
    assert 'value="half past eight"' in response.content.decode()
    assert "kept text" in response.content.decode()
    assert incident.events.count() == 1


def test_a_time_alone_without_a_day_says_so(client_alice, incident):
    response = _post(client_alice, incident, at="08:12", day="")
    assert response.status_code == 422
    assert "A time alone needs the day" in text_of(response)


def test_a_pasted_time_ahead_of_now_is_refused(client_alice, incident):
    ahead = datetime.now(UTC) + timedelta(days=3)
    response = _post(client_alice, incident, at=f"{ahead:%Y-%m-%dT%H:%M:%S}Z", day="")
    assert response.status_code == 422
    assert "Later than now." in text_of(response)


# the fill buttons -------------------------------------------------------------------------


def test_now_fills_the_time_without_saving(client_alice, incident):
    before = datetime.now(UTC).replace(microsecond=0)
    response = _post(client_alice, incident, HX, fill="now", at="", day="2012-07-20", zone="UTC")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#new-events"
    filled = datetime.fromisoformat(_value(response.content.decode(), "at")).replace(tzinfo=UTC)
    assert before <= filled <= datetime.now(UTC)
    assert incident.events.count() == 1


def test_one_minute_after_the_previous_event(client_alice, incident):
    response = _post(client_alice, incident, fill="after_previous", at="", day="")
    html = response.content.decode()
    assert _value(html, "at") == "2012-07-20 08:13:00"  # 23:12 UTC + 1 min, in Tokyo
    assert _value(html, "day") == "2012-07-20"
    assert "One minute after the previous event (down)" in text_of(response)
    assert incident.events.count() == 1


def test_read_turns_a_pasted_line_into_the_time_and_the_text(client_alice, incident):
    response = _post(client_alice, incident, fill="read", at="Jul 20 12:33:10 cnode syslogd: restart", day="2012-07-20")
    html = response.content.decode()
    assert _value(html, "at") == "2012-07-20 12:33:10"
    assert re.search(r">\s*restart</textarea>", html)
    assert "Read from the pasted log line (rfc3164) in Asia/Tokyo" in text_of(response)
    assert incident.events.count() == 1


def test_read_says_when_nothing_could_be_read(client_alice, incident):
    response = _post(client_alice, incident, fill="read", at="no time here", day="2012-07-20")
    assert "Nothing read: Enter a valid date/time." in text_of(response)


def test_the_form_offers_the_buttons_and_the_keyboard_script(client_alice, incident):
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    form = _form(html)
    assert 'name="fill" value="now"' in form
    assert 'name="fill" value="after_previous"' in form
    assert 'name="fill" value="read"' in form
    assert "data-backfill" in form
    assert re.search(r'<script src="/static/js/backfill\.js" defer></script>', html)
    assert "<script>" not in html  # nothing inline (CSP)


def test_a_viewer_cannot_fill_or_add(client, incident):
    client.force_login(UserFactory(username="vera", role="viewer"))
    assert _post(client, incident, fill="now").status_code == 403
    assert _post(client, incident, at="2012-07-20 09:00").status_code == 403
    assert incident.events.count() == 1
