"""Each support contact's stored figures (journal.totals.contacts): whether it was opened within
its channel's hours, and how long the first response took. The scorecard and compare pages count
and sort them in the database, so they must follow every change: a contact saved, a channel
added or deleted, providers merged, a journal imported; ``refresh_totals --check`` finds a row
written around the app."""

import io
import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.housekeeping.merge import merge_providers
from journal.models import Incident, Provider, Service, SupportChannel, SupportContact
from journal.portability import export_document, import_document
from journal.scorecard import build, provider_for_scorecard
from journal.totals.contacts import check
from journal.totals.models import ContactTotals
from tests.factories import IncidentFactory, ProviderFactory, ServiceFactory, SupportContactFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
MONDAY_10_TOKYO = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
MONDAY_22_TOKYO = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)  # 22:00 in Tokyo
SATURDAY_10_TOKYO = datetime(2024, 3, 9, 1, 0, tzinfo=UTC)


def weekday_phone(provider: Provider) -> SupportChannel:
    return SupportChannel.objects.create(
        provider=provider,
        channel="phone",
        days="mon,tue,wed,thu,fri",
        opens=time(9),
        closes=time(18),
        time_zone="Asia/Tokyo",
    )


def card(provider: Provider):
    return build(provider_for_scorecard(Provider.objects.filter(pk=provider.pk)).get())


def stored(contact: SupportContact) -> tuple:
    row = ContactTotals.objects.get(pk=contact.pk)
    return row.within_hours, row.response_us


def test_a_saved_contact_has_its_figures_and_the_scorecard_counts_them():
    provider = ServiceFactory().provider
    weekday_phone(provider)
    inside = SupportContactFactory(
        incident__service__provider=provider,
        opened_at=MONDAY_10_TOKYO,
        first_response_at=MONDAY_10_TOKYO + timedelta(minutes=30),
    )
    late = SupportContactFactory(incident=inside.incident, opened_at=MONDAY_22_TOKYO)
    weekend = SupportContactFactory(
        incident=inside.incident, opened_at=SATURDAY_10_TOKYO, first_response_at=SATURDAY_10_TOKYO + timedelta(hours=2)
    )
    form = SupportContactFactory(incident=inside.incident, channel="form", opened_at=MONDAY_10_TOKYO)
    assert stored(inside) == (True, 30 * 60 * 10**6)
    assert stored(late) == (False, None)
    assert stored(weekend) == (False, 2 * 3600 * 10**6)
    assert stored(form) == (None, None)  # the provider publishes no hours for its form
    scorecard = card(provider)
    assert scorecard.contacts == 4
    assert scorecard.within_hours_share == pytest.approx(1 / 3)  # of the three phone contacts
    assert scorecard.median_first_response == timedelta(minutes=75)  # between 30 min and 2 h
    weekend.opened_at = MONDAY_10_TOKYO + timedelta(hours=1)  # corrected: it was a Monday
    weekend.first_response_at = weekend.opened_at + timedelta(hours=4)
    weekend.save()
    assert stored(weekend) == (True, 4 * 3600 * 10**6)
    scorecard = card(provider)
    assert scorecard.within_hours_share == pytest.approx(2 / 3)
    assert scorecard.median_first_response == timedelta(minutes=135)


def test_adding_and_deleting_a_channel_re_reads_the_providers_contacts(client_alice):
    provider = ServiceFactory().provider
    contact = SupportContactFactory(incident__service__provider=provider, opened_at=MONDAY_10_TOKYO)
    page = contact.incident.get_absolute_url()
    assert stored(contact) == (None, None)
    assert card(provider).within_hours_share is None
    assert "channel's hours" not in text_of(client_alice.get(page))
    client_alice.post(
        f"/providers/{provider.pk}/channels/new/",
        {"channel": "phone", "days": ["sat", "sun"], "opens": "09:00", "closes": "18:00", "time_zone": "Asia/Tokyo"},
    )
    assert stored(contact) == (False, None)
    assert "outside the channel's hours" in text_of(client_alice.get(page))
    channel = SupportChannel.objects.get(provider=provider)
    client_alice.post(f"/providers/{provider.pk}/channels/{channel.pk}/delete/")
    assert not SupportChannel.objects.exists() and stored(contact) == (None, None)
    weekday_phone(provider)
    assert stored(contact) == (True, None)
    assert "within the channel's hours" in text_of(client_alice.get(page))
    assert card(provider).within_hours_share == 1


