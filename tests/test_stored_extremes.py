"""Every page and the backup path keep working on values already stored at the edges of the
calendar (written around the app's checks: directly with .update(), as an older version or
another tool might have): they show "out of range" rather than answer 500."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from journal.models import Incident, ProviderNotice, Service, SupportContact, TimelineEvent
from tests.factories import SupportContactFactory
from tests.helpers import text_of

NEW_YORK, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")
EXTREMES = {
    "year 1 in New York": (datetime(1, 1, 1, tzinfo=NEW_YORK), "America/New_York"),
    "year 9999 in Tokyo": (datetime(9999, 12, 31, tzinfo=TOKYO), "Asia/Tokyo"),
    "first instant in UTC": (datetime(1, 1, 1, tzinfo=UTC), "UTC"),
    "last second in UTC": (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "UTC"),
}
VIEWERS = ["Pacific/Honolulu", "Pacific/Kiritimati"]  # UTC−10 and UTC+14: both edges overflow somewhere


@pytest.fixture(params=list(EXTREMES), ids=list(EXTREMES))
def extreme(request, seed):
    moment, zone = EXTREMES[request.param]
    vps = seed["vps"]
    Service.objects.filter(pk=vps.service_id).update(time_zone=zone)
    TimelineEvent.objects.filter(incident=vps, type="down").update(at=moment)
    TimelineEvent.objects.filter(incident=vps, type="noticed").update(at=moment)
    ProviderNotice.objects.filter(incident=vps).update(retrieved_at=moment, claimed_start=moment)
    contact = SupportContactFactory(incident=vps, provider=vps.service.provider, first_response_at=None)
    SupportContact.objects.filter(pk=contact.pk).update(opened_at=moment)
    Incident.objects.filter(pk=vps.pk).update(status="open", resolved_at=moment)
    Service.objects.filter(pk=vps.service_id).update(started_on=moment.date())
    return {**seed, "contact": contact}


def _pages(seed) -> list[str]:
    vps = seed["vps"]
    event = vps.events.first()
    provider = vps.service.provider_id
    return [
        "/",
        "/incidents/",
        f"/incidents/{vps.pk}/",
        f"/incidents/{vps.pk}/edit/",
        f"/incidents/{vps.pk}/events/{event.pk}/edit/",
        f"/incidents/{vps.pk}/contacts/{seed['contact'].pk}/edit/",
        f"/incidents/{vps.pk}/notices/{vps.notices.get().pk}/edit/",
        f"/providers/{provider}/",
        f"/providers/{provider}/scorecard/",
        f"/providers/{provider}/scorecard/?year=2012",
        f"/providers/compare/?p={provider}&p={seed['cert'].service.provider_id}",
        f"/services/{vps.service_id}/",
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_answers_on_stored_extremes(client_alice, extreme, viewer):
    client_alice.cookies["viewer_tz"] = viewer
    for url in _pages(extreme):
        response = client_alice.get(url)
        assert response.status_code == 200, url
    page = text_of(client_alice.get(f"/incidents/{extreme['vps'].pk}/"))
    assert "out of range" in page or "0001-" in page or "9999-" in page


def test_the_incident_page_says_out_of_range_where_a_zone_cannot_show_a_time(client_alice, seed):
    vps = seed["vps"]
    TimelineEvent.objects.filter(incident=vps, type="noticed").update(at=datetime(1, 1, 1, tzinfo=UTC))
    client_alice.cookies["viewer_tz"] = "Pacific/Honolulu"
    page = text_of(client_alice.get(f"/incidents/{vps.pk}/"))
    assert page.count("out of range") >= 1
    assert "Observed down 3h 01m" in page  # the totals are untouched by a marker out of range


def test_the_evidence_pack_and_export_work_on_stored_extremes(client_alice, extreme, tmp_path):
    vps = extreme["vps"]
    response = client_alice.get(f"/incidents/{vps.pk}/evidence.zip")
    assert response.status_code == 200
    summary = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("summary.md").decode()
    assert "- Observed down:" in summary
    path = tmp_path / "backup.json"
    call_command("export_journal", str(path), stderr=io.StringIO())
    document = json.loads(path.read_text())
    exported = next(i for i in document["incidents"] if i["uid"] == str(vps.uid))
    assert any(e["at"].startswith(("0001-", "9999-")) for e in exported["events"])


def test_commands_report_and_scorecard_work_on_stored_extremes(extreme):
    out = io.StringIO()
    call_command("report", format="json", stdout=out)
    assert json.loads(out.getvalue())
    out = io.StringIO()
    call_command("scorecard", extreme["vps"].service.provider.name, format="json", stdout=out)
    card = json.loads(out.getvalue())
    assert card["incidents"] >= 1


def test_a_year_long_open_down_from_year_one_is_clamped_not_overflowed(seed):
    """The arithmetic clamps to 1970 … 9990: an open down stored at year 1 counts from 1970."""
    vps = seed["vps"]
    TimelineEvent.objects.filter(incident=vps).delete()
    vps.events.create(at=datetime(1, 1, 1, tzinfo=UTC), type="down")
    Incident.objects.filter(pk=vps.pk).update(status="open")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    totals = Incident.objects.get(pk=vps.pk).compute_totals(now)
    assert totals.observed == now - datetime(1970, 1, 1, tzinfo=UTC)
    assert totals.observed > timedelta(days=365 * 55)
