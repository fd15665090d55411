"""Streaming journal I/O (journal.portability, journal.jsonstream): the export is written piece
by piece and reads back as the same document; the import reads a file incrementally, big
strings spilled to disk, and keeps every check of the whole-document import."""

import io
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import demo, jsonstream, portability
from journal.models import Incident, LogExcerpt, Provider, Service, SupportContact, TimelineEvent
from journal.portability import DocumentError, export_document, import_file, write_document
from tests.factories import LogExcerptFactory, SupportContactFactory
from tests.rows import snapshot

pytestmark = pytest.mark.django_db


def test_the_streamed_export_is_the_indented_document_byte_for_byte(seed):
    LogExcerptFactory(incident=seed["vps"], name="binary", data=b"\xff\xfe not utf-8 \x00" * 1000)
    LogExcerptFactory(incident=seed["cert"], name="text", data='ログ "quoted" \\ tab\t\n'.encode() * 5000)
    SupportContactFactory(incident=None, provider=seed["vps"].service.provider, summary="Asked about IPv6.")
    out = io.StringIO()
    write_document(out)
    assert out.getvalue() == json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n"


def _round_trip(tmp_path, monkeypatch, block: int, spill_at: int) -> dict:
    monkeypatch.setattr(jsonstream, "BLOCK", block)
    monkeypatch.setattr(jsonstream, "SPILL_AT", spill_at)
    monkeypatch.setattr(portability, "LOG_BLOCK", 3 * 11)
    path = tmp_path / "journal.json"
    with path.open("w", encoding="utf-8") as fh:
        write_document(fh)
    before = export_document()
    for model in (Incident, SupportContact, Service, Provider):
        model.objects.all().delete()
    with path.open("rb") as fh:
        counts = import_file(fh)
    assert export_document() == before
    return counts


@pytest.mark.parametrize(("block", "spill_at"), [(7, 16), (64, 100), (2**20, 2**20)])
def test_a_streamed_export_imports_back_to_the_same_document_whatever_the_block_sizes(
    seed, tmp_path, monkeypatch, block, spill_at
):
    binary = b"\xff\xfe not utf-8 \x00\x01" * 300 + b"end"  # base64 of 4,803 bytes, not a multiple of 3
    text = 'Jul 20 08:12:37 ホスト sshd[1205]: "bye" \\ 😀 \t done\n' * 200
    LogExcerptFactory(incident=seed["vps"], name="binary", data=binary)
    LogExcerptFactory(incident=seed["cert"], name="text", data=text.encode())
    counts = _round_trip(tmp_path, monkeypatch, block, spill_at)
    assert counts == {"providers": 2, "services": 2, "incidents": 2, "incidents_skipped": 0}
    assert LogExcerpt.objects.get(name="binary").read_bytes() == binary
    assert LogExcerpt.objects.get(name="text").read_bytes() == text.encode()
    assert LogExcerpt.objects.get(name="text").line_count == 200
    assert TimelineEvent.objects.filter(incident__uid=demo.VPS_OUTAGE_UID).count() == 10


def test_a_spilled_log_that_is_not_base64_is_refused_and_leaves_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(jsonstream, "SPILL_AT", 64)
    document = demo.document()
    document["incidents"][0]["log_excerpts"][0] = {"name": "messages", "raw_base64": "QUJD" * 100 + "**"}
    path = tmp_path / "journal.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = snapshot()
    refused = r"^incidents\[0\]\.log_excerpts\[0\]\.raw_base64: not base64"
    with pytest.raises(DocumentError, match=refused), path.open("rb") as fh:
        import_file(fh)
    assert snapshot() == before


def test_sections_out_of_order_wait_for_the_ones_they_refer_to(db, tmp_path):
    document = demo.document()
    reordered = {key: document[key] for key in ["incidents", "services", "version", "providers", "format"]}
    path = tmp_path / "journal.json"
    path.write_text(json.dumps(reordered), encoding="utf-8")
    with path.open("rb") as fh:
        assert import_file(fh) == {"providers": 2, "services": 2, "incidents": 2, "incidents_skipped": 0}
    assert Incident.objects.count() == 2
    assert LogExcerpt.objects.count() == 2 and not LogExcerpt.objects.filter(line_count=0).exists()


def test_the_history_of_imported_rows_says_who_imported_them(db, tmp_path, alice):
    path = tmp_path / "journal.json"
    path.write_text(json.dumps(demo.document()), encoding="utf-8")
    with path.open("rb") as fh:
        import_file(fh, user=alice)
    # created, and (events accepted from a log) linked to their line once the log is read
    assert set(TimelineEvent.history.values_list("history_user__username", flat=True)) == {"alice"}
    assert TimelineEvent.history.filter(history_type="+").count() == TimelineEvent.objects.count() > 10


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
    block=st.integers(1, 40),
    spill_at=st.integers(1, 60),
)
def test_the_reader_gives_back_what_json_dumps_wrote_whatever_the_blocks(document, indent, ascii_only, block, spill_at):
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    old = jsonstream.BLOCK, jsonstream.SPILL_AT
    jsonstream.BLOCK, jsonstream.SPILL_AT = block, spill_at
    try:
        reader = jsonstream.Reader(io.BytesIO(text.encode("utf-8")))

        def back(value):
            if isinstance(value, dict):
                return {back(k): back(v) for k, v in value.items()}
            if isinstance(value, list):
                return [back(v) for v in value]
            spilled = reader.spilled(value)
            return spilled.text() if spilled else value

        read = {key: back(list(value) if isinstance(value, Iterator) else value) for key, value in reader.members()}
        reader.close()
    finally:
        jsonstream.BLOCK, jsonstream.SPILL_AT = old
    assert read == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"a": 1', '{"a" 1}', '{"a": [1, 2}', '{"a": [1 2]}', '{"a": 1} x', "", '{"a": "\\x"}', '{"a": tru}'],
)
def test_the_reader_refuses_what_json_loads_refuses(text):
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(jsonstream.NotJSON):
        for _, value in jsonstream.Reader(io.BytesIO(text.encode())).members():
            list(value) if isinstance(value, Iterator) else value
