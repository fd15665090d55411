"""Bytes to text lines: line ends (LF, CRLF, lone CR), very long lines, and the encoding.

Streams: a file of any size is read in blocks, never whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from charset_normalizer import from_bytes

MAX_LINE = 64 * 1024
BLOCK = 1024 * 1024
SAMPLE = 256 * 1024
_EOL = re.compile(rb"\r\n|\r|\n")


def split_lines(blocks: Iterable[bytes], max_line: int = MAX_LINE) -> Iterator[tuple[bytes, int]]:
    """Lines of a byte stream, as (data, length): the line without its end, at most
    ``max_line`` bytes of it, and its real length (more than len(data) when it was cut).
    LF, CRLF and a lone CR all end a line; a last line without an end still counts."""
    pending = b""
    dropped = 0  # bytes of an over-long line past max_line, not kept
    for block in blocks:
        if not block:
            continue
        data = pending + block
        # A CR at the very end may be the first half of a CRLF: wait for the next block.
        keep_cr = data.endswith(b"\r")
        if keep_cr:
            data = data[:-1]
        parts = _EOL.split(data)
        pending = parts.pop()
        for part in parts:
            yield _line(part, dropped, max_line)
            dropped = 0
        if keep_cr:
            if pending or dropped:
                pending += b"\r"
            else:
                pending = b"\r"
        if len(pending) > max_line and not pending.endswith(b"\r"):
            dropped += len(pending) - max_line
            pending = pending[:max_line]
    if pending.endswith(b"\r"):
        pending = pending[:-1]
        yield _line(pending, dropped, max_line)
    elif pending or dropped:
        yield _line(pending, dropped, max_line)


def _line(data: bytes, dropped: int, max_line: int) -> tuple[bytes, int]:
    return data[:max_line], len(data) + dropped


def read_blocks(fh, size: int = BLOCK) -> Iterator[bytes]:
    while block := fh.read(size):
        yield block


# What logs on the servers this journal is for are written in, besides UTF-8.
CANDIDATES = ["cp932", "euc_jp", "iso2022_jp", "cp1252", "latin_1"]


def detect_encoding(sample: bytes) -> str:
    """The encoding of a sample of a log: ISO-2022-JP when its escape sequences appear,
    utf-8 when the sample decodes as UTF-8 (a character cut at the end is forgiven), else the
    best of CANDIDATES by charset-normalizer, else latin_1 (which decodes any byte)."""
    if b"\x1b$B" in sample or b"\x1b$@" in sample:
        return "iso2022_jp"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    best = from_bytes(sample.replace(b"\x00", b""), cp_isolation=CANDIDATES).best()
    return best.encoding if best else "latin_1"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Encodings in which a line's bytes can be decoded together with other lines' (no shift state,
# and no byte of a multi-byte character is a line end).
_STATELESS = {"utf-8", "cp932", "shift_jis", "euc_jp", "cp1252", "latin_1", "iso8859_1", "ascii"}


def _escape_controls(text: str) -> str:
    if _CONTROL.search(text):
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text


def decode_line(data: bytes, encoding: str) -> str:
    """The line as text. Bytes that do not decode are shown escaped (\\xff), and so are NUL
    and other control characters (except tab), so nothing is lost and nothing breaks storage."""
    return _escape_controls(data.decode(encoding, errors="backslashreplace"))


def decode_lines(lines: list[bytes], encoding: str) -> list[str]:
    """decode_line for many lines at once (one decode call for a stateless encoding)."""
    if encoding not in _STATELESS or not lines:
        return [decode_line(line, encoding) for line in lines]
    return _escape_controls(b"\n".join(lines).decode(encoding, errors="backslashreplace")).split("\n")
