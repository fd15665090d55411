from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.downtime import (
    Interval,
    by_year,
    claimed_window,
    clip,
    format_duration,
    measure,
    reconcile,
    state_intervals,
    totals,
    union,
)

JST = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")


def jst(clock: str, day: int = 20) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime(2012, 7, day, hour, minute, tzinfo=JST)


SEED_EVENTS = [
    (jst("08:12"), "down"),
    (jst("08:39"), "up"),
    (jst("08:56"), "noticed"),
    (jst("09:59"), "down"),
    (jst("10:05"), "status_claimed"),
    (jst("12:33"), "up"),
]


def test_it_adds_up_the_seed_outage():
    result = totals(SEED_EVENTS, until=jst("12:33"), claimed=Interval(jst("06:07"), jst("13:00")))
    assert result.observed == timedelta(hours=3, minutes=1)
    assert result.span == timedelta(hours=4, minutes=21)
    assert result.claimed_duration == timedelta(hours=6, minutes=53)
    assert result.claimed_minus_observed == timedelta(hours=3, minutes=52)
    assert result.first_down == jst("08:12")
    assert result.last_up == jst("12:33")
    assert [(i.start, i.end) for i in result.down] == [(jst("08:12"), jst("08:39")), (jst("09:59"), jst("12:33"))]


def test_it_does_not_double_count_repeated_downs():
    events = [(jst("08:00"), "down"), (jst("08:10"), "down"), (jst("08:20"), "down"), (jst("09:00"), "up")]
    assert totals(events, until=None).observed == timedelta(hours=1)


def test_it_counts_degraded_apart_from_down():
    events = [(jst("08:00"), "down"), (jst("08:30"), "degraded"), (jst("09:30"), "up")]
    result = totals(events, until=None)
    assert result.observed == timedelta(minutes=30)
    assert result.degraded_time == timedelta(hours=1)
    assert result.span == timedelta(hours=1, minutes=30)
    assert result.last_up == jst("09:30")


def test_an_open_down_runs_to_until_and_has_no_last_up():
    result = totals([(jst("08:00"), "down")], until=jst("09:15"))
    assert result.observed == timedelta(hours=1, minutes=15)
    assert result.span == timedelta(hours=1, minutes=15)
    assert result.still_down is True
    assert result.last_up is None


def test_an_open_down_without_until_counts_nothing():
    assert state_intervals([(jst("08:00"), "down")], until=None).down == []


def test_an_up_before_any_down_is_ignored():
    events = [(jst("07:00"), "up"), (jst("08:00"), "down"), (jst("08:05"), "up")]
    result = totals(events, until=None)
    assert result.observed == timedelta(minutes=5)
    assert result.first_down == jst("08:00")


def test_no_down_means_zero_everything():
    result = totals([(jst("08:00"), "observation")], until=jst("09:00"))
    assert (result.observed, result.span, result.first_down, result.last_up) == (timedelta(0), timedelta(0), None, None)
    assert result.claimed_minus_observed is None


def test_events_are_sorted_by_time_whatever_order_they_come_in():
    assert totals(list(reversed(SEED_EVENTS)), until=None).observed == timedelta(hours=3, minutes=1)


def test_a_down_across_spring_forward_in_berlin_counts_real_time():
    # 2024-03-31: clocks jump from 02:00 CET to 03:00 CEST. 01:30 → 03:30 on the wall is one real hour.
    events = [
        (datetime(2024, 3, 31, 1, 30, tzinfo=BERLIN), "down"),
        (datetime(2024, 3, 31, 3, 30, tzinfo=BERLIN), "up"),
    ]
    assert totals(events, until=None).observed == timedelta(hours=1)


def test_a_down_across_fall_back_in_berlin_counts_real_time():
    # 2024-10-27: 02:30 happens twice. From the first 02:30 (CEST) to the second (CET) is one hour.
    first = datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN, fold=0)
    second = datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN, fold=1)
    assert totals([(first, "down"), (second, "up")], until=None).observed == timedelta(hours=1)
    assert totals(
        [(datetime(2024, 10, 27, 1, 0, tzinfo=BERLIN), "down"), (datetime(2024, 10, 27, 4, 0, tzinfo=BERLIN), "up")],
        until=None,
    ).observed == timedelta(hours=4)


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        totals([(datetime(2012, 7, 20, 8, 0), "down")], until=None)  # noqa: DTZ001


def test_an_interval_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Interval(jst("09:00"), jst("08:00"))


def test_claimed_window_is_the_latest_complete_claim():
    early = (jst("07:00"), jst("06:07"), jst("09:00"))
    later = (jst("14:00"), jst("06:07"), jst("13:00"))
    incomplete = (jst("15:00"), jst("06:00"), None)
    assert claimed_window([later, early, incomplete]) == Interval(jst("06:07"), jst("13:00"))
    assert claimed_window([incomplete]) is None
    assert claimed_window([]) is None


