"""Honest pictures: availability counts only months inside the rental (journal.rental), the
downtime chart has a value axis, and long month tables fold by year."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from journal import charts, rental, scorecard
from journal.availability import Month
from journal.models import Provider
from tests.factories import EventFactory, IncidentFactory, ServiceFactory

NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
ZERO = timedelta(0)


def card(provider, year=None):
    return scorecard.build(scorecard.provider_for_scorecard().get(pk=provider.pk), year, now=NOW)


@pytest.fixture
def trial(db):
    """A one-month trial in July 2012 with no end date, one 3-hour outage on the 20th."""
    service = ServiceFactory(time_zone="UTC", is_trial=True, started_on=date(2012, 7, 1))
    incident = IncidentFactory(service=service, status="resolved")
    EventFactory(incident=incident, type="down", at=datetime(2012, 7, 20, 8, 0, tzinfo=UTC), text="")
    EventFactory(incident=incident, type="up", at=datetime(2012, 7, 20, 11, 0, tzinfo=UTC), text="")
    return service


def test_a_trial_without_end_date_ends_at_its_last_event(trial):
    c = card(trial.provider)
    assert [m.key for m in c.months] == ["2012-07"]  # not 14 years of 100 %
    july = c.months[0]
    assert july.measured == timedelta(days=19, hours=11)  # 1 July 00:00 to 20 July 11:00
    assert july.down == timedelta(hours=3)
    assert round(july.availability, 3) == round(100 * (1 - 3 / (19 * 24 + 11)), 3) == 99.358
    assert c.services[0].rental_note == (
        "Rented from 2012-07-01 to 2012-07-20 11:00 (no end date: a trial ends at its last recorded event)."
    )


def test_a_service_without_end_date_is_rented_until_today(trial):
    trial.is_trial = False
    trial.save()
    c = card(trial.provider)
    assert c.months[0].key == "2012-07" and c.months[-1].key == "2026-11"
    assert len(c.months) == 14 * 12 + 5
    assert c.months[-1].measured == timedelta(days=25, hours=5)  # November so far
    assert c.services[0].rental_note == "Rented from 2012-07-01 to today (no end date: counted as still rented)."


def test_an_end_date_counts_through_that_day_and_no_month_after(trial):
    trial.ended_on = date(2012, 7, 31)
    trial.save()
    c = card(trial.provider)
    assert [m.key for m in c.months] == ["2012-07"]  # August (from midnight on 1 Aug) is not counted
    assert c.months[0].measured == timedelta(days=31)
    assert c.services[0].rental_note == "Rented from 2012-07-01 to 2012-07-31."


def test_a_year_outside_the_rental_counts_no_month(trial):
    assert card(trial.provider, 2013).months == []
    assert [m.key for m in card(trial.provider, 2012).months] == ["2012-07"]  # not January to December


def test_an_open_incident_keeps_a_trial_rented_until_today(trial):
    open_one = IncidentFactory(service=trial, status="open")
    EventFactory(incident=open_one, type="down", at=datetime(2013, 2, 1, tzinfo=UTC), text="")
    months = card(trial.provider).months
    assert months[-1].key == "2026-11"


def test_month_range_is_none_without_a_rental():
    assert rental.month_range(None, UTC, None, NOW) is None


def month(key: str, down_hours: float, measured_days: int = 30) -> Month:
    year, number = (int(part) for part in key.split("-"))
    return Month(year, number, timedelta(days=measured_days), timedelta(hours=down_hours), ZERO)


def test_the_downtime_axis_has_values():
    months = [month("2024-01", 1), month("2024-02", 4), month("2024-03", 0)]
    axis = charts.downtime_axis(months)
    assert [(t.fraction, t.label) for t in axis] == [(0, "0m"), (0.5, "2h 00m"), (1, "4h 00m")]
    assert [t.y for t in axis] == [134.0, 79.0, 24.0]
    bars = charts.downtime_bars(months)
    assert [b.height for b in bars] == [25.0, 100.0, 0.0]
    assert bars[0].x >= charts.PLOT_LEFT  # right of the value labels
    assert charts.downtime_axis([month("2024-01", 0)]) == [charts.AxisTick(0, "0m")]


def test_rows_fold_by_year_with_the_current_year_open():
    months = [month(f"{y}-{m:02d}", 1 if m == 3 else 0) for y in (2024, 2025, 2026) for m in range(1, 13)]
    groups = charts.by_year(months, 2025)
    assert [(g.year, len(g.rows), g.down, g.open) for g in groups] == [
        (2024, 12, timedelta(hours=1), False),
        (2025, 12, timedelta(hours=1), True),
        (2026, 12, timedelta(hours=1), False),
    ]
    assert round(groups[0].availability, 4) == round(100 * (1 - 1 / (360 * 24)), 4)
    assert [g.open for g in charts.by_year(months, 2030)] == [False, False, True]  # else the latest


def test_the_scorecard_page_states_the_rental_and_folds_years(client_alice, trial):
    trial.is_trial = False
    trial.save()
    page = client_alice.get(f"/providers/{trial.provider.pk}/scorecard/").content.decode()
    assert "Rented from 2012-07-01 to today (no end date: counted as still rented)." in page
    years = re.findall(r'<details class="year"( open)?>\s*<summary><strong>(\d{4})</strong>', page)
    assert len(years) == 15
    assert [y for o, y in years if o] == [str(timezone.localdate().year)]
    assert ">0m</text>" in page and ">3h 00m</text>" in page  # the value axis
    assert ">Downtime</text>" in page and ">Month (labelled at each January)</text>" in page


def test_tables_have_no_empty_headers(client_alice, trial):
    other = Provider.objects.create(name="Other")
    ServiceFactory(provider=other)
    mine = trial.provider.pk
    pages = ["/providers/", f"/providers/{mine}/", f"/providers/compare/?p={mine}&p={other.pk}"]
    for path in pages:
        page = client_alice.get(path).content.decode()
        assert re.findall(r"<th[^>]*>\s*</th>", page) == [], path
        assert "data-label=" in page, path


def test_a_providers_incident_history_folds_by_year(client_alice, trial):
    for year in (2013, 2015):
        later = IncidentFactory(service=trial, title=f"Outage of {year}", status="resolved")
        EventFactory(incident=later, type="down", at=datetime(year, 3, 1, tzinfo=UTC), text="")
    page = client_alice.get(f"/providers/{trial.provider.pk}/").content.decode()
    folded = r'<details class="year"( open)?>\s*<summary><strong>(\d{4})</strong> <span class="hint">(\d+)'
    years = re.findall(folded, page)
    assert [(y, n) for _, y, n in years] == [("2015", "1"), ("2013", "1"), ("2012", "1")]
    assert [y for o, y, _ in years if o] == ["2015"]  # none this year: the newest is open
    assert page.index("Outage of 2015") < page.index("Outage of 2013")
