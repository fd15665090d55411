"""Time-bar ticks: placed at their real instants and labelled with the true local time, so a
DST change shows as a repeated or skipped hour; dates under the ticks of multi-day spans."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from journal import timebar
from journal.downtime import Interval

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = [ZoneInfo(z) for z in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "UTC")]


def bar(start: datetime, end: datetime, zone=BERLIN):
    return timebar.layout([Interval(start, end)], [], None, [], [], zone)


def test_autumn_night_in_berlin_repeats_two_oclock_and_ends_at_the_true_time():
    # 01:30 CEST to 03:04 CET: 2 h 34 min of real time, the 02:xx hour lived twice.
    b = bar(datetime(2025, 10, 25, 23, 30, tzinfo=UTC), datetime(2025, 10, 26, 2, 4, tzinfo=UTC))
    assert [t.text for t in b.ticks] == ["01:30 CEST", "02:00 CEST", "02:30 CEST", "02:00 CET", "02:30 CET", "03:00"]
    assert [t.at.strftime("%H:%M") for t in b.ticks] == ["23:30", "00:00", "00:30", "01:00", "01:30", "02:00"]
    steps = {round(b.ticks[i + 1].x - b.ticks[i].x, 2) for i in range(len(b.ticks) - 1)}
    assert len(steps) == 1  # half-hours of real time are evenly spaced, across the change too
    assert b.down[0].label == "Down 2025-10-26 01:30–2025-10-26 03:04 (2h 34m)"
    last = b.ticks[-1]
    assert last.x < b.down[0].x + b.down[0].width  # 03:00 is left of the bar's end at 03:04
    assert [(s.label, s.x) for s in b.shifts] == [("Clocks go back: 03:00 CEST becomes 02:00 CET", b.ticks[3].x)]


def test_spring_night_in_berlin_skips_two_oclock():
    b = bar(datetime(2025, 3, 30, 0, 10, tzinfo=UTC), datetime(2025, 3, 30, 2, 0, tzinfo=UTC))
    labels = [t.text for t in b.ticks]
    assert labels == ["01:15 CET", "01:30", "01:45 CET", "03:00 CEST", "03:15", "03:30", "03:45", "04:00"]
    assert not any(label.startswith("02:") for label in labels)
    assert b.shifts[0].label == "Clocks go forward: 02:00 CET becomes 03:00 CEST"


def test_no_zone_names_when_the_offset_does_not_change():
    b = bar(datetime(2012, 7, 19, 23, 0, tzinfo=UTC), datetime(2012, 7, 20, 3, 1, tzinfo=UTC), ZoneInfo("Asia/Tokyo"))
    assert all(t.zone_name == "" for t in b.ticks) and b.shifts == []
    assert [t.text for t in b.ticks][:2] == ["08:00", "09:00"]
    assert all(t.date == "" for t in b.ticks)  # one day: no dates


def test_a_multi_day_span_dates_its_ticks_at_local_midnight():
    b = bar(datetime(2012, 7, 19, 21, 0, tzinfo=UTC), datetime(2012, 7, 23, 4, 0, tzinfo=UTC), ZoneInfo("Asia/Tokyo"))
    assert [(t.text, t.date) for t in b.ticks] == [
        ("12:00", "2012-07-20"),
        ("00:00", "07-21"),
        ("12:00", ""),
        ("00:00", "07-22"),
        ("12:00", ""),
        ("00:00", "07-23"),
        ("12:00", ""),
    ]


def test_day_steps_fall_on_local_midnights_across_a_dst_change():
    b = bar(datetime(2025, 10, 20, tzinfo=UTC), datetime(2025, 11, 2, tzinfo=UTC))
    assert all(t.label == "00:00" for t in b.ticks)
    gaps = [b.ticks[i + 1].at - b.ticks[i].at for i in range(len(b.ticks) - 1)]
    assert sorted(set(gaps)) == [timedelta(days=2), timedelta(days=2, hours=1)]  # the one with 26 Oct has 25 h


spans = st.tuples(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=4000)),
)


@given(spans, st.sampled_from(ZONES))
@settings(max_examples=300, deadline=None)
def test_ticks_are_in_real_time_order_and_say_their_true_local_time(span, zone):
    start, length = span
    b = bar(start, start + length, zone)
    total = (b.end - b.start).total_seconds()
    assert 0 < len(b.ticks) <= timebar.MAX_TICKS + 1
    for tick in b.ticks:
        assert b.start < tick.at < b.end
        assert abs(tick.x - (tick.at - b.start).total_seconds() / total * 100) < 0.002  # to scale in real time
        local = tick.at.astimezone(zone)
        assert tick.label == f"{local:%H:%M}"
        assert tick.zone_name in ("", local.tzname())
    ats = [t.at for t in b.ticks]
    xs = [t.x for t in b.ticks]
    assert ats == sorted(set(ats)) and xs == sorted(xs)  # monotonic in real time
    offsets = {t.at.astimezone(zone).utcoffset() for t in b.ticks}
    assert (len(offsets) > 1) <= bool(b.shifts)  # an offset change between ticks is drawn
    for shift in b.shifts:
        assert 0 <= shift.x <= 100
