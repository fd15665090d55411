"""Zones written in notices: offsets (``UTC+9``, ``GMT-05:00``), a fixed map of common
abbreviations (``JST``, ``CEST``, ``PDT`` …), US ``ET``/``CT``/``MT``/``PT`` and 日本時間; and the
checks a careful reader makes on a time read in a zone: does it exist there (DST gap), was it
shown twice (fold), was the abbreviation written in use on that date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, gettext_lazy

# abbreviation: (hours from UTC, the zone that uses it, to check it was in use on the date)
ABBREVIATIONS: dict[str, tuple[float, str | None]] = {
    "UTC": (0, None), "GMT": (0, None), "Z": (0, None),
    "JST": (9, "Asia/Tokyo"), "KST": (9, "Asia/Seoul"), "SGT": (8, None), "HKT": (8, None),
    "IST": (5.5, "Asia/Kolkata"),
    "WET": (0, "Europe/Lisbon"), "WEST": (1, "Europe/Lisbon"), "BST": (1, "Europe/London"),
    "CET": (1, "Europe/Berlin"), "CEST": (2, "Europe/Berlin"), "MEZ": (1, "Europe/Berlin"),
    "MESZ": (2, "Europe/Berlin"), "EET": (2, "Europe/Helsinki"), "EEST": (3, "Europe/Helsinki"),
    "AEST": (10, "Australia/Sydney"), "AEDT": (11, "Australia/Sydney"),
    "EST": (-5, "America/New_York"), "EDT": (-4, "America/New_York"),
    "CST": (-6, "America/Chicago"), "CDT": (-5, "America/Chicago"),
    "MST": (-7, "America/Denver"), "MDT": (-6, "America/Denver"),
    "PST": (-8, "America/Los_Angeles"), "PDT": (-7, "America/Los_Angeles"),
}  # fmt: skip
# abbreviations other places use for another offset: read as above, and flagged
AMBIGUOUS = {
    "CST": gettext_lazy("CST is read as US Central (-06:00); China Standard Time is +08:00"),
    "IST": gettext_lazy("IST is read as India (+05:30); Israel (+02:00) and Ireland (+01:00) write IST too"),
}
# written without saying whether summer time applied: the zone's own rules decide
GENERIC = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}

# A zone written right after a time: " UTC", " (JST)", " GMT+2", "UTC-05:00", " 日本時間".
ZONE = re.compile(
    r"\A ?\(?(?:(?:UTC|GMT) ?(?P<sign>[+-]) ?(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?!\d)"
    r"|(?P<abbr>[A-Z]{1,4})(?![A-Za-z])|(?P<jp>日本時間))\)?"
)

ZONE_NAME = re.compile(
    "|".join(sorted((name for name in [*ABBREVIATIONS, *GENERIC] if len(name) > 1), key=len, reverse=True))
    + r"(?![A-Za-z])|日本時間"
)


class Zone:
    """A zone as written: a fixed offset with its name, or an IANA zone."""

    def __init__(self, tz: tzinfo, abbreviation: str | None = None):
        self.tz, self.abbreviation = tz, abbreviation

    @property
    def fixed(self) -> bool:
        return isinstance(self.tz, timezone)


def zone_at(text: str, position: int) -> tuple[Zone | None, int]:
    """The zone written at ``position`` (and where it ends), if one is."""
    found = ZONE.match(text[position : position + 16])
    if not found:
        return None, position
    if found.group("jp"):
        return Zone(timezone(timedelta(hours=9), "JST"), "JST"), position + found.end()
    if found.group("sign"):
        hours, minutes = int(found.group("oh")), int(found.group("om") or 0)
        if hours > 14 or minutes > 59:
            return None, position
        offset = timedelta(hours=hours, minutes=minutes)
        return Zone(timezone(offset if found.group("sign") == "+" else -offset)), position + found.end()
    abbreviation = found.group("abbr")
    if abbreviation in GENERIC:
        return Zone(ZoneInfo(GENERIC[abbreviation])), position + found.end()
    if abbreviation not in ABBREVIATIONS:
        return None, position
    hours, _ = ABBREVIATIONS[abbreviation]
    return Zone(timezone(timedelta(hours=hours), abbreviation), abbreviation), position + found.end()


def first_zone(text: str) -> Zone | None:
    """The first zone the text names (an abbreviation, an offset or 日本時間)."""
    for found in ZONE_NAME.finditer(text):
        if found.start() and text[found.start() - 1].isascii() and text[found.start() - 1].isalpha():
            continue  # inside a word
        zone, _ = zone_at(text, found.start())
        if zone:
            return zone
    return None


def aware(wall: datetime, zone: Zone) -> tuple[datetime, str | None]:
    """The aware datetime for a wall-clock reading in ``zone``, and what is doubtful about it:
    a reading the zone skipped (DST gap) or showed twice (fold), or an abbreviation that was not
    in use on that date (``02:30 CEST`` on the morning the clocks went forward), or one other
    places use for another offset (``CST``, ``IST``)."""
    reading = f"{wall:%Y-%m-%d %H:%M}"
    if not zone.fixed:
        name = getattr(zone.tz, "key", str(zone.tz))
        first = wall.replace(tzinfo=zone.tz, fold=0)
        if first.astimezone(UTC).astimezone(zone.tz).replace(tzinfo=None) != wall:
            return first, gettext("%(time)s does not exist in %(zone)s (the clocks skipped it)") % {
                "time": reading,
                "zone": name,
            }
        if first.utcoffset() != wall.replace(tzinfo=zone.tz, fold=1).utcoffset():
            return first, gettext("%(time)s happened twice in %(zone)s (the clocks went back); read as the first") % {
                "time": reading,
                "zone": name,
            }
        return first, None
    moment = wall.replace(tzinfo=zone.tz)
    if zone.abbreviation in AMBIGUOUS:
        return moment, str(AMBIGUOUS[zone.abbreviation])
    _, home = ABBREVIATIONS.get(zone.abbreviation or "", (0, None))
    if home and moment.astimezone(ZoneInfo(home)).utcoffset() != moment.utcoffset():
        return moment, gettext("%(time)s %(abbr)s: %(zone)s was not on %(abbr)s then; check the time") % {
            "time": reading,
            "abbr": zone.abbreviation,
            "zone": home,
        }
    return moment, None