def test_merged_providers_count_the_contacts_against_the_channels_they_now_share():
    source, target = ProviderFactory(name="Old name"), ProviderFactory(name="New name")
    weekday_phone(source)
    theirs = SupportContactFactory(incident__service__provider=target, opened_at=MONDAY_10_TOKYO)
    moved = SupportContactFactory(incident__service__provider=source, opened_at=MONDAY_22_TOKYO)
    assert stored(theirs) == (None, None) and stored(moved) == (False, None)
    merge_providers(source, target)
    assert stored(theirs) == (True, None)  # the source's phone hours came along
    assert stored(moved) == (False, None)
    assert card(target).within_hours_share == 0.5
    assert check() == []


def test_an_imported_journal_has_every_contacts_figures(seed):
    document = json.loads(json.dumps(export_document()))
    expected = sorted(
        ContactTotals.objects.values_list("contact__opened_at", "contact__channel", "within_hours", "response_us")
    )
    assert [row[2:] for row in expected] == [(None, 40 * 60 * 10**6), (True, 0), (True, 0)]  # form hours unknown
    for model in (Incident, SupportContact, Service, Provider):  # an empty journal
        model.objects.all().delete()
    assert not ContactTotals.objects.exists()
    import_document(document)
    found = ContactTotals.objects.values_list("contact__opened_at", "contact__channel", "within_hours", "response_us")
    assert sorted(found) == expected
    assert check() == []


def test_refresh_totals_check_names_a_contact_written_around_the_app_and_refresh_mends_it(seed):
    contact = SupportContact.objects.filter(first_response_at__isnull=False).order_by("pk").first()
    ContactTotals.objects.filter(pk=contact.pk).update(response_us=1)
    SupportContact.objects.exclude(pk=contact.pk).update(channel="email")  # no signal: hours now unknown
    out = io.StringIO()
    with pytest.raises(CommandError, match="disagree"):
        call_command("refresh_totals", "--check", stdout=out)
    assert f"contact {contact.pk}: figures differ" in out.getvalue()
    call_command("refresh_totals", stdout=out)
    assert "3 support contacts" in out.getvalue()
    assert check() == []
    assert ContactTotals.objects.get(pk=contact.pk).response_us != 1


zones = st.sampled_from(["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


@settings(max_examples=60, deadline=None)
@given(
    opened=moments,
    took=st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))),
    days=st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
    hours=st.one_of(st.none(), st.tuples(st.integers(0, 22), st.integers(1, 23)).filter(lambda h: h[0] < h[1])),
    zone=zones,
)
def test_the_stored_figures_are_what_the_channel_and_contact_say(opened, took, days, hours, zone):
    """Whatever the moment, zone (DST and half-hour shifts) and hours: the stored flag is the
    channel's own answer (SupportChannel.is_open_at) and the response is exact to the µs."""
    incident = IncidentFactory()
    channel = SupportChannel.objects.create(
        provider=incident.service.provider,
        channel="phone",
        days=",".join(sorted(days)),
        opens=time(hours[0]) if hours else None,
        closes=time(hours[1]) if hours else None,
        time_zone=zone,
    )
    contact = SupportContactFactory(
        incident=incident, opened_at=opened, first_response_at=opened + took if took is not None else None
    )
    within, response = stored(contact)
    assert within is channel.is_open_at(opened)
    assert response == (None if took is None else took // timedelta(microseconds=1))
    assert opened.astimezone(ZoneInfo(zone)).weekday() in channel.day_numbers or within is False
