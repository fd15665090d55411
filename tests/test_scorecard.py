"""Availability, support hours, SLA terms and the provider scorecard, on hand-checked journals."""

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal import availability, hours, sla
from journal.downtime import Interval
from journal.models import Incident, SupportChannel
from journal.scorecard import build, provider_for_scorecard
from tests.factories import EventFactory, IncidentFactory, NoticeFactory, ServiceFactory, SupportContactFactory
from tests.helpers import text_of

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------ availability (pure)


def test_a_month_with_the_spring_dst_change_is_an_hour_short():
    march = availability.months([], [], BERLIN, (2024, 3), (2024, 3), None, NOW)[0]
    assert march.measured == timedelta(days=31) - timedelta(hours=1)
    assert march.availability == 100


def test_availability_in_a_dst_month_uses_real_time():
    down = [Interval(datetime(2024, 10, 27, 1, 30, tzinfo=BERLIN), datetime(2024, 10, 27, 3, 30, tzinfo=BERLIN))]
    october = availability.months(down, [], BERLIN, (2024, 10), (2024, 10), None, NOW)[0]
    assert october.down == timedelta(hours=3)  # 01:30 CEST → 03:30 CET crosses the repeated hour
    assert october.measured == timedelta(days=31, hours=1)
    assert october.availability == pytest.approx(100 * (1 - 3 / (31 * 24 + 1)))


def test_the_seed_july_is_99_59_percent():
    down = [
        Interval(datetime(2012, 7, 20, 8, 12, tzinfo=TOKYO), datetime(2012, 7, 20, 8, 39, tzinfo=TOKYO)),
        Interval(datetime(2012, 7, 20, 9, 59, tzinfo=TOKYO), datetime(2012, 7, 20, 12, 33, tzinfo=TOKYO)),
    ]
    july = availability.months(down, [], TOKYO, (2012, 7), (2012, 7), None, NOW)[0]
    assert round(july.availability, 2) == 99.59


def test_months_outside_the_rental_have_no_data_and_partial_months_count_their_part():
    rented = Interval(datetime(2024, 3, 16, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC))
    down = [Interval(datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 3, 20, 8, tzinfo=UTC))]
    feb, mar, apr, may = availability.months(down, [], UTC, (2024, 2), (2024, 5), rented, NOW)
    assert feb.availability is None and may.availability is None
    assert mar.measured == timedelta(days=16)
    assert mar.availability == pytest.approx(100 * (1 - 8 / (16 * 24)))
    assert apr.availability == 100


def test_maintenance_is_taken_out_of_downtime_and_of_the_time_measured():
    down = [Interval(datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 4, 1, 4, tzinfo=UTC))]
    planned = [Interval(datetime(2024, 4, 1, 2, tzinfo=UTC), datetime(2024, 4, 1, 6, tzinfo=UTC))]
    april = availability.months(down, planned, UTC, (2024, 4), (2024, 4), None, NOW)[0]
    assert (april.down, april.maintenance) == (timedelta(hours=2), timedelta(hours=4))
    assert april.measured == timedelta(days=30) - timedelta(hours=4)


def test_the_future_is_not_measured():
    now = datetime(2024, 4, 16, tzinfo=UTC)
    april = availability.months([], [], UTC, (2024, 4), (2024, 5), None, now)
    assert april[0].measured == timedelta(days=15) and april[1].availability is None


# ------------------------------------------------------------------ hours and SLA (pure)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2024, 3, 1, 1, 0, tzinfo=UTC), True),  # Fri 10:00 JST
        (datetime(2024, 3, 1, 9, 0, tzinfo=UTC), False),  # Fri 18:00 JST: closed
        (datetime(2024, 2, 29, 0, 59, tzinfo=UTC), False),  # Thu 09:59 JST
        (datetime(2024, 3, 2, 3, 0, tzinfo=UTC), False),  # Saturday
    ],
)
def test_weekday_office_hours_in_tokyo(moment, inside):
    assert hours.within(moment, {0, 1, 2, 3, 4}, time(10), time(18), TOKYO) is inside


def test_around_the_clock_is_always_within():
    assert hours.within(datetime(2024, 3, 2, 3, tzinfo=UTC), set(range(7)), None, None, TOKYO)


def test_sla_tiers_and_a_breach():
    assert sla.parse_tiers("99.9: 10, 99: 25; 95:100") == [
        (Decimal("99.9"), Decimal("10")),
        (Decimal("99"), Decimal("25")),
        (Decimal("95"), Decimal("100")),
    ]
    terms = sla.month_terms(2012, 7, 99.59, Decimal("99.9"), "99.9: 10, 99: 25", 30)
    assert (terms.breached, terms.credit_percent, terms.claim_by) == (True, Decimal("10"), date(2012, 8, 30))
    assert sla.month_terms(2012, 7, 98.5, Decimal("99.9"), "99.9: 10, 99: 25", None).credit_percent == Decimal("25")
    assert not sla.month_terms(2012, 8, 100.0, Decimal("99.9"), "99.9: 10", 30).breached


