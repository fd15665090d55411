"""Reading what a provider's notice claims."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from journal import demo
from journal.notices import parse_notice

JST = ZoneInfo("Asia/Tokyo")


def test_the_seed_notice_claims_0607_to_1300_jst_approximately():
    claim = parse_notice(demo.ONAMAE_NOTICE, "Asia/Tokyo")
    assert claim.start == datetime(2012, 7, 20, 6, 7, tzinfo=JST)
    assert claim.end == datetime(2012, 7, 20, 13, 0, tzinfo=JST)
    assert claim.end - claim.start == timedelta(hours=6, minutes=53)
    assert claim.approximate is True
    assert claim.target == "VPS(KVM)ご利用の一部のお客様(cnode-a1104)"
    assert claim.cause.startswith(
        "収容サーバの高負荷により、VPSに接続ができない障害が発生いたしました。本障害の復旧作業"
    )


@pytest.mark.parametrize(
    ("text", "zone", "year", "start", "end", "approximate"),
    [
        (
            "障害発生日時：2024/03/01 06:07\n復旧日時：2024/03/01 09:30",
            "Asia/Tokyo",
            None,
            datetime(2024, 3, 1, 6, 7, tzinfo=JST),
            datetime(2024, 3, 1, 9, 30, tzinfo=JST),
            False,
        ),
        (
            "■発生日時　：　２０２４年３月１日（金）　６時０７分頃\n"
            "■復旧日時　：　２０２４年３月１日（金）　９時３０分頃",
            "Asia/Tokyo",
            None,
            datetime(2024, 3, 1, 6, 7, tzinfo=JST),
            datetime(2024, 3, 1, 9, 30, tzinfo=JST),
            True,
        ),
        (
            "発生日時: 7月20日 午後1時30分頃\n復旧日時: 7月20日 午後3時",
            "Asia/Tokyo",
            2012,
            datetime(2012, 7, 20, 13, 30, tzinfo=JST),
            datetime(2012, 7, 20, 15, 0, tzinfo=JST),
            True,
        ),
        (
            "発生日時: 令和6年3月1日 午前0時15分\n復旧日時: 同日 2時",
            "Asia/Tokyo",
            None,
            datetime(2024, 3, 1, 0, 15, tzinfo=JST),
            datetime(2024, 3, 1, 2, 0, tzinfo=JST),
            False,
        ),
        (
            "発生日時: 平成24年7月20日 6時7分\n復旧日時: 平成24年7月20日 13時",
            "Asia/Tokyo",
            None,
            datetime(2012, 7, 20, 6, 7, tzinfo=JST),
            datetime(2012, 7, 20, 13, 0, tzinfo=JST),
            False,
        ),
        (
            "メンテナンス期間: 2012/07/20 23:00 ～ 01:30",
            "Asia/Tokyo",
            None,
            datetime(2012, 7, 20, 23, 0, tzinfo=JST),
            datetime(2012, 7, 21, 1, 30, tzinfo=JST),
            False,
        ),
        (
            "We experienced an outage on July 20, 2012 between 10:07 PM and 11:45 PM PDT.",
            "UTC",
            None,
            datetime(2012, 7, 21, 5, 7, tzinfo=UTC),
            datetime(2012, 7, 21, 6, 45, tzinfo=UTC),
            False,
        ),
        (
            "Start: 2012-07-20 06:07 UTC\nEnd: 2012-07-20 13:00 UTC\nCause: power failure in rack 4",
            "Asia/Tokyo",
            None,
            datetime(2012, 7, 20, 6, 7, tzinfo=UTC),
            datetime(2012, 7, 20, 13, 0, tzinfo=UTC),
            False,
        ),
        (
            "Resolved: Users could not log in from approximately July 20, 2012 06:07 JST to July 20, 2012 13:00 JST.",
            "UTC",
            None,
            datetime(2012, 7, 20, 6, 7, tzinfo=JST),
            datetime(2012, 7, 20, 13, 0, tzinfo=JST),
            True,
        ),
        (
            "On 20 July 2012 the service was unavailable from 6:07am to 1:00pm.",
            "Europe/London",
            None,
            datetime(2012, 7, 20, 6, 7, tzinfo=ZoneInfo("Europe/London")),
            datetime(2012, 7, 20, 13, 0, tzinfo=ZoneInfo("Europe/London")),
            False,
        ),
        (
            "Between 22:00 and 23:30 UTC+9 on 2024-03-01, API requests failed.",
            "UTC",
            None,
            datetime(2024, 3, 1, 22, 0, tzinfo=timezone(timedelta(hours=9))),
            datetime(2024, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=9))),
            False,
        ),
    ],
)
def test_notices_in_both_languages(text, zone, year, start, end, approximate):
    claim = parse_notice(text, zone, year)
    assert (claim.start, claim.end, claim.approximate) == (start, end, approximate)


def test_a_started_but_not_yet_resolved_notice_gives_only_a_start():
    claim = parse_notice("発生日時: 2012年07月20日 06時07分\n復旧日時: 調査中", "Asia/Tokyo")
    assert claim.start == datetime(2012, 7, 20, 6, 7, tzinfo=JST)
    assert claim.end is None


@pytest.mark.parametrize(
    "text",
    [
        "We are investigating reports of slowness. Next update in 30 minutes.",
        "現在、原因を調査しております。",
        "",
        "Maintenance completed. Thank you for your patience. Version 10.5 is now live.",
    ],
)
def test_notices_without_a_window_are_not_given_one(text):
    claim = parse_notice(text, "UTC", 2024)
    assert (claim.start, claim.end) == (None, None)


def test_a_time_without_a_date_anywhere_is_not_guessed():
    assert parse_notice("Between 10:07 PM and 11:45 PM PDT, logins failed.", "UTC").start is None


NOW = datetime(2026, 11, 26, tzinfo=UTC)


def read(text, zone="UTC", year=None):
    return parse_notice(text, zone, year, now=NOW)


def test_approximately_marks_a_time_not_a_share_of_customers():
    claim = read("Between 10:00 and 11:30 UTC on 2024-03-05, approximately 75% of customers saw errors.")
    assert (claim.start, claim.end) == (
        datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
        datetime(2024, 3, 5, 11, 30, tzinfo=UTC),
    )
    assert claim.approximate is False
    assert read("From approximately 10:00 to 11:30 UTC on 2024-03-05, logins failed.").approximate is True


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("発生日時: 2024年3月5日 午後 3時頃\n復旧日時: 2024年3月5日 午後4時", (15, 0), (16, 0)),
        ("発生日時: 2024年3月5日 PM3:00頃\n復旧日時: 2024年3月5日 3:40 PM", (15, 0), (15, 40)),
        ("発生日時: 2024年3月5日 午前12時10分\n復旧日時: 2024年3月5日 AM 1:05", (0, 10), (1, 5)),
    ],
)
def test_am_and_pm_before_or_after_the_time(text, start, end):
    claim = read(text, "Asia/Tokyo")
    assert (claim.start.astimezone(JST).timetuple()[3:5], claim.end.astimezone(JST).timetuple()[3:5]) == (start, end)


@pytest.mark.parametrize(
    ("text", "length", "approximate"),
    [
        ("障害発生日時: 2024年3月5日 10時00分から約2時間", timedelta(hours=2), True),
        ("作業日時: 2024年3月5日 10時00分～ 2時間30分程度", timedelta(hours=2, minutes=30), True),
        ("March 5 10:00 UTC (lasting 1 hour and 26 minutes)", timedelta(hours=1, minutes=26), False),
        ("March 5 10:00 UTC (lasting 97 minutes)", timedelta(minutes=97), False),
    ],
)
def test_a_duration_gives_the_end_from_the_start(text, length, approximate):
    claim = read(text, "Asia/Tokyo", 2024)
    assert claim.end - claim.start == length
    assert claim.approximate is approximate


def test_a_year_less_end_in_january_is_in_the_next_year():
    claim = read("メンテナンス期間: 12月31日 23時00分 ～ 1月1日 2時00分", "Asia/Tokyo", 2024)
    assert (claim.start, claim.end) == (datetime(2024, 12, 31, 23, tzinfo=JST), datetime(2025, 1, 1, 2, tzinfo=JST))


def test_a_later_maintenance_window_is_kept_but_never_taken_for_the_incident():
    claim = read(
        "Router incident\nOutage window: 2024-03-05 10:00 - 10:40 UTC\n"
        "We will upgrade the routers in a maintenance window from 2024-03-09 01:00 to 2024-03-09 03:00 UTC."
    )
    assert (claim.chosen.kind, claim.start) == ("incident", datetime(2024, 3, 5, 10, tzinfo=UTC))
    assert [w.kind for w in claim.windows] == ["incident", "maintenance"]
    assert claim.windows[1].start == datetime(2024, 3, 9, 1, tzinfo=UTC)


def test_status_updates_are_kept_with_their_posted_time_and_give_a_window():
    claim = read(
        "Resolved - Fixed.\nPosted Mar 05, 2024 - 11:02 UTC\n"
        "Identified - Found it.\nPosted Mar 05, 2024 - 10:31 UTC\n"
        "Investigating - Looking.\nPosted Mar 05, 2024 - 10:05 UTC\n"
    )
    assert [(u.status, u.posted.strftime("%H:%M")) for u in claim.updates] == [
        ("Resolved", "11:02"), ("Identified", "10:31"), ("Investigating", "10:05")
    ]  # fmt: skip
    assert (claim.chosen.kind, claim.start.hour, claim.start.minute, claim.end.minute) == ("update-history", 10, 5, 2)


def test_several_incident_windows_make_the_reader_unsure_and_all_are_kept():
    claim = read("Timeline of 2024-08-09 (UTC)\n09:55 - 10:11: total outage\n11:05 - 11:15: second wave", "UTC")
    assert claim.unsure and claim.confidence == "low"
    assert [(w.start.hour, w.start.minute) for w in claim.windows] == [(9, 55), (11, 5)]
    assert "2 windows are written: pick the one the provider claims" in claim.reasons


@pytest.mark.parametrize(
    "text",
    [
        "発生日時: 9999年12月31日 23時59分\n復旧日時: 0001年1月1日 0時00分",
        "Start: 0001-01-01 00:00 UTC\nEnd: 9999-12-31 23:59 UTC",
        "発生日時: 1969年12月31日 23時59分",
        "Start: 2029-12-31 23:59 UTC-12:00",
    ],
)
def test_dates_out_of_range_are_ignored_with_a_reason(text):
    claim = read(text, "Pacific/Kiritimati")
    assert (claim.start, claim.end) == (None, None)
    assert any("outside" in reason for reason in claim.reasons)


def test_an_announced_maintenance_window_may_lie_ahead():
    claim = read("Maintenance window: 2027-02-10 01:00 - 03:00 UTC")
    assert (claim.chosen.kind, claim.start) == ("maintenance", datetime(2027, 2, 10, 1, tzinfo=UTC))


def test_a_time_the_zone_skipped_is_flagged_like_the_event_forms_do():
    claim = read("Start: 2024-03-31 02:30\nEnd: 2024-03-31 04:00", "Europe/Berlin")
    assert claim.unsure
    assert "2024-03-31 02:30 does not exist in Europe/Berlin (the clocks skipped it)" in claim.reasons


def test_a_time_the_zone_showed_twice_is_flagged():
    claim = read("Start: 2024-10-27 02:30\nEnd: 2024-10-27 04:00", "Europe/Berlin")
    assert "2024-10-27 02:30 happened twice in Europe/Berlin (the clocks went back); read as the first" in claim.reasons
    assert claim.start.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # CEST, before the change


def test_an_abbreviation_not_in_use_on_that_date_is_flagged():
    claim = read("Start: 2024-03-31 02:30 CEST\nEnd: 2024-03-31 04:00 CEST")
    assert claim.start == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    assert "2024-03-31 02:30 CEST: Europe/Berlin was not on CEST then; check the time" in claim.reasons
    assert not read("Start: 2024-07-01 02:30 CEST\nEnd: 2024-07-01 04:00 CEST").unsure


@pytest.mark.parametrize(
    ("written", "offset"),
    [
        ("GMT+2", 2),
        ("UTC+9", 9),
        ("UTC-05:00", -5),
        ("JST", 9),
        ("PDT", -7),
        ("EST", -5),
        ("(UTC+5:30)", 5.5),
        ("ET", -5),
        ("PT", -8),
    ],  # fmt: skip
)
def test_explicit_offsets_and_abbreviations(written, offset):
    claim = read(f"Start: 2024-01-15 10:00 {written}\nEnd: 2024-01-15 11:00 {written}", "Asia/Tokyo")
    assert claim.start == datetime(2024, 1, 15, 10, tzinfo=timezone(timedelta(hours=offset)))


def test_a_symptom_is_not_read_as_the_cause():
    claim = read("発生日時: 2024年5月1日 22時40分\n障害内容: Webサーバーへのアクセスができない状態", "Asia/Tokyo")
    assert claim.cause == ""
    assert read("発生日時: 2024年5月1日 22時40分\n発生原因: 電源設備の故障", "Asia/Tokyo").cause == "電源設備の故障"


def test_us_eastern_time_follows_the_zones_own_rules():
    claim = read("Starting at 3:15pm ET on May 1, 2024, logins failed. Service was restored at 4:05pm ET.")
    assert (claim.start, claim.end) == (
        datetime(2024, 5, 1, 19, 15, tzinfo=UTC),
        datetime(2024, 5, 1, 20, 5, tzinfo=UTC),
    )


@pytest.mark.parametrize("abbreviation", ["CST", "IST"])
def test_an_abbreviation_other_places_use_for_another_offset_is_flagged(abbreviation):
    claim = read(f"Start: 2024-01-15 10:00 {abbreviation}\nEnd: 2024-01-15 11:00 {abbreviation}")
    assert claim.unsure
    assert any(reason.startswith(f"{abbreviation} is read as") for reason in claim.reasons)
