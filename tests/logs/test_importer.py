import bz2
import gzip
import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import demo
from journal.logs.importer import read_excerpt
from journal.logs.lines import LogReadError
from journal.models import Incident, LogExcerpt, LogLine, LogSuggestion
from tests.factories import EventFactory, IncidentFactory
from tests.helpers import text_of

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


CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "formats"
MANIFEST = [c for c in json.loads((CORPUS / "MANIFEST.json").read_text())["cases"] if c["first_at"]]


def utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@pytest.mark.parametrize("case", MANIFEST, ids=[case["file"] for case in MANIFEST])
def test_corpus_excerpts_read_with_their_times_in_utc(case):
    incident = IncidentFactory(service__time_zone=case["zone"])
    excerpt = excerpt_of((CORPUS / case["file"]).read_bytes(), incident, zone_name=case["zone"], year=case["year"])
    assert excerpt.parsed_count >= 0.95 * excerpt.line_count
    assert (excerpt.first_at, excerpt.last_at) == (utc(case["first_at"]), utc(case["last_at"]))
    assert excerpt.warnings == []


LOG = b"".join(b"Jul 20 08:%02d:%02d host app[%d]: line %d\n" % (n // 60 % 60, n % 60, n, n) for n in range(2000))


@pytest.mark.parametrize(("compress", "name", "kind"), [(gzip.compress, "messages.1.gz", "gzip"),
                                                        (bz2.compress, "messages.2.bz2", "bzip2")])  # fmt: skip
def test_a_compressed_log_is_read_decompressed_and_stored_as_received(compress, name, kind):
    packed = compress(LOG)
    excerpt = LogExcerpt(incident=IncidentFactory(service__time_zone="UTC"), name=name)
    excerpt.store(packed)
    reading = read_excerpt(excerpt, year=2012)
    excerpt.refresh_from_db()
    assert (reading.lines, reading.parsed, excerpt.compression, excerpt.encoding) == (2000, 2000, kind, "utf-8")
    assert excerpt.lines.get(number=2000).text == "Jul 20 08:33:19 host app[1999]: line 1999"
    assert excerpt.read_bytes() == packed
    assert (excerpt.size, excerpt.sha256) == (len(packed), hashlib.sha256(packed).hexdigest())
    assert excerpt.warnings == []


def test_a_name_promising_gzip_on_plain_bytes_is_read_as_it_is_with_a_warning():
    excerpt = LogExcerpt(incident=IncidentFactory(), name="messages.1.gz")
    excerpt.store(LOG)
    read_excerpt(excerpt, year=2012)
    excerpt.refresh_from_db()
    assert (excerpt.line_count, excerpt.compression) == (2000, "")
    assert excerpt.warnings == ["The name says gzip but the bytes are not gzip-compressed: read as they are."]


def test_a_truncated_gzip_keeps_the_lines_before_the_damage_and_says_so():
    packed = gzip.compress(LOG * 50)
    excerpt = excerpt_of(packed[: len(packed) * 3 // 4], year=2012)
    assert 0 < excerpt.line_count < 100_000
    assert excerpt.lines.get(number=1).text == "Jul 20 08:00:00 host app[0]: line 0"
    assert excerpt.warnings[0].startswith("Compressed data: the gzip data is damaged")


def test_a_zip_bomb_is_refused_and_leaves_the_lines_as_they_were(settings):
    # Stored bytes are immutable, so the limit is lowered between two readings of one excerpt.
    excerpt = excerpt_of(gzip.compress(b"Jul 20 08:00:00 host a: " + b"x" * (4 * 1024 * 1024)), year=2012)
    assert excerpt.line_count == LogLine.objects.filter(excerpt=excerpt).count() == 1
    settings.LOG_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(LogReadError, match="more than 1,048,576 bytes"):
        read_excerpt(excerpt)
    excerpt.refresh_from_db()
    assert excerpt.line_count == LogLine.objects.filter(excerpt=excerpt).count() == 1


def test_a_file_mixing_utf8_and_shift_jis_reads_each_line_and_says_mixed():
    data = (
        "Jul 20 10:05:00 host app[1]: ステータスは稼働中のままです\n".encode()
        + "Jul 20 10:06:00 host app[1]: ログインに失敗しました\n".encode("cp932")
        + b"Jul 20 10:07:00 host app[1]: ascii\n"
    )
    excerpt = excerpt_of(data)
    assert [line.message for line in excerpt.lines.order_by("number")] == [
        "ステータスは稼働中のままです", "ログインに失敗しました", "ascii"
    ]  # fmt: skip
    assert excerpt.encoding == "mixed (utf-8, cp932)"


@pytest.mark.parametrize(
    ("data", "warning"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8, "holds NUL bytes"),
        (b"PK\x03\x04\x14\x00\x00\x00" + b"Jul 20 08:12:37 host a: x\n" * 10, "a zip archive"),
    ],
)
def test_a_binary_file_is_kept_whole_and_warned_about(data, warning):
    excerpt = excerpt_of(data)
    assert excerpt.line_count == len(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n").split(b"\n"))
    assert warning in excerpt.warnings[0]
    assert excerpt.read_bytes() == data


def test_a_mostly_unparsed_upload_is_warned_about():
    excerpt = excerpt_of(b"Jul 20 08:12:37 host a: x\n" + b"just some notes\n" * 3)
    assert excerpt.warnings == ["Mostly unparsed: only 1 of 4 lines (25 %) fit a known log format."]
    assert excerpt_of(b"Jul 20 08:12:37 host a: x\nnote\n").warnings == []  # half is enough


def test_lines_dated_year_1_or_9999_or_tomorrow_and_later_are_kept_with_no_time():
    data = (
        b"0001-01-01T00:00:00+09:00 host a: year 1 east of UTC\n"
        b"9999-12-31T23:59:59-14:00 host a: year 9999 west of UTC\n"
        b"[Fri Dec 31 23:59:59 9999] kernel line in 9999\n"
        b"<13>1 0001-01-01T00:00:00Z host app - - - year 1 in UTC\n"
        b'{"__REALTIME_TIMESTAMP":"99999999999999999999","MESSAGE":"overflow"}\n'
        b"2030-01-01T00:00:00Z host a: years ahead\n"
        b"2012-07-20T08:12:37Z host a: fine\n"
    )
    excerpt = excerpt_of(data, IncidentFactory(service__time_zone="America/New_York"))
    times = [line.at for line in excerpt.lines.order_by("number")]
    assert times == [None] * 6 + [datetime(2012, 7, 20, 8, 12, 37, tzinfo=UTC)]
    assert excerpt.parsed_count == 7
    assert (excerpt.first_at, excerpt.last_at) == (times[-1], times[-1])
    assert excerpt.warnings == [
        "6 lines have a time before 1970, more than a day ahead, or not on the calendar: they are kept with no time."
    ]


def test_huge_pids_and_nul_in_journal_json_store_on_any_database():
    data = (
        b"<13>1 2012-07-20T08:12:37Z host app 99999999999 - - huge procid\n"
        b'{"__REALTIME_TIMESTAMP":"1342743157000000","_PID":"99999999999999","_HOSTNAME":"h\\u0000",'
        b'"MESSAGE":"nul \\u0000 and \\ud800"}\n'
        b"Jul 20 08:12:37 host app[999999999]: largest pid the format reads\n"
    )
    excerpt = excerpt_of(data, year=2012)
    lines = list(excerpt.lines.order_by("number"))
    assert [line.pid for line in lines] == [None, None, 999999999]
    assert (lines[1].host, lines[1].message) == ("h\\x00", "nul \\x00 and \\ud800")


def test_import_log_prints_the_warnings_and_the_compression(tmp_path):
    incident = IncidentFactory(service__time_zone="UTC")
    path = tmp_path / "messages.1.gz"
    path.write_bytes(gzip.compress(b"Jul 20 08:12:37 host a: x\n" + b"notes\n" * 3))
    out = io.StringIO()
    call_command("import_log", str(path), incident=incident.pk, year=2012, stdout=out)
    assert out.getvalue().splitlines() == [
        "messages.1.gz: 4 lines, 1 parsed, 3 unparsed (utf-8, gzip; rfc3164 1)",
        "  warning: Mostly unparsed: only 1 of 4 lines (25 %) fit a known log format.",
    ]


def test_import_log_refuses_a_bomb_and_stores_nothing(tmp_path, settings):
    settings.LOG_UPLOAD_MAX_BYTES = 1024 * 1024
    incident = IncidentFactory()
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(b"\n" * (2 * 1024 * 1024)))
    with pytest.raises(CommandError, match=r"bomb.gz: gzip: decompressed it holds more than 1,048,576 bytes"):
        call_command("import_log", str(path), incident=incident.pk)
    assert not LogExcerpt.objects.exists()


def test_an_uploaded_gzip_is_shown_decompressed_and_downloaded_as_received(
    client_alice, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(service__time_zone="UTC")
    packed = gzip.compress(b"Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.\n" + b"\x00\x01" * 20)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            f"/incidents/{incident.pk}/logs/new/", {"logs-file": SimpleUploadedFile("messages.1.gz", packed)}
        )
    assert response.status_code == 302
    excerpt = LogExcerpt.objects.get()
    page = client_alice.get(excerpt.get_absolute_url())
    assert "gzip-compressed" in text_of(page)
    assert "This does not look like a text log: it holds NUL bytes" in text_of(page)
    assert "Received signal 15; terminating." in text_of(page)
    incident_page = text_of(client_alice.get(incident.get_absolute_url()))
    assert f"messages.1.gz · {len(packed)} bytes · utf-8 · 1 warning" in incident_page
    download = client_alice.get(f"/incidents/{incident.pk}/logs/{excerpt.pk}/raw/")
    assert b"".join(download.streaming_content) == packed
    assert download["X-Content-SHA256"] == hashlib.sha256(packed).hexdigest()


def test_an_uploaded_bomb_is_kept_as_received_and_its_reading_fails_with_the_reason(
    client_alice, settings, django_capture_on_commit_callbacks
):
    settings.LOG_UPLOAD_MAX_BYTES = 1024 * 1024
    incident = IncidentFactory()
    bomb = gzip.compress(b"\n" * (2 * 1024 * 1024))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            f"/incidents/{incident.pk}/logs/new/", {"logs-file": SimpleUploadedFile("bomb.gz", bomb)}
        )
    assert response.status_code == 302
    excerpt = LogExcerpt.objects.get()
    assert (excerpt.state, excerpt.line_count, excerpt.lines.count()) == ("failed", 0, 0)
    page = text_of(client_alice.get(incident.get_absolute_url()))
    assert "Reading failed: gzip: decompressed it holds more than 1,048,576 bytes" in page


def test_cheap_pathological_uploads_are_read_whole():
    newlines = excerpt_of(b"\n" * (512 * 1024))
    assert (newlines.line_count, newlines.parsed_count) == (512 * 1024, 0)
    assert LogLine.objects.filter(excerpt=newlines, message="").count() == 512 * 1024
    one_line = excerpt_of(b"Reached target " * (1024 * 1024 // 15))
    assert one_line.line_count == 1
    assert one_line.lines.get().message.endswith(f"[…cut: the line has {1024 * 1024 // 15 * 15} bytes]")


ROOT = Path(__file__).resolve().parent.parent.parent


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, **kwargs
    )


def test_an_import_killed_half_way_leaves_no_excerpt_and_a_retry_works(tmp_path):
    """The import_log command in a process of its own, on a journal of its own (SQLite in
    tmp_path), killed with SIGKILL once it has written its first batch of lines."""
    from benchmarks import syslog_gen

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "journal.settings",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    made = "from tests.factories import IncidentFactory; print(IncidentFactory(service__time_zone='UTC').pk)"
    incident = manage(env, "shell", "-c", made).stdout.split()[-1]
    log = tmp_path / "messages"
    syslog_gen.write(str(log), 60_000)
    command = [sys.executable, "manage.py", "import_log", str(log), "--incident", incident, "--year", "2024", "-v", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first = process.stderr.readline()
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert first == "read 5000 lines\n"
    database = sqlite3.connect(tmp_path / "data" / "journal.sqlite3")
    assert database.execute("SELECT count(*) FROM journal_logexcerpt").fetchone() == (0,)
    assert database.execute("SELECT count(*) FROM journal_logline").fetchone() == (0,)
    done = manage(env, "import_log", str(log), "--incident", incident, "--year", "2024", "--format", "json")
    assert json.loads(done.stdout)["lines"] == 60_000
    assert database.execute("SELECT line_count, parsed_at IS NOT NULL FROM journal_logexcerpt").fetchall() == [
        (60_000, 1)
    ]
    assert database.execute("SELECT count(*) FROM journal_logline").fetchone() == (60_000,)


def test_reading_again_past_a_lowered_limit_says_so_and_keeps_the_lines(
    client_alice, settings, django_capture_on_commit_callbacks
):
    excerpt = LogExcerpt(incident=IncidentFactory(), name="messages.1.gz")
    excerpt.store(gzip.compress(LOG))
    read_excerpt(excerpt, year=2012)
    settings.LOG_UPLOAD_MAX_BYTES = 1024
    url = f"/incidents/{excerpt.incident_id}/logs/{excerpt.pk}/read/"
    with django_capture_on_commit_callbacks(execute=True):
        client_alice.post(url, {"time_zone": "UTC", "year": 2011})
    response = client_alice.get(excerpt.get_absolute_url())
    assert "Reading failed: gzip: decompressed it holds more than 1,024 bytes" in text_of(response)
    excerpt.refresh_from_db()
    assert (excerpt.year, excerpt.line_count, excerpt.lines.count()) == (2012, 2000, 2000)


ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin"]
OFFSETS = st.sampled_from(["Z", "+14:00", "-12:00", "+09:00", "-0500", ""])


def shapes(moment: datetime, offset: str) -> list[str]:
    """The same moment written the ways logs write it."""
    stamp = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"  # %Y does not pad years before 1000
    micros = int((moment.replace(tzinfo=UTC) - EPOCH).total_seconds()) * 10**6
    return [
        f"{stamp}{offset} host app[1]: iso",
        f"<13>1 {stamp}{offset or 'Z'} host app 42 - - rfc5424",
        f"{moment:%b} {moment.day:2d} {moment:%H:%M:%S} {moment.year:04d} host app: bsd with a year",
        f"[Mon {moment:%b} {moment.day:2d} {moment:%H:%M:%S} {moment.year:04d}] dmesg -T",
        f"[Mon {moment:%b} {moment.day:02d} {moment:%H:%M:%S}.000001 {moment.year:04d}] [core:error] apache",
        f"{moment.year:04d}/{moment:%m/%d %H:%M:%S} [error] 7#7: nginx",
        f"Mon {moment.year:04d}-{moment:%m-%d %H:%M:%S} EST host app: short-full",
        f"{moment.month}月 {moment.day:02d} {moment:%H:%M:%S} host app: ja",
        f'{{"__REALTIME_TIMESTAMP":"{micros}","MESSAGE":"j"}}',
    ]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moments=st.lists(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)), max_size=4),
    offset=OFFSETS,
    zone=st.sampled_from(ZONES),
    year=st.integers(1970, 2200),
)
def test_any_dates_in_any_zone_import_with_times_in_range_or_none(db, moments, offset, zone, year):
    data = "\n".join(line for moment in moments for line in shapes(moment, offset)).encode()
    excerpt = excerpt_of(data, IncidentFactory(service__time_zone=zone), zone_name=zone, year=year)
    assert excerpt.line_count == excerpt.parsed_count == 9 * len(moments)
    latest = timezone.now() + timedelta(days=1)
    times = [at for at in excerpt.lines.values_list("at", flat=True) if at is not None]
    assert all(EPOCH <= at <= latest for at in times)
    assert excerpt.first_at is None or excerpt.first_at == min(times)


def test_a_file_that_only_starts_like_gzip_is_read_as_it_is_and_not_called_gzip():
    excerpt = excerpt_of(b"\x1f\x8b is how this note starts\nJul 20 08:12:37 host a: x\n", year=2012)
    assert (excerpt.line_count, excerpt.parsed_count, excerpt.compression) == (2, 1, "")
    assert excerpt.warnings == [
        "Compressed data: it starts like gzip but does not decompress (Unknown compression method): read as it is."
    ]
