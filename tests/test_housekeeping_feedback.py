"""Feedback: a message after every create, change and delete, in a live region, also for
htmx requests (out of band); a service and provider made from "New incident" without losing
the form; upload progress and landing at the new suggestions once a reading finishes."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from journal import demo
from journal.models import Incident, LogExcerpt, Provider, Service
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, ProviderFactory, ServiceFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
OOB = '<div id="messages" hx-swap-oob="innerHTML">'


def messages_of(html: str) -> list[str]:
    """The texts of the messages in the out-of-band region (or the page's region)."""
    region = html[html.index('id="messages"') :]
    region = region[: region.index("</div>")]
    return [re.sub(r"<[^>]+>|\s+", " ", li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", region, re.S)]


# ------------------------------------------------------------------------ messages


def test_creating_and_editing_an_incident_says_so_in_the_live_region(client_alice):
    service = ServiceFactory(time_zone="UTC")
    data = {"service": service.pk, "title": "Mail down", "kind": "outage", "status": "open", "zone": "service"}
    page = client_alice.post("/incidents/new/", data, follow=True).content.decode()
    assert 'id="messages" role="status" aria-live="polite"' in page
    assert messages_of(page) == ["Created incident “Mail down”."]
    incident = Incident.objects.get()
    edit = {**data, "title": "Mail down for hours", "version": incident.version}
    page = client_alice.post(f"/incidents/{incident.pk}/edit/", edit, follow=True).content.decode()
    assert messages_of(page) == ["Saved incident “Mail down for hours”."]
    assert messages_of(client_alice.get("/").content.decode()) == []  # shown once


def test_an_htmx_change_brings_its_message_out_of_band(client_alice):
    incident = IncidentFactory(service__time_zone="UTC")
    data = {"events-zone": "UTC", "events-source": "person", "events-at": "2024-03-01T09:00:00", "events-type": "down"}
    response = client_alice.post(f"/incidents/{incident.pk}/events/new/", data, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="event-' in html  # the changed row, swapped in place
    assert html.count(OOB) == 1 and messages_of(html[html.index(OOB) :]) == ["Added the event."]
    event = incident.events.get()
    html = client_alice.post(f"/incidents/{incident.pk}/events/{event.pk}/delete/", headers=HX).content.decode()
    assert messages_of(html[html.index(OOB) :]) == ["Deleted the event."]
    assert OOB not in client_alice.get(incident.get_absolute_url(), headers=HX).content.decode()  # nothing new


def test_removing_and_restoring_a_log_say_so(client_alice):
    excerpt = LogExcerptFactory()
    base = f"/incidents/{excerpt.incident_id}/logs/{excerpt.pk}"
    html = client_alice.post(f"{base}/delete/", {"reason": "wrong host"}, headers=HX).content.decode()
    assert messages_of(html[html.index(OOB) :]) == ["Removed the log excerpt; it can be restored below."]
    html = client_alice.post(f"{base}/restore/", headers=HX).content.decode()
    assert messages_of(html[html.index(OOB) :]) == ["Restored the log excerpt."]


def test_a_message_is_kept_for_the_next_page_when_htmx_is_told_to_refresh(client_alice):
    excerpt = LogExcerptFactory()
    client_alice.post(f"/incidents/{excerpt.incident_id}/logs/{excerpt.pk}/read/", {"time_zone": "UTC", "year": 2024})
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="read")  # as the worker leaves it
    done = client_alice.get(excerpt.get_absolute_url(), headers=HX | {"HX-Target": f"reading-{excerpt.pk}"})
    assert done["HX-Refresh"] == "true" and OOB not in done.content.decode()
    assert "Reading the lines again as UTC, 2024." in text_of(client_alice.get(excerpt.get_absolute_url()))


def test_provider_and_service_create_and_edit_say_so(client_alice):
    page = client_alice.post("/providers/new/", {"name": "Sakura"}, follow=True).content.decode()
    assert messages_of(page) == ["Created provider “Sakura”."]
    provider = Provider.objects.get()
    page = client_alice.post(f"/providers/{provider.pk}/edit/", {"name": "Sakura Internet"}, follow=True)
    assert messages_of(page.content.decode()) == ["Saved provider “Sakura Internet”."]
    page = client_alice.post(
        f"/providers/{provider.pk}/channels/new/",
        {"channel": "phone", "days": ["mon"], "time_zone": "UTC"},
        follow=True,
    )
    assert messages_of(page.content.decode()) == ["Added the support hours."]


# ------------------------------------------------------------------------ the dialog


def test_new_incident_offers_a_dialog_for_a_new_service_or_provider(client_alice):
    page = client_alice.get("/incidents/new/").content.decode()
    assert 'hx-get="/services/new/" hx-target="#quick-add-body"' in page
    assert 'href="/services/new/?for=incident"' in page  # without JavaScript: a page that comes back
    assert '<dialog id="quick-add" aria-labelledby="quick-add-h">' in page
    assert re.search(r'<script src="/static/js/dialog\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert finders.find("js/dialog.js") and finders.find("js/upload.js")


def test_the_dialog_creates_a_provider_and_service_and_chooses_it_in_the_incident_form(client_alice):
    ServiceFactory(name="Old box", provider__name="Old host")
    headers = HX | {"HX-Target": "quick-add-body"}
    form = client_alice.get("/services/new/", headers=headers)
    html = form.content.decode()
    assert "<html" not in html and 'hx-post="/services/new/"' in html and 'name="new_provider"' in html
    data = {"new_provider": "Sakura Internet", "name": "VPS 2G", "time_zone": "Asia/Tokyo"}
    response = client_alice.post("/services/new/", data, headers=headers)
    assert response.status_code == 200
    service = Service.objects.get(name="VPS 2G")
    assert service.provider.name == "Sakura Internet"
    html = response.content.decode()
    select = re.search(r"<select[^>]*>", html).group(0)
    assert 'name="service"' in select and 'id="id_service"' in select and 'hx-swap-oob="true"' in select
    assert f'<option value="{service.pk}" selected>Sakura Internet › VPS 2G</option>' in html
    assert "Old host › Old box</option>" in html
    assert response["HX-Trigger"] == '{"journal:dialog-done": {"focus": "#id_service"}}'
    assert messages_of(html[html.index(OOB) :]) == ["Created service “VPS 2G”."]


def test_the_dialog_keeps_what_was_typed_when_the_provider_exists(client_alice):
    existing = ProviderFactory(name="Sakura Internet")
    headers = HX | {"HX-Target": "quick-add-body"}
    data = {"new_provider": "ｓａｋｕｒａ internet", "name": "VPS 2G", "time_zone": "Asia/Tokyo", "host": "tk2-1"}
    response = client_alice.post("/services/new/", data, headers=headers)
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html
    assert f'A provider named “<a href="{existing.get_absolute_url()}">Sakura Internet</a>” already exists.' in html
    assert 'value="VPS 2G"' in html and 'value="tk2-1"' in html
    assert Service.objects.count() == 0 and Provider.objects.count() == 1
    neither = client_alice.post("/services/new/", {"name": "x", "time_zone": "UTC"}, headers=headers)
    assert neither.status_code == 422 and "Choose a provider or name a new one." in neither.content.decode()


def test_without_javascript_the_new_service_leads_back_to_new_incident_with_it_chosen(client_alice):
    data = {"new_provider": "Conoha", "name": "VPS", "time_zone": "Asia/Tokyo"}
    response = client_alice.post("/services/new/?for=incident", data)
    service = Service.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/new/?service={service.pk}"
    page = client_alice.get(response["Location"]).content.decode()
    assert f'<option value="{service.pk}" selected>Conoha › VPS</option>' in page
    assert messages_of(page) == ["Created service “VPS”."]


# ------------------------------------------------------------------------ upload and reading


def test_upload_js_sends_with_progress_and_a_disabled_button():
    source = Path(finders.find("js/upload.js")).read_text(encoding="utf-8")
    assert "xhr.upload" in source and "htmx:beforeSend" in source
    assert "b.disabled = disabled" in source and " of " in source and " sent" in source


def test_every_page_loads_upload_js(client_alice):
    page = client_alice.get("/").content.decode()
    assert '<script src="/static/js/upload.js" defer></script>' in page


def test_a_reading_finished_on_the_incident_page_swaps_the_evidence_and_goes_to_the_suggestions(client_alice):
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", service__name="VPS")
    EventFactory(incident=incident, type="observation", at=datetime(2012, 7, 20, 0, 0, tzinfo=UTC))
    excerpt = LogExcerptFactory(incident=incident, data=demo.FREEBSD_SYSLOG.encode())
    headers = HX | {
        "HX-Target": f"reading-{excerpt.pk}",
        "HX-Current-URL": f"http://testserver{incident.get_absolute_url()}",
    }
    response = client_alice.get(excerpt.get_absolute_url(), headers=headers)
    assert response["HX-Retarget"] == "#evidence" and response["HX-Reswap"] == "outerHTML"
    assert response["HX-Trigger-After-Settle"] == '{"journal:show": {"selector": "#log-suggestions"}}'
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="evidence">') and 'id="log-suggestions"' in html
    assert "What the logs show" in html
    LogExcerpt.objects.filter(pk=excerpt.pk).update(state="queued")
    polled = client_alice.get(excerpt.get_absolute_url(), headers=headers)
    assert "HX-Retarget" not in polled and "Queued" in text_of(polled)


def test_accepting_and_dismissing_log_suggestions_say_so(client_alice):
    from journal.models import LogSuggestion

    excerpt = LogExcerptFactory(incident__service__time_zone="Asia/Tokyo", data=demo.FREEBSD_SYSLOG.encode())
    first, second = LogSuggestion.objects.filter(excerpt=excerpt).order_by("at")[:2]
    base = f"/incidents/{excerpt.incident_id}/suggestions"
    html = client_alice.post(f"{base}/{first.pk}/accept/", headers=HX).content.decode()
    assert messages_of(html[html.index(OOB) :]) == [f"Added “{first.get_type_display()}” from the log to the timeline."]
    html = client_alice.post(f"{base}/{second.pk}/dismiss/", headers=HX).content.decode()
    assert messages_of(html[html.index(OOB) :]) == ["Dismissed the suggestion."]
    html = client_alice.post(f"{base}/accept-all/", headers=HX).content.decode()
    left = LogSuggestion.objects.filter(excerpt=excerpt, status="accepted").count() - 1
    assert messages_of(html[html.index(OOB) :]) == [f"Accepted {left} suggested events."]
