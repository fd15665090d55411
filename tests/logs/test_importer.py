import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import demo
from journal.logs.importer import read_excerpt
from journal.models import Incident, LogExcerpt, LogLine, LogSuggestion
from tests.factories import EventFactory, IncidentFactory

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def excerpt_of(data: bytes, incident=None, **kwargs) -> LogExcerpt:
    excerpt = LogExcerpt(incident=incident or IncidentFactory(service__time_zone="Asia/Tokyo"), name="log")
    excerpt.store(data)
    read_excerpt(excerpt, **kwargs)
    excerpt.refresh_from_db()
    return excerpt


@pytest.fixture
def vps_outage(db):
    """A fresh outage of a Tokyo VPS in July 2012, with nothing on its timeline yet."""
    incident = IncidentFactory(service__time_zone="Asia/Tokyo", status=Incident.Status.RESOLVED)
    EventFactory(incident=incident, type="noticed", at=datetime(2012, 7, 20, 8, 56, tzinfo=JST))
    return incident


def test_the_seed_syslog_proves_exactly_four_events(vps_outage):
    excerpt = excerpt_of(demo.FREEBSD_SYSLOG.encode(), vps_outage)
    found = [(s.type, s.at.astimezone(JST).strftime("%H:%M:%S"), s.line.number) for s in excerpt.suggestions.all()]
    assert found == [("down", "08:12:37", 1), ("up", "08:39:19", 5), ("down", "09:59:18", 9), ("up", "12:33:10", 16)]
    assert excerpt.suggestions.get(line__number=1).text == "sshd[1205]: Received signal 15; terminating."


def test_accepting_them_gives_about_three_hours_down(vps_outage):
    excerpt = excerpt_of(demo.FREEBSD_SYSLOG.encode(), vps_outage)
    for suggestion in excerpt.suggestions.all():
        suggestion.accept()
    incident = Incident.objects.get(pk=vps_outage.pk)
    assert incident.totals.observed == timedelta(hours=3, seconds=34)  # 26m42s + 2h33m52s
    event = incident.events.get(at=datetime(2012, 7, 20, 8, 12, 37, tzinfo=JST))
    assert (event.source, event.log_line.number) == ("log", 1)
    assert excerpt.suggestions.filter(status=LogSuggestion.Status.PENDING).count() == 0


def test_reading_again_keeps_accepted_events_accepted(vps_outage):
    excerpt = excerpt_of(demo.FREEBSD_SYSLOG.encode(), vps_outage)
    excerpt.suggestions.first().accept()
    read_excerpt(excerpt)
    assert excerpt.suggestions.filter(status="accepted").count() == 1
    assert excerpt.suggestions.filter(status="pending").count() == 3
    assert vps_outage.events.filter(source="log").count() == 1


def test_every_line_is_stored_with_counts_and_formats(vps_outage):
    excerpt = excerpt_of(demo.FREEBSD_SYSLOG.encode(), vps_outage)
    assert (excerpt.line_count, excerpt.parsed_count, excerpt.unparsed_count) == (19, 16, 3)
    assert excerpt.formats == {"rfc3164": 16}
    assert (excerpt.encoding, excerpt.time_zone, excerpt.year) == ("utf-8", "Asia/Tokyo", 2012)
    unparsed = excerpt.lines.get(number=3)
    assert (unparsed.text, unparsed.at, unparsed.format) == ("[...]", None, "")
    line = excerpt.lines.get(number=1)
    assert (line.host, line.program, line.pid, line.message) == (
        "host",
        "sshd",
        1205,
        "Received signal 15; terminating.",
    )
    assert line.at == datetime(2012, 7, 19, 23, 12, 37, tzinfo=UTC)
    assert (excerpt.first_at, excerpt.last_at) == (line.at, datetime(2012, 7, 20, 3, 33, 10, tzinfo=UTC))


def test_a_shift_jis_log_is_decoded_and_its_encoding_recorded():
    text = (
        "Jul 20 10:05:00 host app[1]: ステータスは稼働中のままです\n"
        "Jul 20 10:06:00 host app[1]: ログインに失敗しました\n"
    )
    excerpt = excerpt_of(text.encode("cp932") * 3)
    assert excerpt.encoding == "cp932"
    assert excerpt.lines.get(number=1).message == "ステータスは稼働中のままです"


def test_an_euc_jp_log_is_decoded():
    text = "Jul 20 10:05:00 host app[1]: 収容サーバの高負荷により接続できません\n" * 4
    excerpt = excerpt_of(text.encode("euc_jp"))
    assert excerpt.encoding == "euc_jp"
    assert excerpt.lines.get(number=4).message == "収容サーバの高負荷により接続できません"


def test_a_new_year_inside_the_file_rolls_the_year():
    incident = IncidentFactory(service__time_zone="UTC")
    EventFactory(incident=incident, at=datetime(2013, 1, 1, 0, 30, tzinfo=UTC))
    excerpt = excerpt_of(b"Dec 31 23:59:59 h a: x\nJan  1 00:00:01 h a: y\n", incident)
    assert [line.at for line in excerpt.lines.order_by("number")] == [
        datetime(2012, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2013, 1, 1, 0, 0, 1, tzinfo=UTC),
    ]


def test_a_dst_fold_is_read_in_order_in_the_services_zone():
    incident = IncidentFactory(service__time_zone="Europe/Berlin")
    excerpt = excerpt_of(
        b"Oct 27 02:50:00 h a: before\nOct 27 02:10:00 h a: after the clocks went back\n", incident, year=2024
    )
    first, second = [line.at for line in excerpt.lines.order_by("number")]
    assert second - first == timedelta(minutes=20)


def test_choosing_another_zone_and_year_reads_the_lines_again():
    excerpt = excerpt_of(b"Jul 20 08:12:37 host kernel: Out of memory: Killed process 1205 (java)\n")
    read_excerpt(excerpt, "UTC", 2011)
    excerpt.refresh_from_db()
    assert (excerpt.time_zone, excerpt.year) == ("UTC", 2011)
    assert excerpt.lines.get().at == datetime(2011, 7, 20, 8, 12, 37, tzinfo=UTC)
    assert excerpt.suggestions.get().at == datetime(2011, 7, 20, 8, 12, 37, tzinfo=UTC)


def test_an_over_long_line_is_kept_cut_with_its_length():
    excerpt = excerpt_of(b"Jul 20 08:12:37 host app: " + b"x" * 70000 + b"\nnext\n")
    line = excerpt.lines.get(number=1)
    assert line.message.endswith("[…cut: the line has 70026 bytes]")
    assert excerpt.line_count == 2


def test_stored_bytes_are_hashed_as_streamed():
    chunks = [b"Jul 20 08:12:37 host a: ", b"one\r\n", b"two\r"]
    excerpt = LogExcerpt(incident=IncidentFactory(), name="x")
    excerpt.store_stream(iter(chunks))
    assert excerpt.read_bytes() == b"".join(chunks)
    assert excerpt.sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_any_bytes_import_without_error_and_every_line_is_stored(db, data):
    excerpt = excerpt_of(data)
    expected = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    assert excerpt.line_count == len(expected) == LogLine.objects.filter(excerpt=excerpt).count()
    assert excerpt.parsed_count + excerpt.unparsed_count == excerpt.line_count