@pytest.mark.parametrize("text", ["99.9", "abc: 10", "99.9: 150"])
def test_bad_sla_tiers_are_refused(text):
    with pytest.raises(ValueError, match="availability: credit"):
        sla.parse_tiers(text)


# ------------------------------------------------------------------ scorecard (a small journal)


@pytest.fixture
def journal(db):
    """Hoster, a UTC service rented from 2024-01-01 with a 99.9 % SLA:
    - Jan 10 outage 10:00–12:00 (notice claims 09:30–12:30, retrieved 13:00)
    - Jan 20 outage 08:00–08:30 (no notice)
    - Feb 5 maintenance 01:00–03:00
    Support: phone Mon–Fri 09–17 UTC. Contacts: Wed Jan 10 10:05 by us, answered 10:25, helpful 4;
    Sat Jan 20 08:10 by them, answered at once, helpful 2."""
    service = ServiceFactory(
        provider__name="Hoster",
        time_zone="UTC",
        started_on=date(2024, 1, 1),
        sla_uptime=Decimal("99.9"),
        sla_credits="99.9: 10, 99: 25",
        sla_claim_days=30,
    )
    provider = service.provider
    SupportChannel.objects.create(
        provider=provider, channel="phone", days="mon,tue,wed,thu,fri", opens=time(9), closes=time(17), time_zone="UTC"
    )

    def outage(day, start, end, kind=Incident.Kind.OUTAGE, month=1):
        incident = IncidentFactory(service=service, kind=kind)
        EventFactory(incident=incident, type="down", at=datetime(2024, month, day, *start, tzinfo=UTC))
        EventFactory(incident=incident, type="up", at=datetime(2024, month, day, *end, tzinfo=UTC))
        return incident

    first = outage(10, (10, 0), (12, 0))
    NoticeFactory(
        incident=first,
        retrieved_at=datetime(2024, 1, 10, 13, tzinfo=UTC),
        claimed_start=datetime(2024, 1, 10, 9, 30, tzinfo=UTC),
        claimed_end=datetime(2024, 1, 10, 12, 30, tzinfo=UTC),
    )
    second = outage(20, (8, 0), (8, 30))
    outage(5, (1, 0), (3, 0), kind=Incident.Kind.MAINTENANCE, month=2)
    SupportContactFactory(
        incident=first,
        channel="phone",
        initiated_by="user",
        helpfulness=4,
        opened_at=datetime(2024, 1, 10, 10, 5, tzinfo=UTC),
        first_response_at=datetime(2024, 1, 10, 10, 25, tzinfo=UTC),
    )
    SupportContactFactory(
        incident=second,
        channel="phone",
        initiated_by="provider",
        helpfulness=2,
        opened_at=datetime(2024, 1, 20, 8, 10, tzinfo=UTC),
        first_response_at=datetime(2024, 1, 20, 8, 10, tzinfo=UTC),
    )
    return provider


def card_of(provider, year=2024):
    return build(provider_for_scorecard().get(pk=provider.pk), year, now=NOW)


def test_scorecard_numbers(journal):
    card = card_of(journal)
    assert card.by_kind == {"outage": 2, "maintenance": 1}
    assert card.observed == timedelta(hours=2, minutes=30)
    assert card.maintenance == timedelta(hours=2)
    assert card.mttr == timedelta(minutes=75)  # (2h + 30m) / 2
    assert card.notice_start_error == timedelta(minutes=-30)
    assert card.notice_end_error == timedelta(minutes=30)
    assert card.notice_latency == timedelta(hours=3)
    assert card.contacts == 2
    assert card.median_first_response == timedelta(minutes=10)  # median of 20m and 0m
    assert (card.provider_initiated_share, card.within_hours_share, card.mean_helpfulness) == (0.5, 0.5, 3.0)
    january = card.months[0]
    assert round(january.availability, 3) == round(100 * (1 - 2.5 / (31 * 24)), 3) == 99.664
    february = card.months[1]
    assert (february.availability, february.maintenance) == (100.0, timedelta(hours=2))
    terms = dict((m.key, t) for m, t in card.services[0].terms)
    assert terms["2024-01"].breached and terms["2024-01"].credit_percent == Decimal("10")
    assert terms["2024-01"].claim_by == date(2024, 3, 1)
    assert not terms["2024-02"].breached


