"""Properties of the watcher's arithmetic and readers: back-off, diffs, text from HTML and
documents that are not what they claim to be."""

import json
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from journal.watcher.diff import changes
from journal.watcher.models import MAX_BACKOFF, StatusSource
from journal.watcher.parse import ParseError, html_text, parse

intervals = st.integers(min_value=1, max_value=24 * 60)


@given(intervals, st.integers(min_value=0, max_value=10_000))
def test_back_off_doubles_from_the_interval_and_stops_at_a_day(minutes, failures):
    source = StatusSource(interval_minutes=minutes)
    wait = source.delay_after(failures)
    interval = timedelta(minutes=minutes)
    assert interval <= wait <= max(interval, MAX_BACKOFF)
    assert wait == max(interval, min(interval * 2 ** min(failures, 20), MAX_BACKOFF))
    assert source.delay_after(failures + 1) >= wait


texts = st.lists(
    st.sampled_from(["Investigating", "Resolved", "Posted Oct 14, 2026 - 04:05 UTC", "", "<b>x</b>", "障害"]),
    max_size=15,
).map("\n".join)


@given(texts, texts)
def test_a_diff_adds_only_new_lines_and_removes_only_old_ones(before, after):
    diff = changes(before, after)
    old, new = before.splitlines(), after.splitlines()
    assert {line.text for line in diff if line.kind == "add"} <= set(new)
    assert {line.text for line in diff if line.kind == "del"} <= set(old)
    if old == new:
        assert diff == []
    removed = sum(1 for line in diff if line.kind == "del")
    added = sum(1 for line in diff if line.kind == "add")
    assert len(old) - removed + added == len(new)


@given(st.text(max_size=300))
def test_html_text_never_fails_and_keeps_no_script(markup):
    text = html_text(f"<p>{markup}</p><script>secret()</script><style>.x{{}}</style>")
    assert "secret()" not in text and ".x{}" not in text


@given(st.binary(max_size=400))
def test_any_bytes_read_as_a_notice_or_refused_with_a_reason(body):
    for kind in ("statuspage", "feed", "html"):
        try:
            notices = parse(kind, body, "https://status.example/doc")
        except ParseError as exc:
            assert str(exc)
        else:
            assert all(n.external_id and isinstance(n.text, str) for n in notices)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.sampled_from(["page", "incidents", "scheduled_maintenances", "id"]), json_values))
def test_statuspage_json_of_any_shape_is_read_or_refused(document):
    try:
        notices = parse("statuspage", json.dumps(document).encode(), "https://status.example/api/v2/incidents.json")
    except ParseError:
        return
    assert all(n.external_id.startswith(("incident:", "maintenance:")) for n in notices)


@given(
    st.sampled_from(["created_at", "scheduled_for", "scheduled_until", "resolved_at"]),
    st.datetimes(timezones=st.timezones()),
)
def test_statuspage_times_at_the_extremes_are_read_or_left_out(field, moment):
    document = {
        "incidents": [
            {
                "id": "x",
                "name": "n",
                field: moment.isoformat(),
                "incident_updates": [{"status": "resolved", "body": "b", "created_at": moment.isoformat()}],
            }
        ]
    }
    (notice,) = parse("statuspage", json.dumps(document).encode(), "https://status.example/api/v2/incidents.json")
    assert notice.start is None or notice.start.tzinfo is not None
