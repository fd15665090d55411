"""The log viewer's indexed filters (journal/logs/search.py) find what a plain scan finds."""

import re
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import demo
from journal.logs import search
from journal.logs.importer import read_excerpt
from journal.models import LogExcerpt, LogLine
from journal.tasks import enqueue_reading, index_log_text
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
SQLITE = connection.vendor == "sqlite"

# Messages as logs write them (ASCII and Japanese, punctuation, LIKE's own wildcards and
# escape, FTS5's quote) and letters whose case only Unicode folds (É/é, Σ/σ/ς).
ALPHABET = "abcAB xyz0123.:;-_%\\\"'[]()=/あいう障害発生日時復旧ＡａÉéΣσς"
texts = st.text(alphabet=ALPHABET, max_size=40)


@st.composite
def needles(draw, messages):
    """A piece of one of the messages (its case changed or not), or any short text."""
    if messages and draw(st.booleans()):
        message = draw(st.sampled_from(messages))
        start = draw(st.integers(0, len(message)))
        piece = message[start : start + draw(st.integers(1, 6))]
        if piece:
            return piece.swapcase() if draw(st.booleans()) else piece
    return draw(st.text(alphabet=ALPHABET, min_size=1, max_size=6))


def numbers(lines) -> list[int]:
    return sorted(lines.values_list("number", flat=True))


def _excerpt(messages: list[str], indexed: bool = True) -> LogExcerpt:
    """An excerpt of these lines, indexed by the worker's task (ImmediateBackend) or not."""
    excerpt = LogExcerptFactory(data=b"", indexed=False)
    LogLine.objects.bulk_create(
        LogLine(excerpt=excerpt, number=n, message=message) for n, message in enumerate(messages, 1)
    )
    if indexed:
        index_log_text.enqueue(excerpt.pk)
    excerpt.refresh_from_db()
    return excerpt


def _matched(needle: str) -> set[int]:
    """Ids of the lines the text index holds for a needle of three characters or more."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {search.TEXT_TABLE} WHERE {search.TEXT_TABLE} MATCH %s", [f'"{needle}"'])
        return {row[0] for row in cursor.fetchall()}


def _check_index() -> None:
    """FTS5's own check that the index holds exactly the lines (all of them indexed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search.TEXT_TABLE}({search.TEXT_TABLE}) VALUES ('integrity-check')")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), messages=st.lists(texts, max_size=12), others=st.lists(texts, max_size=6))
def test_the_index_finds_exactly_what_a_plain_scan_finds(data, messages, others):
    excerpt = _excerpt(messages)
    _excerpt(others, indexed=data.draw(st.booleans(), label="others indexed"))  # never found
    assert excerpt.text_indexed_at is not None  # the worker's step, on both databases
    needle = data.draw(needles(messages + others), label="needle")
    rare = data.draw(st.sampled_from([1, search.RARE]), label="rare")  # 1: most text is common
    with mock.patch.object(search, "RARE", rare):
        found = numbers(search.containing(excerpt, needle))
    assert found == numbers(excerpt.lines.filter(message__icontains=needle))


def test_found_text_skips_other_case_and_keeps_japanese():
    excerpt = _excerpt(["sshd: Received SIGNAL 15", "障害発生日時 2012年07月20日", "kernel: ok", "50% done_"])
    assert numbers(search.containing(excerpt, "signal 15")) == [1]
    assert numbers(search.containing(excerpt, "発生日")) == [2]
    assert numbers(search.containing(excerpt, "害")) == [2]
    assert numbers(search.containing(excerpt, "% d")) == [4]
    assert numbers(search.containing(excerpt, "_")) == [4]
    assert numbers(search.containing(excerpt, "K")) == [3]
    assert numbers(search.containing(excerpt, "")) == [1, 2, 3, 4]


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
def test_rare_text_is_looked_up_in_the_trigram_index_and_read_by_id():
    excerpt = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode())
    with CaptureQueriesContext(connection) as ctx:
        assert numbers(search.containing(excerpt, "boot file")) == [6, 17]
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "journal_logline_text MATCH" in sql
    assert re.search(r'"excerpt_id" = \d+', ctx.captured_queries[-1]["sql"]) is None  # ids only


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
def test_reading_adds_nothing_to_the_index_and_the_worker_fills_it_after(django_capture_on_commit_callbacks):
    excerpt = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode(), indexed=False)
    assert excerpt.text_indexed_at is None and _matched("boot file") == set()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_reading(excerpt, "UTC", 2012)  # read_log, then index_log_text once it committed
    excerpt.refresh_from_db()
    assert (excerpt.state, excerpt.text_indexed_at is not None) == ("read", True)
    assert _matched("boot file") == set(excerpt.lines.filter(number__in=[6, 17]).values_list("id", flat=True))
    assert search.index_text(excerpt.pk) == 0  # indexed already: queued twice, added once
    _check_index()


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
def test_reading_again_drops_the_lines_from_the_index_and_the_worker_puts_the_new_ones_in(
    django_capture_on_commit_callbacks,
):
    excerpt = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode())
    old = set(excerpt.lines.filter(number__in=[6, 17]).values_list("id", flat=True))
    assert _matched("boot file") == old
    read_excerpt(excerpt, "UTC", 2012)  # what read_log does first: the old lines and rows go
    assert LogExcerpt.objects.get(pk=excerpt.pk).text_indexed_at is None
    assert _matched("boot file") == set()
    assert numbers(search.containing(excerpt, "boot file")) == [6, 17]  # scanned meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_reading(excerpt, "UTC", 2012)
    new = set(excerpt.lines.filter(number__in=[6, 17]).values_list("id", flat=True))
    assert _matched("boot file") == new and not new & old
    _check_index()


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
def test_lines_deleted_with_their_excerpt_or_incident_leave_the_index(seed_log):
    other = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode())
    unindexed = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode(), indexed=False)
    assert len(_matched("boot file")) == 4
    other.delete()
    assert _matched("boot file") == set(seed_log.lines.filter(number__in=[6, 17]).values_list("id", flat=True))
    seed_log.incident.delete()  # its excerpts' lines go by cascade, not through clear_lines
    unindexed.incident.delete()  # no row of its own to take out: the index stays whole
    assert _matched("boot file") == set()
    _check_index()