def test_scorecard_json_command(journal, capsys):
    call_command("scorecard", "Hoster", "--year", "2024", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["provider"] == "Hoster" and data["incidents"] == 3
    assert data["observed_downtime_s"] == 9000
    assert data["availability_by_month"]["2024-01"] == 99.66
    assert data["support"] == {
        "contacts": 2,
        "median_first_response_s": 600,
        "provider_initiated_share": 0.5,
        "within_hours_share": 0.5,
        "mean_helpfulness": 3.0,
    }
    assert data["notices"]["median_start_error_s"] == -1800 and data["notices"]["median_end_error_s"] == 1800


def test_the_seed_scorecard(seed, capsys):
    call_command("scorecard", "お名前.com", "--year", "2012", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    # The seed's VPS is a trial with no end date: counted from 1 July to its last recorded event
    # (journal.rental), so July is 99.36 %, and no month after it is counted.
    assert data["availability_by_month"] == {"2012-07": 99.36}
    assert data["observed_downtime_s"] == 10860
    assert data["support"]["provider_initiated_share"] == 0.5 and data["support"]["within_hours_share"] == 1.0
    assert data["notices"] == {"median_start_error_s": -7500, "median_end_error_s": 1620, "median_latency_s": 19080}


def test_the_scorecard_takes_a_fixed_number_of_queries(journal):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            card_of(journal)
        return len(ctx.captured_queries)

    few = count()
    service = journal.services.first()
    for day in range(1, 28):
        incident = IncidentFactory(service=service)
        EventFactory(incident=incident, type="down", at=datetime(2024, 6, day, tzinfo=UTC))
        NoticeFactory(incident=incident)
    assert count() == few <= 10


def test_the_scorecard_page(client_alice, journal):
    text = text_of(client_alice.get(f"/providers/{journal.pk}/scorecard/?year=2024"))
    assert "Hoster: 2024" in text
    assert "January 2024 99.664 % 2h 30m 0m breached 10 % 2024-03-01" in text
    assert "February 2024 100.000 % 0m 2h 00m met — —" in text
    assert "Within the channel's hours 50 %" in text
    html = client_alice.get(f"/providers/{journal.pk}/scorecard/?year=2024").content.decode()
    assert 'class="grade-fair"><title>January 2024: 99.664% available</title>' in html


def test_comparing_needs_two_to_four_providers(client_alice, journal, seed):
    one = client_alice.get(f"/providers/compare/?p={journal.pk}")
    assert "Choose two to four providers." in one.content.decode()
    provider = seed["vps"].service.provider
    both = text_of(client_alice.get(f"/providers/compare/?p={journal.pk}&p={provider.pk}"))
    assert "Observed down 2h 30m 3h 01m" in both


def test_support_channels_are_added_and_contacts_show_whether_within_hours(client_alice, journal):
    response = client_alice.post(
        f"/providers/{journal.pk}/channels/new/",
        {"channel": "form", "days": ["mon", "tue"], "opens": "10:00", "closes": "09:00", "time_zone": "UTC"},
    )
    assert response.status_code == 422 and "Closes before it opens." in response.content.decode()
    client_alice.post(
        f"/providers/{journal.pk}/channels/new/",
        {"channel": "form", "days": ["mon", "tue"], "opens": "10:00", "closes": "18:00", "time_zone": "Asia/Tokyo"},
    )
    assert "Mon, Tue 10:00–18:00 Asia/Tokyo" in text_of(client_alice.get(journal.get_absolute_url()))
    incident = journal.services.first().incidents.filter(kind="outage").order_by("pk").first()
    page = text_of(client_alice.get(incident.get_absolute_url()))
    assert "within the channel's hours" in page


def test_the_evidence_pack_holds_summary_notices_logs_and_a_manifest(client_alice, seed):
    vps = seed["vps"]
    response = client_alice.get(f"/incidents/{vps.pk}/evidence.zip")
    assert response["Content-Type"] == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(pack.namelist())
    assert names == ["SHA256SUMS", "logs/01-messages_FreeBSD_syslog_JST", "notices/01.txt", "summary.md"]
    assert pack.read("notices/01.txt").decode() == vps.notices.get().raw_text
    assert pack.read("logs/01-messages_FreeBSD_syslog_JST") == vps.log_excerpts.get().read_bytes()
    summary = pack.read("summary.md").decode()
    assert "- Observed down: 3h 01m" in summary and "- Provider claimed: 6h 53m" in summary
    assert '2012-07-20 10:05:00 JST: "Control panel shows status 稼働中' in summary
    sums = dict(reversed(line.split("  ")) for line in pack.read("SHA256SUMS").decode().splitlines())
    assert sums["notices/01.txt"] == hashlib.sha256(pack.read("notices/01.txt")).hexdigest()
    assert len(sums) == 3


def test_the_scorecard_lists_the_latest_incidents_and_links_to_all(client_alice, journal):
    service = journal.services.first()
    for day in range(1, 31):
        EventFactory(
            incident=IncidentFactory(service=service, title=f"June {day:02d}"),
            type="down",
            at=datetime(2024, 6, day, tzinfo=UTC),
        )
    text = text_of(client_alice.get(f"/providers/{journal.pk}/scorecard/?year=2024"))
    assert "June 30" in text and "June 06" in text and "June 05" not in text
    assert "All 33 incidents →" in text
