"""Geometry of the scorecard's charts (server-rendered SVG, drawn by templates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from journal.availability import Month
from journal.downtime import format_duration


def month_name(number: int) -> str:
    """The month's short name in the active language: “Jan” / “1月”."""
    return date_format(date(2000, number, 1), "M")


def month_label(month: Month) -> str:
    """The month with its year in the active language: “July 2012” / “2012年7月”."""
    return _month_label(month.year, month.month, get_language())


@lru_cache(maxsize=8192)
def _month_label(year: int, month: int, language: str | None) -> str:
    """Formatted once per month and language: a scorecard labels each month up to three times."""
    return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


@dataclass(frozen=True)
class Bar:
    x: float  # percent of the width
    width: float
    height: float  # percent of the plot's height
    label: str  # under the bar
    title: str  # on hover

    @property
    def top(self) -> float:
        return round(100 - self.height, 3)

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 3)


PLOT_LEFT = 17  # percent of the width kept for the value axis' labels
MAX_SLOT = 7  # percent: a month's bar is no wider however few months there are
PLOT_TOP, PLOT_HEIGHT = 24, 110  # px: the bars' area in the downtime chart


@dataclass(frozen=True)
class AxisTick:
    fraction: float  # 0 at the baseline, 1 at the top of the plot
    label: str

    @property
    def y(self) -> float:
        """px from the top of the chart"""
        return round(PLOT_TOP + (1 - self.fraction) * PLOT_HEIGHT, 2)

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 2)


def downtime_axis(months: list[Month]) -> list[AxisTick]:
    """The value axis of the downtime chart: 0, half and all of the worst month."""
    worst = max((m.down for m in months), default=timedelta(0))
    zero = AxisTick(0, format_duration(timedelta(0)))
    if worst <= timedelta(0):
        return [zero]
    half = timedelta(seconds=round(worst.total_seconds() / 2))
    return [zero, AxisTick(0.5, format_duration(half)), AxisTick(1, format_duration(worst))]


def downtime_bars(months: list[Month]) -> list[Bar]:
    """One bar per month, heights relative to the worst month, right of the value axis."""
    if not months:
        return []
    worst = max((m.down.total_seconds() for m in months), default=0) or 1
    slot = min((100 - PLOT_LEFT) / len(months), MAX_SLOT)
    return [
        Bar(
            x=round(PLOT_LEFT + i * slot + slot * 0.15, 3),
            width=round(slot * 0.7, 3),
            height=round(m.down.total_seconds() / worst * 100, 3),
            label=month_name(m.month) if len(months) <= 12 else (m.key if m.month == 1 else ""),
            title=_bar_title(m),
        )
        for i, m in enumerate(months)
    ]


def _bar_title(m: Month) -> str:
    values = {"month": month_label(m), "down": format_duration(m.down), "maintenance": format_duration(m.maintenance)}
    if m.maintenance:
        return _("%(month)s: down %(down)s, maintenance %(maintenance)s") % values
    return _("%(month)s: down %(down)s") % values


ROW = 26  # px per year in the calendar
LABEL_WIDTH = 10  # percent of the width for the year labels
CELL_WIDTH = (100 - LABEL_WIDTH) / 12


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    grade: str  # css class: perfect, good, fair, poor, bad, none
    title: str

    @property
    def x(self) -> float:
        return round(LABEL_WIDTH + self.column * CELL_WIDTH, 3)

    @property
    def y(self) -> int:
        return 20 + self.row * ROW


def month_columns() -> list[tuple[str, float]]:
    """(name, x of its centre in percent) for the calendar's header."""
    return [(month_name(i + 1), round(LABEL_WIDTH + (i + 0.5) * CELL_WIDTH, 3)) for i in range(12)]


def calendar_rows(years: list[int]) -> list[tuple[int, int]]:
    """(year, y of its label) for the calendar's rows."""
    return [(year, 20 + i * ROW + 15) for i, year in enumerate(years)]


def grade(value: float | None) -> str:
    if value is None:
        return "none"
    if value >= 100:
        return "perfect"
    if value >= 99.9:
        return "good"
    if value >= 99:
        return "fair"
    if value >= 95:
        return "poor"
    return "bad"


def calendar(months: list[Month]) -> tuple[list[int], list[Cell]]:
    """Years (rows) and one cell per month with its availability grade."""
    years = sorted({m.year for m in months})
    cells = [
        Cell(
            row=years.index(m.year),
            column=m.month - 1,
            grade=grade(m.availability),
            title=_cell_title(m),
        )
        for m in months
    ]
    return years, cells


def _cell_title(m: Month) -> str:
    if m.availability is None:
        return _("%(month)s: no data") % {"month": month_label(m)}
    return _("%(month)s: %(availability)s%% available") % {
        "month": month_label(m),
        "availability": f"{m.availability:.3f}",
    }


@dataclass(frozen=True)
class YearRows:
    """A year of a month-by-month table, folded under one line that sums it up."""

    year: int
    rows: list  # the table's rows for the year, in order
    down: timedelta
    maintenance: timedelta
    availability: float | None
    open: bool  # shown unfolded: the current year, else the latest one


def by_year(rows: list, this_year: int, month=lambda row: row) -> list[YearRows]:
    """Rows of months (``month(row)`` gives the row's Month) grouped by year."""
    years: dict[int, list] = {}
    for row in rows:
        years.setdefault(month(row).year, []).append(row)
    unfold = this_year if this_year in years else max(years, default=None)
    groups = []
    for year, items in years.items():
        months = [month(row) for row in items]
        measured = sum((m.measured for m in months), timedelta(0))
        down = sum((m.down for m in months), timedelta(0))
        groups.append(
            YearRows(
                year=year,
                rows=items,
                down=down,
                maintenance=sum((m.maintenance for m in months), timedelta(0)),
                availability=100 * (1 - down / measured) if measured > timedelta(0) else None,
                open=year == unfold,
            )
        )
    return groups
