"""Streaming journal I/O (journal.portability, journal.jsonstream): the export is written piece
by piece and reads back as the same document; the import reads a file incrementally, big
strings spilled to disk, and keeps every check of the whole-document import."""

import io
import json

import pytest

from journal.portability import export_document, write_document
from tests.factories import LogExcerptFactory, SupportContactFactory

pytestmark = pytest.mark.django_db


def test_the_streamed_export_is_the_indented_document_byte_for_byte(seed):
    LogExcerptFactory(incident=seed["vps"], name="binary", data=b"\xff\xfe not utf-8 \x00" * 1000)
    LogExcerptFactory(incident=seed["cert"], name="text", data="ログ \"quoted\" \\ tab\t\n".encode() * 5000)
    SupportContactFactory(incident=None, provider=seed["vps"].service.provider, summary="Asked about IPv6.")
    out = io.StringIO()
    write_document(out)
    assert out.getvalue() == json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n"
