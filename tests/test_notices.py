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
