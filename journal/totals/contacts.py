"""What a scorecard counts of each support contact (ContactTotals): whether it was opened within
its channel's hours (from its provider's support channels, with journal.hours) and how long the
first response took, so the database counts and sorts them.

Written when a contact is saved, when a provider's channels change, and for the contacts an
import wrote (``refresh_missing``); ``refresh_all`` and ``check`` in journal.totals.store cover
them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q

from journal.hours import within
from journal.timezones import get_zone

CHUNK = 500
MICRO = timedelta(microseconds=1)
# What a contact's figures are computed from, and a support channel's values (``provider_hours``).
CONTACT_FIELDS = ("pk", "provider_id", "channel", "opened_at", "first_response_at")
CHANNEL_FIELDS = ("provider_id", "channel", "days", "opens", "closes", "time_zone")


def within_hours(channel: str, opened_at: datetime, hours: dict[str, list[tuple]]) -> bool | None:
    """Whether ``opened_at`` falls in any of the hours its channel publishes (``hours``: channel
    name → (days, opens, closes, zone) of the provider's channels); None when it publishes none."""
    if channel not in hours:
        return None
    return any(within(opened_at, *known) for known in hours[channel])


def provider_hours(channels: Iterable[tuple]) -> dict[int, dict[str, list[tuple]]]:
    """Each provider's channels (``CHANNEL_FIELDS`` rows) as ``within_hours`` reads them."""
    from journal.models import SupportChannel

    found: dict[int, dict[str, list[tuple]]] = {}
    for provider, channel, days, opens, closes, zone in channels:
        known = (SupportChannel.numbers_of(days), opens, closes, get_zone(zone))
        found.setdefault(provider, {}).setdefault(channel, []).append(known)
    return found


def expected_of(contacts: Iterable[tuple], channels: Iterable[tuple]) -> dict[int, dict]:
    """{contact id: ContactTotals' fields} of ``CONTACT_FIELDS`` rows, given their providers'
    channels (``CHANNEL_FIELDS`` rows)."""
    hours = provider_hours(channels)
    return {
        pk: {
            "within_hours": within_hours(channel, opened, hours.get(provider, {})),
            "response_us": (answered - opened) // MICRO if answered else None,
        }
        for pk, provider, channel, opened, answered in contacts
    }


def expected(contacts: Q) -> dict[int, dict]:
    """ContactTotals' fields for the contacts matching ``contacts`` (those of removed incidents too)."""
    from journal.models import SupportChannel, SupportContact

    rows = list(SupportContact.all_objects.filter(contacts).values_list(*CONTACT_FIELDS))
    channels = SupportChannel.objects.filter(provider__in={row[1] for row in rows})
    return expected_of(rows, channels.values_list(*CHANNEL_FIELDS))


def refresh(contacts: Q) -> None:
    """Rewrite the stored figures of the contacts matching ``contacts``."""
    from journal.totals.models import ContactTotals

    values = expected(contacts)
    ids = sorted(values)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        ContactTotals.objects.filter(pk__in=chunk).delete()
        ContactTotals.objects.bulk_create(ContactTotals(contact_id=pk, **values[pk]) for pk in chunk)


def refresh_contacts(contact_ids: Iterable[int]) -> None:
    refresh(Q(pk__in=list(contact_ids)))


def refresh_providers(provider_ids: Iterable[int]) -> None:
    """After a provider's channels changed: every contact of theirs."""
    refresh(Q(provider__in=list(provider_ids)))


def refresh_missing() -> None:
    """The contacts written without their figures (a bulk import)."""
    refresh(Q(stored_totals__isnull=True))


def refresh_all() -> int:
    from journal.totals.models import ContactTotals

    ContactTotals.objects.all().delete()
    refresh(Q())
    return ContactTotals.objects.count()


def check() -> list[str]:
    """One line per contact whose stored figures are missing or differ."""
    from journal.totals.models import ContactTotals

    stored = {row.pop("contact_id"): row for row in ContactTotals.objects.values()}
    problems = []
    for pk, values in sorted(expected(Q()).items()):
        if pk not in stored:
            problems.append(f"contact {pk}: no stored figures")
        elif stored[pk] != values:
            problems.append(f"contact {pk}: figures differ from the contact and its provider's channels")
    return problems
