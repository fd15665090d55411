"""IANA time zones: validation, and turning a wall-clock time in a zone into an aware datetime."""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@cache
def zone_names() -> list[str]:
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def get_zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ValueError for anything that is not an IANA zone."""
    if not name or name != name.strip() or name.startswith(("/", ".")):
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a file
        raise ValueError(f"unknown time zone {name!r}") from exc


def validate_time_zone(name: str) -> None:
    try:
        get_zone(name)
    except ValueError:
        raise ValidationError(
            _("“%(name)s” is not a time zone. Use an IANA name such as Asia/Tokyo or Europe/Berlin."),
            code="unknown_zone",
            params={"name": name},
        ) from None


def localize(wall: datetime, zone_name: str) -> datetime:
    """The aware datetime for a wall-clock reading in a zone.

    A reading that the zone skipped (a DST gap) raises ValueError. A reading the zone showed
    twice (a DST fold) is taken as the first of the two.
    """
    zone = get_zone(zone_name)
    aware = wall.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != wall.replace(tzinfo=None, fold=0):
        raise ValueError(
            gettext("%(time)s does not exist in %(zone)s (the clocks skipped it)")
            % {"time": f"{wall:%Y-%m-%d %H:%M}", "zone": zone_name}
        )
    return aware