def test_an_excerpt_not_indexed_yet_is_scanned_and_finds_the_same_lines(seed_log):
    unindexed = LogExcerptFactory(incident=seed_log.incident, data=demo.FREEBSD_SYSLOG.encode(), indexed=False)
    for needle in ["boot file", "RECEIVED SIGNAL", "restart", "no such words", "ke"]:
        with CaptureQueriesContext(connection) as ctx:
            found = numbers(search.containing(unindexed, needle))
        assert found == numbers(search.containing(seed_log, needle))
        assert "MATCH" not in " ".join(q["sql"] for q in ctx.captured_queries)
    assert numbers(search.containing(unindexed, "boot file")) == [6, 17]


@pytest.mark.skipif(SQLITE, reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_trigram_index_on_upper_message_of_the_side_table_the_worker_fills():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'logline_text_trigram'")
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'logline_message_trigram'")
        assert cursor.fetchone() == (0,)  # not on the lines: reading a log does not keep it
    assert "journal_logline_text USING gin (upper(message) gin_trgm_ops)" in definition


@pytest.mark.skipif(not SQLITE, reason="SQLite's plan is read here; PostgreSQL's depends on its statistics")
def test_detected_lines_are_read_through_the_partial_index():
    excerpt = LogExcerptFactory(data=demo.FREEBSD_SYSLOG.encode())
    query = excerpt.lines.exclude(rule="").filter(number__gte=1).order_by("number")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "logline_detected" in plan


@pytest.fixture
def seed_log():
    """The seed syslog in a Tokyo outage of July 2012 (its year-less times fall in 2012)."""
    incident = IncidentFactory(service__time_zone="Asia/Tokyo")
    EventFactory(incident=incident, type="noticed", at=datetime(2012, 7, 20, 8, 56, tzinfo=JST))
    return LogExcerptFactory(incident=incident, data=demo.FREEBSD_SYSLOG.encode())


def test_times_become_line_numbers_through_the_time_index(seed_log):
    lines = seed_log.lines.all()
    assert search.first_number_at_or_after(lines, datetime(2012, 7, 20, 8, 39, tzinfo=JST)) == 5
    assert search.first_number_after(lines, datetime(2012, 7, 20, 9, 59, tzinfo=JST)) == 9
    assert search.first_number_after(lines, datetime(2012, 7, 20, 9, 59, 18, tzinfo=JST)) == 13
    assert search.first_number_at_or_after(lines, datetime(2012, 7, 20, 13, tzinfo=JST)) is None
    with CaptureQueriesContext(connection) as ctx:
        search.first_number_after(lines, datetime(2012, 7, 20, 9, 59, tzinfo=JST))
    assert "LIMIT 1" in ctx.captured_queries[0]["sql"]


def _rows(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="L(\d+)"', response.content.decode())]


def test_a_time_range_shows_its_lines_with_the_unparsed_ones_between(client_alice, seed_log):
    client_alice.cookies["viewer_tz"] = "Asia/Tokyo"
    url = seed_log.get_absolute_url()
    assert _rows(client_alice.get(url + "?since=2012-07-20T08:39&until=2012-07-20T09:59")) == [5, 6, 7, 8]
    assert _rows(client_alice.get(url + "?since=2012-07-20T12:00&q=boot+file")) == [17]
    assert _rows(client_alice.get(url + "?since=2012-07-20T12:00&program=syslogd")) == [16, 17]
    assert _rows(client_alice.get(url + "?until=2012-07-20T08:12")) == []
    assert _rows(client_alice.get(url + "?since=2012-07-20T12:33&until=2012-07-20T23:00")) == [16, 17, 18, 19]
    assert _rows(client_alice.get(url + "?since=2012-07-20T13:00")) == []


def test_the_text_filter_ignores_case(client_alice, seed_log):
    url = seed_log.get_absolute_url()
    assert _rows(client_alice.get(url + "?q=RECEIVED+SIGNAL")) == [1, 9]
    assert _rows(client_alice.get(url + "?q=copyright&detected=on")) == [7, 18]
