"""Notices and log excerpts are evidence: their text and bytes never change; a corrected text
is a new version; a removal keeps the row with who, when and why, and can be undone."""

import hashlib
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from journal import evidence_pack, portability
from journal.models import Incident, LogExcerpt, ProviderNotice
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, NoticeFactory
from tests.helpers import text_of

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
OLD_TEXT = "Outage of host cnode-a1104 from about 06:07 to about 13:00."


@pytest.fixture
def outage():
    """Down 08:12–08:39 UTC; the provider's notice claims 06:07–13:00 (6h53m)."""
    incident = IncidentFactory(service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=datetime(2012, 7, 20, 8, 12, tzinfo=UTC))
    EventFactory(incident=incident, type="up", at=datetime(2012, 7, 20, 8, 39, tzinfo=UTC))
    NoticeFactory(
        incident=incident,
        raw_text=OLD_TEXT,
        claimed_start=datetime(2012, 7, 20, 6, 7, tzinfo=UTC),
        claimed_end=datetime(2012, 7, 20, 13, 0, tzinfo=UTC),
    )
    return incident


def notice_data(notice, **changes):
    data = {
        "notices-url": notice.url,
        "notices-retrieved_at": f"{notice.retrieved_at:%Y-%m-%dT%H:%M:%S}",
        "notices-zone": "UTC",
        "notices-raw_text": notice.raw_text,
        "notices-claimed_start": f"{notice.claimed_start:%Y-%m-%dT%H:%M:%S}",
        "notices-claimed_end": f"{notice.claimed_end:%Y-%m-%dT%H:%M:%S}",
        "notices-target": notice.target,
        "notices-cause": notice.cause,
        "notices-version": notice.version,
    }
    return {**data, **changes}


def test_a_stored_notice_text_cannot_be_changed_in_place(outage):
    notice = outage.notices.get()
    notice.raw_text = "Something else"
    with pytest.raises(ValidationError, match="immutable"):
        notice.save()
    assert ProviderNotice.objects.get().raw_text == OLD_TEXT


def test_stored_log_bytes_cannot_be_changed_in_place(outage):
    excerpt = LogExcerptFactory(incident=outage, data=b"a\n")
    excerpt.sha256 = hashlib.sha256(b"b\n").hexdigest()
    with pytest.raises(ValidationError, match="immutable"):
        excerpt.save()


def test_editing_a_notice_text_saves_a_new_version_and_keeps_the_old(client_alice, outage):
    old = outage.notices.get()
    new_text = "Outage of host cnode-a1104 from about 06:07 to about 12:40."
    response = client_alice.post(
        f"/incidents/{outage.pk}/notices/{old.pk}/edit/",
        notice_data(old, **{"notices-raw_text": new_text, "notices-claimed_end": "2012-07-20T12:40:00"}),
    )
    assert response.status_code == 302

    new = ProviderNotice.objects.get()  # the current one
    assert new.pk != old.pk and new.supersedes_id == old.pk
    assert (new.raw_text, new.sha256) == (new_text, hashlib.sha256(new_text.encode()).hexdigest())
    old.refresh_from_db()
    assert (old.raw_text, old.claimed_end) == (OLD_TEXT, datetime(2012, 7, 20, 13, 0, tzinfo=UTC))
    assert old.is_superseded
    assert outage.compute_totals().claimed_duration == timedelta(hours=6, minutes=33)  # only the new one counts

    page = client_alice.get(f"/incidents/{outage.pk}/")
    text = text_of(page)
    assert "1 superseded or removed (not counted in the totals)" in text
    assert "Superseded by a corrected version" in text
    assert old.sha256 in text and new.sha256 in text


def test_correcting_the_claimed_window_edits_the_notice_in_place_with_history(client_alice, outage):
    notice = outage.notices.get()
    response = client_alice.post(
        f"/incidents/{outage.pk}/notices/{notice.pk}/edit/",
        notice_data(notice, **{"notices-claimed_start": "2012-07-20T06:10:00", "notices-target": "cnode-a1104"}),
    )
    assert response.status_code == 302
    assert ProviderNotice.all_objects.count() == 1
    notice.refresh_from_db()
    assert (notice.claimed_start, notice.target, notice.version) == (
        datetime(2012, 7, 20, 6, 10, tzinfo=UTC),
        "cnode-a1104",
        2,
    )
    change = notice.history.first()
    assert (change.history_type, change.history_user.username) == ("~", "alice")
    assert change.prev_record.claimed_start == datetime(2012, 7, 20, 6, 7, tzinfo=UTC)


