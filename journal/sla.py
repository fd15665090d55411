"""SLA terms: credit tiers and what a month's availability earns (pure)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils.translation import gettext as _


def parse_tiers(text: str) -> list[tuple[Decimal, Decimal]]:
    """“99.9: 10, 99: 25” → [(99.9, 10), (99, 25)], highest threshold first: availability below
    the threshold earns the credit (percent of the monthly fee)."""
    tiers = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        threshold, sep, credit = part.partition(":")
        try:
            tier = (Decimal(threshold.strip().rstrip("%")), Decimal(credit.strip().rstrip("%")))
        except InvalidOperation:
            raise ValueError(_("“%(part)s” is not “availability: credit”, e.g. “99.9: 10”.") % {"part": part}) from None
        if not sep or not (0 <= tier[0] <= 100) or not (0 <= tier[1] <= 100):
            raise ValueError(
                _("“%(part)s” is not “availability: credit” with both between 0 and 100.") % {"part": part}
            )
        tiers.append(tier)
    return sorted(tiers, reverse=True)


@dataclass(frozen=True)
class MonthTerms:
    breached: bool
    credit_percent: Decimal | None
    claim_by: date | None


def month_terms(
    year: int, month: int, availability: float | None, uptime: Decimal | None, tiers_text: str, claim_days: int | None
) -> MonthTerms:
    """Whether a month breached the commitment, the credit it earns, and the day to claim by."""
    if availability is None or uptime is None:
        return MonthTerms(False, None, None)
    value = Decimal(str(availability))
    breached = value < uptime
    if not breached:
        return MonthTerms(False, None, None)
    credit = None
    for threshold, percent in _tiers(tiers_text):
        if value < threshold:
            credit = percent  # tiers go down: the lowest threshold still above availability wins
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    claim_by = last_day + timedelta(days=claim_days) if claim_days is not None else None
    return MonthTerms(True, credit, claim_by)


@cache
def _tiers(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """``parse_tiers`` once per text (a scorecard asks it for every month)."""
    return tuple(parse_tiers(text))
