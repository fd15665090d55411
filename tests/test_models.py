import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from journal.models import Incident, ProviderNotice
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, NoticeFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_seed_outage_adds_up_to_the_blogs_numbers(seed):
    totals = seed["vps"].totals
    assert totals.observed == timedelta(hours=3, minutes=1)
    assert totals.span == timedelta(hours=4, minutes=21)
    assert totals.claimed_duration == timedelta(hours=6, minutes=53)
    assert totals.first_down == datetime(2012, 7, 19, 23, 12, tzinfo=UTC)
    assert totals.last_up == datetime(2012, 7, 20, 3, 33, tzinfo=UTC)


def test_the_certificate_incident_is_a_defect_with_no_downtime(seed):
    cert = seed["cert"]
    assert cert.kind == Incident.Kind.DEFECT
    assert cert.totals.observed == timedelta(0)
    assert cert.support_contacts.get().get_channel_display() == "Contact form"


def test_an_open_incident_is_down_until_now():
    incident = IncidentFactory(status=Incident.Status.OPEN)
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    now = datetime(2024, 3, 1, 11, 30, tzinfo=UTC)
    totals = incident.compute_totals(now=now)
    assert totals.observed == timedelta(hours=2, minutes=30)
    assert totals.still_down and totals.last_up is None


def test_a_resolved_incident_still_down_at_its_end_counts_to_its_end():
    incident = IncidentFactory(status=Incident.Status.RESOLVED, resolved_at=datetime(2024, 3, 1, 10, tzinfo=UTC))
    EventFactory(incident=incident, type="down", at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    assert incident.totals.observed == timedelta(hours=1)


def test_provider_downtime_per_year_merges_overlapping_incidents_of_a_service():
    service = ServiceFactory(time_zone="UTC")
    for start, end in [(9, 11), (10, 12)]:  # overlap 10-11 counted once
        incident = IncidentFactory(service=service)
        EventFactory(incident=incident, type="down", at=datetime(2023, 5, 1, start, tzinfo=UTC))
        EventFactory(incident=incident, type="up", at=datetime(2023, 5, 1, end, tzinfo=UTC))
    other = IncidentFactory(service=ServiceFactory(provider=service.provider, time_zone="UTC"))
    EventFactory(incident=other, type="down", at=datetime(2024, 1, 1, 0, tzinfo=UTC))
    EventFactory(incident=other, type="up", at=datetime(2024, 1, 1, 0, 45, tzinfo=UTC))
    assert service.provider.downtime_by_year() == {2024: timedelta(minutes=45), 2023: timedelta(hours=3)}


def test_a_notice_keeps_its_text_and_hash():
    notice = NoticeFactory(raw_text=" 発生日時 : 2012年07月20日(金) 06時07分頃\r\n")
    notice.refresh_from_db()
    assert notice.raw_text == " 発生日時 : 2012年07月20日(金) 06時07分頃\r\n"
    assert notice.sha256 == hashlib.sha256(" 発生日時 : 2012年07月20日(金) 06時07分頃\r\n".encode()).hexdigest()


def test_a_notice_cannot_end_before_it_starts():
    notice = ProviderNotice(
        raw_text="x", claimed_start=datetime(2024, 1, 2, tzinfo=UTC), claimed_end=datetime(2024, 1, 1, tzinfo=UTC)
    )
    with pytest.raises(Exception, match="claimed end is before the claimed start"):
        notice.clean()


def test_a_log_excerpt_keeps_bytes_verbatim_and_removes_the_file_with_the_last_copy(
    django_capture_on_commit_callbacks,
):
    data = b"Jul 20 08:12:37 host sshd[1205]: \xff\xfe\x00 binary\r\nline two\r"
    excerpt = LogExcerptFactory(data=data)
    assert excerpt.read_bytes() == data
    assert excerpt.size == len(data)
    twin = LogExcerptFactory(data=data)
    assert twin.raw.name == excerpt.raw.name  # identical bytes are stored once
    path = Path(excerpt.raw.path)
    with django_capture_on_commit_callbacks(execute=True):
        excerpt.delete()
    assert path.exists() and twin.read_bytes() == data
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        twin.delete()
        assert path.exists()  # not before the deletion is committed
    assert len(callbacks) == 1
    assert not path.exists()
