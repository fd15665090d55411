"""Property: the arithmetic, the time bar and the display filters take any aware datetime the
calendar holds (year 1 to 9999, any offset) without raising."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from journal import availability, downtime, timebar
from journal.templatetags.journal import stamp, when

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.one_of(
    st.tuples(st.datetimes(), offsets).map(lambda pair: pair[0].replace(tzinfo=pair[1])),
    st.sampled_from(
        [
            datetime(1, 1, 1, tzinfo=ZoneInfo("America/New_York")),
            datetime(9999, 12, 31, tzinfo=ZoneInfo("Asia/Tokyo")),
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ]
    ),
)
events = st.lists(st.tuples(moments, st.sampled_from(["down", "up", "degraded", "noticed"])), max_size=6)
ZONES = [ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Honolulu"), ZoneInfo("Asia/Tokyo"), UTC]
NOW = datetime(2026, 11, 26, tzinfo=UTC)


@given(events, st.one_of(st.none(), moments), st.sampled_from(ZONES))
@settings(max_examples=300, deadline=None)
def test_totals_by_year_months_and_the_bar_never_raise(events, until, zone):
    totals = downtime.totals(events, until)
    assert totals.observed >= downtime.ZERO
    assert all(downtime.FLOOR <= i.start <= i.end <= downtime.CEILING for i in totals.down)
    years = downtime.by_year(totals.down, zone)
    assert sum(years.values(), downtime.ZERO) == totals.observed
    availability.months(totals.down, [], zone, (2025, 11), (2026, 11), None, NOW, totals.down)
    bar = timebar.layout(totals.down, totals.degraded, None, [(at, "noticed", "n") for at, _ in events], [], zone)
    assert bar is None or bar.start <= bar.end
    totals.stale(NOW, timedelta(days=7))


@given(moments, st.sampled_from(ZONES))
def test_stamp_and_when_show_a_time_or_say_out_of_range(moment, zone):
    assert stamp(moment, zone) and stamp(moment)
    assert when(moment, "Y-m-d H:i")
