"""The stylesheet's colours against white (WCAG 2.2): text 4.5:1, focus ring and the colours
charts are read by 3:1. Read from static/css/journal.css itself, so a change there is checked."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).parent.parent / "static" / "css" / "journal.css").read_text()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def colour(name: str) -> str:
    return VARIABLES[name] if not name.startswith("#") else name


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str = "#ffffff") -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, selector
    return match.group(1)


def test_the_arithmetic():
    assert round(contrast("#000000"), 1) == 21.0
    assert round(contrast("#8ab4e8"), 2) == 2.15  # the old focus ring
    assert round(contrast("#d98c00"), 2) == 2.73  # the old amber


@pytest.mark.parametrize(("name", "least"), [("ink", 4.5), ("muted", 4.5), ("accent", 4.5), ("down", 4.5), ("ok", 4.5)])
def test_text_colours(name, least):
    assert contrast(colour(name)) >= least
    assert contrast(colour(name), "#f7f8f9") >= least  # on the page's background too


def test_focus_ring_axis_and_degraded_reach_three_to_one():
    assert "var(--focus)" in rule("[tabindex]:focus-visible") and contrast(colour("focus")) >= 3
    assert contrast(colour("degraded")) >= 3
    assert contrast(colour("axis")) >= 3
    assert contrast(colour("claimed")) >= 3


def test_degraded_differs_from_down_by_pattern_not_only_colour():
    assert "url(#stripes)" in rule(".timebar rect.degraded")
    assert "repeating-linear-gradient" in rule(".key.degraded")


@pytest.mark.parametrize("grade", ["perfect", "good", "fair", "poor", "bad"])
def test_calendar_grades_reach_three_to_one(grade):
    fill = re.search(r"\.grade-" + grade + r"\s*\{\s*fill:\s*(#[0-9a-fA-F]{6})", CSS).group(1)
    assert contrast(fill) >= 3, (grade, fill, contrast(fill))


def test_no_data_cells_have_a_dashed_edge():
    assert "stroke-dasharray" in rule(".grade-none") and "dashed" in rule(".grade-none")


def test_log_line_numbers_are_readable():
    assert "var(--muted)" in rule(".log-lines .ln")
