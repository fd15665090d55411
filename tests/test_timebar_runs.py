"""The time bar at thousands of stretches: neighbours closer than a pixel (0.1 % of the bar)
are drawn as one run whose title counts them, so the bar's SVG stays small; nothing is hidden
(a down of seconds is still drawn at the minimum width)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from journal import timebar
from journal.downtime import Interval
from journal.models import TimelineEvent
from journal.totals.store import refresh_incidents
from tests.factories import IncidentFactory

START = datetime(2024, 1, 1, tzinfo=UTC)


def minutes(a: float, b: float) -> Interval:
    return Interval(START + timedelta(minutes=a), START + timedelta(minutes=b))


def layout(down=(), degraded=(), markers=(), contacts=()):
    return timebar.layout(list(down), list(degraded), None, list(markers), list(contacts), UTC)


def test_a_thousand_downs_closer_than_a_pixel_are_one_run_that_counts_them():
    # Two minutes down in every five, for 5,000 minutes: each gap is 0.06 % of the bar.
    bar = layout(down=[minutes(5 * n, 5 * n + 2) for n in range(1000)])
    assert len(bar.down) == 1
    run = bar.down[0]
    assert run.count == 1000 and run.merged
    assert run.label == "Down 1000 times from 2024-01-01 00:00 to 2024-01-04 11:17 (1d 09h 20m in all)"
    assert run.x == pytest.approx(100 * 0.03 / 1.06, abs=0.01)  # 3 % of the span padded each side
    assert run.width == pytest.approx(100 / 1.06, abs=0.01)
    assert bar.merges


def test_stretches_a_visible_gap_apart_stay_apart_with_their_own_titles():
    bar = layout(down=[minutes(0, 60), minutes(120, 180)])  # an hour's gap: 25 % of the bar
    assert [(s.count, s.label) for s in bar.down] == [
        (1, "Down 2024-01-01 00:00–2024-01-01 01:00 (1h 00m)"),
        (1, "Down 2024-01-01 02:00–2024-01-01 03:00 (1h 00m)"),
    ]
    assert not bar.merges


def test_a_down_of_seconds_in_a_month_still_shows_at_the_minimum_width():
    month = [minutes(0, 1), minutes(30 * 1440, 30 * 1440 + 1)]
    blip = Interval(START + timedelta(days=15), START + timedelta(days=15, seconds=30))
    bar = layout(down=[month[0], blip, month[1]])
    assert [s.width for s in bar.down] == [timebar.MIN_WIDTH] * 3
    assert (bar.down[1].count, bar.down[1].label) == (1, "Down 2024-01-16 00:00–2024-01-16 00:00 (<1m)")
    assert not bar.merges


def test_a_run_sums_its_stretches_and_spans_first_start_to_last_end():
    # A day-long bar: one hour down, then 30 s later (0.03 % of the bar) ten more minutes.
    bar = layout(down=[minutes(0, 60), minutes(60.5, 70)], markers=[(START + timedelta(days=1), "noticed", "n")])
    (run,) = bar.down
    assert run.count == 2
    assert run.label == "Down 2 times from 2024-01-01 00:00 to 2024-01-01 01:10 (1h 09m in all)"


def test_close_markers_of_one_kind_merge_and_other_kinds_stay_their_own():
    noticed = [(START + timedelta(minutes=5 * n), "noticed", f"Noticed: ping {n} lost") for n in range(1000)]
    claim = (START + timedelta(minutes=2500), "status_claimed", "Status claimed: all systems operational")
    bar = layout(down=[minutes(0, 1)], markers=[*noticed, claim])
    assert [(m.kind, m.count) for m in bar.markers] == [("noticed", 1000), ("status_claimed", 1)]
    run = bar.markers[0]
    assert run.label == (
        "1000 marks from 2024-01-01 00:00 to 2024-01-04 11:15; "
        "the first: Noticed: ping 0 lost; the last: Noticed: ping 999 lost"
    )
    assert run.width == pytest.approx(100 / 1.06, abs=0.01)
    assert bar.markers[1].label == "2024-01-02 17:40 Status claimed: all systems operational"


def test_support_contacts_in_one_minute_merge_by_channel():
    phone = [(START + timedelta(seconds=10 * n), "phone", "Phone (us)") for n in range(3)]
    mail = (START + timedelta(hours=5), "email", "Email (provider)")
    bar = layout(down=[minutes(0, 300)], contacts=[*phone, mail])
    assert [(c.kind, c.count) for c in bar.contacts] == [("phone", 3), ("email", 1)]
    assert bar.contacts[0].label.startswith("3 marks from 2024-01-01 00:00 to 2024-01-01 00:00; the first: Phone (us)")


@pytest.mark.django_db
def test_the_page_draws_a_thousand_downs_and_markers_in_a_few_elements(client_alice):
    incident = IncidentFactory(service__time_zone="UTC")
    types = ["down", "observation", "up", "action", "noticed"]  # benchmarks/incident_page.py's cycle
    TimelineEvent.objects.bulk_create(
        TimelineEvent(incident=incident, at=START + timedelta(minutes=n), type=types[n % 5], text=f"row {n}")
        for n in range(5000)
    )
    refresh_incidents([incident.pk])
    html = client_alice.get(incident.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert len(re.findall(r'<rect [^>]*class="down merged"', svg)) == 1
    assert len(re.findall(r'<rect [^>]*class="down"', svg)) == 0
    assert len(re.findall(r'class="marker noticed merged"', svg)) == 1
    assert "Down 1000 times from 2024-01-01 00:00 to 2024-01-04 11:17 (1d 09h 20m in all)" in svg
    assert len(svg) < 5000
    assert "closer than a pixel, drawn as one" in html


def test_a_lighter_run_still_reads_three_to_one_on_white():
    from tests.test_colours import colour, contrast, rule

    opacity = float(re.search(r"fill-opacity:\s*([\d.]+)", rule(".timebar rect.merged"))[1])
    for name in ("down", "accent"):  # a run of downs; a run of "noticed" marks
        r, g, b = (int(colour(name)[i : i + 2], 16) for i in (1, 3, 5))
        seen = "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02x}" for c in (r, g, b))
        assert contrast(seen) >= 3, (name, seen)
