"""Adding, editing and deleting events, notices, support contacts and log excerpts in place."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from journal.models import Incident, LogExcerpt, ProviderNotice, SupportContact, TimelineEvent
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def incident():
    """An outage of a Tokyo service, down since 09:00 JST, still open."""
    incident = IncidentFactory(status=Incident.Status.OPEN, service__time_zone="Asia/Tokyo")
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 0, 0, tzinfo=UTC))
    return incident


def add_event(client, incident, headers=None, **fields):
    data = {"events-zone": "Asia/Tokyo", "events-source": "person", "events-text": "", **fields}
    return client.post(f"/incidents/{incident.pk}/events/new/", data, headers=headers or {})


def test_adding_an_up_with_htmx_swaps_the_row_and_the_totals_only(client_alice, incident):
    response = add_event(client_alice, incident, HX, **{"events-at": "2024-03-01T10:30:00", "events-type": "up"})
    assert response.status_code == 200
    html = response.content.decode()
    down, event = incident.events.order_by("at")
    assert response["HX-Reswap"] == "none"  # everything comes out of band
    assert f'<ol hx-swap-oob="afterend:#event-{down.pk}">' in html  # the new row, after the down
    assert html.count('class="event ') == 1 and '<div id="evidence">' not in html
    assert '<div id="summary" hx-swap-oob="true">' in html and "1h 30m" in html  # 09:00 → 10:30 JST
    assert event.at == datetime(2024, 3, 1, 1, 30, tzinfo=UTC)  # read in the service's zone


def test_adding_without_javascript_redirects_to_the_timeline(client_alice, incident):
    response = add_event(
        client_alice, incident, **{"events-at": "2024-03-01T10:30", "events-type": "up", "events-zone": "UTC"}
    )
    assert response.status_code == 302
    up = incident.events.get(type="up")
    assert response["Location"] == f"/incidents/{incident.pk}/#event-{up.pk}"
    assert incident.events.get(type="up").at == datetime(2024, 3, 1, 10, 30, tzinfo=UTC)


def test_an_up_before_any_down_is_refused_next_to_the_field(client_alice):
    incident = IncidentFactory()
    response = add_event(client_alice, incident, HX, **{"events-at": "2024-03-01T10:30", "events-type": "up"})
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#new-events"
    assert response["HX-Reswap"] == "outerHTML"
    assert "An “up” needs a “down” or “degraded” before it." in response.content.decode()
    assert not incident.events.exists()


def test_an_up_earlier_than_the_first_down_is_refused(client_alice, incident):
    response = add_event(client_alice, incident, **{"events-at": "2024-03-01T08:00", "events-type": "up"})
    assert response.status_code == 422
    assert "needs a “down”" in response.content.decode()
    assert incident.events.count() == 1


def test_a_time_skipped_by_dst_is_refused(client_alice, incident):
    response = add_event(
        client_alice,
        incident,
        **{"events-at": "2024-03-31T02:30", "events-type": "observation", "events-zone": "Europe/Berlin"},
    )
    assert response.status_code == 422
    assert "does not exist in Europe/Berlin" in response.content.decode()


def test_the_add_form_keeps_the_previous_events_day_in_the_services_zone_and_the_likely_type(client_alice, incident):
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    form = html[html.index('id="new-events"') :]
    form = form[: form.index("</form>")]
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo (service)</option>' in form
    assert '<option value="up" selected>Up</option>' in form  # still down, so "up" is next
    # backfilling (tests/test_backfill.py): the previous event's day in Tokyo, the time cleared
    assert 'type="date" name="events-day" value="2024-03-01"' in form
    assert 'type="text" name="events-at" ' in form
    assert 'name="events-at" value=' not in form


def test_a_viewer_in_the_services_zone_sees_it_offered_once(client_alice, incident):
    client_alice.cookies["viewer_tz"] = "Asia/Tokyo"
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    form = html[html.index('id="new-events"') :]
    form = form[: form.index("</form>")]
    assert form.count('<option value="Asia/Tokyo"') == 1
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo (service)</option>' in form


def test_editing_an_event_reads_the_time_in_the_chosen_zone(client_alice, incident):
    event = incident.events.get()
    url = f"/incidents/{incident.pk}/events/{event.pk}/edit/"
    form = client_alice.get(url, headers=HX).content.decode()
    assert 'value="2024-03-01 09:00:00"' in form  # shown in Asia/Tokyo
    response = client_alice.post(
        url,
        {
            "events-at": "2024-03-01T08:45:00",
            "events-zone": "Asia/Tokyo",
            "events-type": "down",
            "events-source": "person",
            "events-text": "earlier",
            "events-version": "1",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.at, event.text) == (datetime(2024, 2, 29, 23, 45, tzinfo=UTC), "earlier")


def test_deleting_an_event_needs_post(client_alice, incident):
    event = incident.events.get()
    url = f"/incidents/{incident.pk}/events/{event.pk}/delete/"
    assert client_alice.get(url).status_code == 405
    response = client_alice.post(url, headers=HX)
    assert response.status_code == 200
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()
    assert "No events yet" in response.content.decode()


def test_evidence_of_another_incident_is_not_reachable(client_alice, incident):
    other = EventFactory()
    assert client_alice.post(f"/incidents/{incident.pk}/events/{other.pk}/delete/").status_code == 404
    assert client_alice.get(f"/incidents/{incident.pk}/bogus/new/").status_code == 404


def test_a_notice_is_kept_verbatim_and_sets_the_claimed_window(client_alice, incident):
    raw = " 発生日時 : 2024年03月01日(金) 08時30分頃\r\n 復旧日時 : 2024年03月01日(金) 11時00分頃\r\n"
    response = client_alice.post(
        f"/incidents/{incident.pk}/notices/new/",
        {
            "notices-url": "https://status.example/1",
            "notices-retrieved_at": "2024-03-01T12:00",
            "notices-raw_text": raw,
            "notices-claimed_start": "2024-03-01T08:30",
            "notices-claimed_end": "2024-03-01T11:00",
            "notices-zone": "Asia/Tokyo",
            "notices-target": "",
            "notices-cause": "",
        },
        headers=HX,
    )
    assert response.status_code == 200
    notice = ProviderNotice.objects.get()
    assert notice.raw_text == raw
    assert notice.sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert "Provider claimed 2h 30m" in text_of(response)


def test_a_notice_ending_before_it_starts_is_refused(client_alice, incident):
    response = client_alice.post(
        f"/incidents/{incident.pk}/notices/new/",
        {
            "notices-retrieved_at": "2024-03-01T12:00",
            "notices-raw_text": "x",
            "notices-zone": "UTC",
            "notices-claimed_start": "2024-03-01T11:00",
            "notices-claimed_end": "2024-03-01T08:00",
        },
    )
    assert response.status_code == 422
    assert "The claimed end is before the claimed start." in response.content.decode()
    assert not ProviderNotice.objects.exists()


def test_a_support_contact_records_response_time_and_provider(client_alice, incident):
    response = client_alice.post(
        f"/incidents/{incident.pk}/contacts/new/",
        {
            "contacts-channel": "phone",
            "contacts-initiated_by": "provider",
            "contacts-zone": "Asia/Tokyo",
            "contacts-opened_at": "2024-03-01T12:32",
            "contacts-first_response_at": "2024-03-01T12:40",
            "contacts-helpfulness": "5",
            "contacts-summary": "They called us.",
        },
        headers=HX,
    )
    assert response.status_code == 200
    contact = SupportContact.objects.get()
    assert contact.provider == incident.service.provider
    assert contact.response_time == timedelta(minutes=8)
    assert "answered in 8m" in response.content.decode()


def test_a_support_contact_answered_before_it_was_opened_is_refused(client_alice, incident):
    response = client_alice.post(
        f"/incidents/{incident.pk}/contacts/new/",
        {
            "contacts-channel": "email",
            "contacts-initiated_by": "user",
            "contacts-zone": "UTC",
            "contacts-opened_at": "2024-03-01T12:32",
            "contacts-first_response_at": "2024-03-01T12:00",
            "contacts-helpfulness": "9",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The first response is before the contact was opened." in html
    assert "Ensure this value is less than or equal to 5." in html
    assert not SupportContact.objects.exists()


def test_an_uploaded_log_is_kept_byte_for_byte_and_downloads_unchanged(client_alice, incident):
    data = b"Jul 20 08:12:37 host sshd[1205]: Received signal 15\r\n\x82\xa0 sjis \x00 nul\rend"
    response = client_alice.post(
        f"/incidents/{incident.pk}/logs/new/",
        {
            "logs-file": SimpleUploadedFile("messages.log", data),
            "logs-name": "",
        },
    )
    assert response.status_code == 302
    excerpt = LogExcerpt.objects.get()
    assert (excerpt.name, excerpt.size, excerpt.sha256) == ("messages.log", len(data), hashlib.sha256(data).hexdigest())
    download = client_alice.get(f"/incidents/{incident.pk}/logs/{excerpt.pk}/raw/")
    assert b"".join(download.streaming_content) == data
    assert download["X-Content-SHA256"] == excerpt.sha256
    assert 'filename="messages.log"' in download["Content-Disposition"]


def test_pasted_lines_are_kept_as_received(client_alice, incident):
    pasted = "Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.\r\n稼働中\r\n"
    client_alice.post(f"/incidents/{incident.pk}/logs/new/", {"logs-text": pasted, "logs-name": "paste"})
    assert LogExcerpt.objects.get().read_bytes() == pasted.encode("utf-8")


def test_a_log_needs_a_file_or_lines_but_not_both(client_alice, incident):
    response = client_alice.post(f"/incidents/{incident.pk}/logs/new/", {"logs-text": "", "logs-name": "x"})
    assert response.status_code == 422
    assert "Upload a file or paste lines (one of the two)." in response.content.decode()
    assert not LogExcerpt.objects.exists()


def test_renaming_a_log_keeps_its_bytes(client_alice, incident):
    excerpt = LogExcerptFactory(incident=incident, data=b"abc\n")
    response = client_alice.post(
        f"/incidents/{incident.pk}/logs/{excerpt.pk}/edit/", {"logs-name": "renamed", "logs-version": excerpt.version}
    )
    assert response.status_code == 302
    excerpt.refresh_from_db()
    assert (excerpt.name, excerpt.read_bytes()) == ("renamed", b"abc\n")


def test_the_standalone_form_page_works_without_javascript(client_alice, incident):
    response = client_alice.get(f"/incidents/{incident.pk}/contacts/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "Add support contact" in html
    assert f'action="/incidents/{incident.pk}/contacts/new/"' in html


def test_reading_a_notice_prefills_the_form_without_saving(client_alice, incident):
    data = {
        "notices-raw_text": " 発生日時 : 2024年03月01日(金) 08時30分頃\n 復旧日時 : 2024年03月01日(金) 11時00分頃\n"
        " 対象 : cnode-a1104\n",
        "notices-zone": "Asia/Tokyo",
        "notices-retrieved_at": "2024-03-01T12:00",
        "read_notice": "1",
    }
    response = client_alice.post(f"/incidents/{incident.pk}/notices/new/", data, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#new-notices"
    assert 'value="2024-03-01T08:30:00"' in html and 'value="2024-03-01T11:00:00"' in html
    assert re.search(r'<input type="checkbox" name="notices-approximate"[^>]* checked>', html)
    assert 'value="cnode-a1104"' in html
    assert "Read from the text: start, end, target. Check them, then save." in html
    assert not ProviderNotice.objects.exists()


def test_reading_a_notice_with_nothing_to_read_says_so(client_alice, incident):
    data = {"notices-raw_text": "We are looking into it.", "notices-zone": "UTC", "read_notice": "1"}
    html = client_alice.post(f"/incidents/{incident.pk}/notices/new/", data).content.decode()
    assert "Nothing could be read from this text" in html


def test_a_form_on_its_own_page_posts_without_htmx_and_its_partial_keeps_htmx(client_alice, incident):
    """The form's htmx target (#evidence) is on the incident page only: on the form's own page
    htmx is switched off around it, so "Read times from the text" and Save post plainly."""
    url = f"/incidents/{incident.pk}/notices/new/"
    page = client_alice.get(url).content.decode()
    wrapped = r'<div hx-disable>\s*<form id="new-notices"[^>]*hx-target="#evidence".*?</form>\s*</div>'
    assert re.search(wrapped, page, re.S)
    partial = client_alice.get(url, headers=HX).content.decode()
    assert "hx-disable" not in partial and 'hx-target="#evidence"' in partial