def test_by_year_splits_at_new_year_in_the_given_zone():
    # 2012-12-31 23:00 JST to 2013-01-01 01:00 JST: one hour in each year in Tokyo,
    # but entirely inside 2012 in UTC (14:00-16:00 UTC on Dec 31).
    interval = Interval(datetime(2012, 12, 31, 23, tzinfo=JST), datetime(2013, 1, 1, 1, tzinfo=JST))
    assert by_year([interval], JST) == {2012: timedelta(hours=1), 2013: timedelta(hours=1)}
    assert by_year([interval], UTC) == {2012: timedelta(hours=2)}
    assert by_year([], JST) == {}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (timedelta(0), "0m"),
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=27), "27m"),
        (timedelta(hours=3, minutes=1), "3h 01m"),
        (timedelta(hours=3, minutes=1, seconds=59), "3h 01m"),
        (timedelta(hours=24), "1d 00h 00m"),
        (timedelta(days=2, hours=3, minutes=5), "2d 03h 05m"),
        (timedelta(hours=-1, minutes=-5), "−1h 05m"),
        (10860, "3h 01m"),
        (None, "—"),
    ],
)
def test_format_duration(value, shown):
    assert format_duration(value) == shown


# ------------------------------------------------------------------ properties

BASE = datetime(2024, 1, 1, tzinfo=UTC)
minute_intervals = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, 120)).map(
        lambda p: Interval(BASE + timedelta(minutes=p[0]), BASE + timedelta(minutes=p[0] + p[1]))
    ),
    max_size=12,
)


def covered_minutes(intervals) -> set[int]:
    minutes = set()
    for i in intervals:
        start = int((i.start - BASE).total_seconds() // 60)
        end = int((i.end - BASE).total_seconds() // 60)
        minutes.update(range(start, end))
    return minutes


@given(minute_intervals)
def test_measure_equals_the_number_of_covered_minutes(intervals):
    assert measure(intervals) == timedelta(minutes=len(covered_minutes(intervals)))


@given(minute_intervals)
def test_union_is_sorted_disjoint_and_idempotent(intervals):
    merged = union(intervals)
    assert all(a.end < b.start for a, b in zip(merged, merged[1:], strict=False))
    assert union(merged) == merged
    assert covered_minutes(merged) == covered_minutes(intervals)


@given(minute_intervals, st.integers(0, 700), st.integers(0, 200))
def test_clip_keeps_only_what_is_inside_the_window(intervals, start, length):
    window_start, window_end = BASE + timedelta(minutes=start), BASE + timedelta(minutes=start + length)
    inside = covered_minutes(clip(intervals, window_start, window_end))
    assert inside == {m for m in covered_minutes(intervals) if start <= m < start + length}


events_strategy = st.lists(
    st.tuples(st.integers(0, 600), st.sampled_from(["down", "up", "degraded", "noticed", "action"])),
    max_size=15,
)


@given(events_strategy, st.integers(0, 700))
def test_state_walk_matches_a_minute_by_minute_simulation(raw_events, until_minute):
    events = [(BASE + timedelta(minutes=m), kind) for m, kind in raw_events]
    until = BASE + timedelta(minutes=until_minute)
    result = totals(events, until=until)
    # Simulate: the state in each minute is the last state change at or before it; the
    # state entered by the last real change runs on only until `until`.
    ordered = sorted(((m, k) for m, k in raw_events if k in ("down", "up", "degraded")), key=lambda e: e[0])
    changes, state = [], "up"
    for m, k in ordered:
        if k != state:
            changes.append((m, k))
            state = k
    last_change = changes[-1][0] if changes else -1
    down = degraded = 0
    for minute in range(0, 701):
        state = next((k for m, k in reversed(changes) if m <= minute), "up")
        if minute >= last_change and minute >= until_minute:
            break
        if state == "down":
            down += 1
        elif state == "degraded":
            degraded += 1
    assert result.observed == timedelta(minutes=down)
    assert result.degraded_time == timedelta(minutes=degraded)
    assert measure(result.down + result.degraded) == result.observed + result.degraded_time
    assert result.observed <= result.span or not result.down


def test_reconciling_the_seed_outage():
    totals_ = totals(SEED_EVENTS, until=jst("12:33"), claimed=Interval(jst("06:07"), jst("13:00")))
    result = reconcile(totals_, [(jst("10:05"), "稼働中"), (jst("08:50"), "稼働中")], first_notice=jst("13:30"))
    assert result.start_gap == timedelta(hours=2, minutes=5)
    assert result.end_gap == timedelta(minutes=27)
    assert result.outside == timedelta(0)
    assert result.false_statuses == [(jst("10:05"), "稼働中")]  # 08:50 was while up: not false
    assert result.notice_latency == timedelta(hours=5, minutes=18)


def test_downtime_outside_the_claimed_window_is_counted():
    totals_ = totals(SEED_EVENTS, until=None, claimed=Interval(jst("09:00"), jst("12:00")))
    result = reconcile(totals_, [], first_notice=None)
    assert result.outside == timedelta(minutes=27 + 33)  # 08:12-08:39 and 12:00-12:33
    assert result.end_gap == timedelta(minutes=-33)
    assert result.notice_latency is None


def test_without_a_claim_only_status_claims_are_reconciled():
    result = reconcile(totals(SEED_EVENTS, until=None), [(jst("10:05"), "running")], first_notice=None)
    assert (result.claimed, result.start_gap, result.end_gap, result.outside) == (None, None, None, timedelta(0))
    assert len(result.false_statuses) == 1