def test_removing_a_notice_needs_a_reason(client_alice, outage):
    notice = outage.notices.get()
    url = f"/incidents/{outage.pk}/notices/{notice.pk}/delete/"
    response = client_alice.post(url, {"reason": "   "}, headers=HX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#remove-notices-{notice.pk}"
    assert "Say why it is removed" in text_of(response)
    assert ProviderNotice.objects.filter(pk=notice.pk).exists()
    response = client_alice.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Say why it is removed" in text_of(response)


def test_a_removed_notice_is_kept_shown_and_not_counted_then_restored(client_alice, outage):
    notice = outage.notices.get()
    url = f"/incidents/{outage.pk}/notices/{notice.pk}/delete/"
    assert client_alice.post(url, {"reason": "notice was for another host"}).status_code == 302

    notice = ProviderNotice.all_objects.get()
    assert notice.removed_by.username == "alice" and notice.removal_reason == "notice was for another host"
    assert not outage.notices.exists()
    assert outage.compute_totals().claimed is None  # out of totals and claims
    with zipfile.ZipFile(evidence_pack.build(outage)) as pack:
        assert not any(name.startswith("notices/") for name in pack.namelist())

    text = text_of(client_alice.get(f"/incidents/{outage.pk}/"))
    assert f"Removed by alice at {notice.removed_at:%Y-%m-%d %H:%M:%S}: notice was for another host" in text
    assert "Provider claimed —" in text

    response = client_alice.post(f"/incidents/{outage.pk}/notices/{notice.pk}/restore/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.removed_at, notice.removed_by, notice.removal_reason) == (None, None, "")
    assert outage.compute_totals().claimed_duration == timedelta(hours=6, minutes=53)


def test_a_removed_notice_cannot_be_edited(client_alice, outage):
    notice = outage.notices.get()
    notice.remove(None, "duplicate")
    response = client_alice.post(
        f"/incidents/{outage.pk}/notices/{notice.pk}/edit/", notice_data(notice, **{"notices-target": "x"})
    )
    assert response.status_code == 409
    assert "Removed by — at" in text_of(response) and "duplicate" in text_of(response)
    assert ProviderNotice.all_objects.get().target == ""


def test_a_removed_log_excerpt_keeps_its_bytes_and_leaves_suggestions_out(client_alice, outage):
    data = (
        b"Jul 20 08:12:37 host syslogd: exiting on signal 15\n"
        b"Jul 20 08:39:19 host syslogd: kernel boot file is /boot/kernel/kernel\n"
    )
    excerpt = LogExcerptFactory(incident=outage, data=data)
    assert [s.type for s in outage.pending_suggestions()] == ["down", "up"]
    url = f"/incidents/{outage.pk}/logs/{excerpt.pk}/delete/"
    assert client_alice.post(url, {"reason": "wrong server"}, headers=HX).status_code == 200

    excerpt = LogExcerpt.all_objects.get()
    assert excerpt.is_removed and excerpt.lines.count() == 2
    assert not outage.log_excerpts.exists() and not outage.pending_suggestions()
    download = client_alice.get(f"/incidents/{outage.pk}/logs/{excerpt.pk}/raw/")
    assert b"".join(download.streaming_content) == data
    text = text_of(client_alice.get(f"/incidents/{outage.pk}/"))
    assert "1 removed" in text and "wrong server" in text

    client_alice.post(f"/incidents/{outage.pk}/logs/{excerpt.pk}/restore/")
    assert outage.log_excerpts.get() == excerpt


def test_events_and_contacts_are_deleted_not_removed(client_alice, outage):
    event = outage.events.first()
    assert client_alice.post(f"/incidents/{outage.pk}/events/{event.pk}/delete/").status_code == 302
    assert not outage.events.filter(pk=event.pk).exists()
    assert event.history.first().history_type == "-"  # the history keeps what it was
    response = client_alice.post(f"/incidents/{outage.pk}/events/{outage.events.first().pk}/restore/")
    assert response.status_code == 404


def test_export_and_import_keep_superseded_and_removed_evidence(client_alice, alice, outage):
    old = outage.notices.get()
    client_alice.post(
        f"/incidents/{outage.pk}/notices/{old.pk}/edit/",
        notice_data(old, **{"notices-raw_text": "Corrected text."}),
    )
    excerpt = LogExcerptFactory(incident=outage, data=b"Jul 20 08:12:37 host sshd[1205]: bye\n")
    excerpt.remove(alice, "wrong host")
    document = portability.export_document()
    notices = document["incidents"][0]["notices"]
    assert [(n["raw_text"], n.get("supersedes")) for n in notices] == [(OLD_TEXT, None), ("Corrected text.", 0)]
    assert document["incidents"][0]["log_excerpts"][0]["removal_reason"] == "wrong host"

    outage.delete()
    portability.import_document(document)

    current = ProviderNotice.objects.get()
    assert current.raw_text == "Corrected text." and current.supersedes.raw_text == OLD_TEXT
    restored = LogExcerpt.all_objects.get()
    assert (restored.is_removed, restored.removed_by, restored.removal_reason) == (True, alice, "wrong host")
    assert not LogExcerpt.objects.exists()


@pytest.mark.parametrize("links", [[1, 0], [5, None], [1, 1, None]])
def test_import_refuses_notices_superseding_in_a_loop_or_nowhere(links):
    incident = IncidentFactory()
    for _ in links:
        NoticeFactory(incident=incident, raw_text=f"text {_}")
    document = portability.export_document()
    Incident.objects.all().delete()
    for notice, link in zip(document["incidents"][0]["notices"], links, strict=False):
        notice["supersedes"] = link
    with pytest.raises(portability.DocumentError, match=r"incidents\[0\]\.notices\[\d\]\.supersedes: "):
        portability.import_document(document)
