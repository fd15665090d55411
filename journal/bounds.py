"""The one place that says what range a value may have before it is stored.

- A time of something that happened (an event, a notice's retrieval, a support contact, an
  upload) lies between 1970-01-01 and now, give or take ``SKEW`` for a clock a little ahead.
- A time announced or claimed ahead (a notice's claimed window, a rental's end) may lie up to
  ``AHEAD`` in the future.
- A year lies between 1970 and next year; other whole numbers within ``INTEGERS``.
- Text holds no NUL character and no lone surrogate (JSON can spell one, no database stores
  it); a single-line field holds no line break.

Forms and the JSON import both ask :func:`problems` about the instance they are about to save,
so a value refused by one door is refused by every door.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
SKEW = timedelta(minutes=5)
AHEAD = timedelta(days=2 * 365)
FIRST_YEAR = EARLIEST.year
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

# Model fields holding a time announced ahead; every other date or datetime field a person
# or an import fills in holds a time of something that happened.
ANNOUNCED = {
    ("providernotice", "claimed_start"),
    ("providernotice", "claimed_end"),
    ("service", "ended_on"),
    ("service", "started_on"),
}
# Whole numbers a person or an import types (the model's own validators may be wider).
INTEGERS = {
    ("service", "sla_claim_days"): (0, 3660),
    ("supportcontact", "helpfulness"): (1, 5),
}
# Fields the app fills in itself.
AUTOMATIC = {"created_at", "updated_at", "parsed_at", "first_at", "last_at"}


def last_year(now: datetime | None = None) -> int:
    return (now or timezone.now()).year + 1


def _aware(moment: date | datetime) -> datetime:
    """A date as its midnight in UTC; a naive datetime taken as UTC."""
    if isinstance(moment, datetime):
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def happened_problem(moment: date | datetime, now: datetime | None = None) -> str | None:
    """What is wrong with ``moment`` as the time of something that happened, or None."""
    moment = _aware(moment)
    if moment < EARLIEST:
        return gettext("before 1970-01-01")
    if moment > (now or timezone.now()) + SKEW:
        return gettext("later than now")
    return None


def announced_problem(moment: date | datetime, now: datetime | None = None) -> str | None:
    """What is wrong with ``moment`` as a time announced ahead, or None."""
    moment = _aware(moment)
    if moment < EARLIEST:
        return gettext("before 1970-01-01")
    if moment > (now or timezone.now()) + AHEAD:
        return gettext("more than two years ahead")
    return None


def year_problem(year: int, now: datetime | None = None) -> str | None:
    if not FIRST_YEAR <= year <= last_year(now):
        return gettext("not a year between %(first)d and %(last)d") % {"first": FIRST_YEAR, "last": last_year(now)}
    return None


def refusal(problem: str) -> ValidationError:
    """A problem as a form shows it next to its field."""
    # Translators: a sentence made of one problem, e.g. "Later than now."
    return ValidationError(gettext("%(problem)s.") % {"problem": capfirst(problem)}, code="out_of_range")


def validate_year(value: int) -> None:
    """Form validator for a year typed or given in a query string."""
    if problem := year_problem(value):
        raise refusal(problem)


def year_argument(text: str) -> int:
    """The ``type`` of a command's --year option."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(gettext("%(text)r is not a year") % {"text": text[:20]}) from None
    if problem := year_problem(year):
        raise argparse.ArgumentTypeError(problem)
    return year


def integer_problem(value: int, low: int, high: int) -> str | None:
    if not low <= value <= high:
        return gettext("not a whole number from %(low)d to %(high)d") % {"low": low, "high": high}
    return None


def unicode_problem(value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return gettext("contains a lone surrogate (not Unicode text)")
    return None


def text_problem(value: str, single_line: bool) -> str | None:
    if "\x00" in value:
        return gettext("contains a NUL character")
    if problem := unicode_problem(value):
        return problem
    if single_line and not LINE_BREAKS.isdisjoint(value):
        return gettext("contains a line break (this field is one line)")
    return None


def problems(instance: models.Model, now: datetime | None = None) -> dict[str, str]:
    """Every field of ``instance`` whose value is out of range, with what is wrong with it."""
    now = now or timezone.now()
    model = instance._meta.model_name
    found = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if value is None or field.name in AUTOMATIC:
            continue
        if isinstance(field, (models.DateField, models.DateTimeField)) and isinstance(value, date):
            check = announced_problem if (model, field.name) in ANNOUNCED else happened_problem
            problem = check(value, now)
        elif isinstance(field, (models.CharField, models.TextField)) and isinstance(value, str):
            problem = text_problem(value, single_line=isinstance(field, models.CharField))
        elif (model, field.name) in INTEGERS and isinstance(value, int):
            problem = integer_problem(value, *INTEGERS[(model, field.name)])
        elif (model, field.name) == ("logexcerpt", "year") and isinstance(value, int):
            problem = year_problem(value, now)
        else:
            problem = None
        if problem:
            found[field.name] = problem
    return found
