"""Bytes to text lines: compressed files (gzip, bzip2), line ends (LF, CRLF, lone CR), very
long lines, the encoding (decided per line when a file mixes UTF-8 and a legacy encoding), and
whether the bytes look like text at all.

Streams: a file of any size is read in blocks, never whole, and a compressed one is
decompressed as it is read, never beyond a limit.
"""

from __future__ import annotations

import bz2
import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain

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


class LogReadError(ValueError):
    """The stored bytes cannot be read as a log (damaged or too large once decompressed)."""


COMPRESSIONS = {b"\x1f\x8b": "gzip", b"BZh": "bzip2"}
_SUFFIXES = {".gz": "gzip", ".tgz": "gzip", ".bz2": "bzip2", ".tbz2": "bzip2"}


def compression_of(head: bytes) -> str:
    """ "gzip", "bzip2" or "" (not compressed), from a file's first bytes."""
    return next((name for magic, name in COMPRESSIONS.items() if head.startswith(magic)), "")


def compression_named(name: str) -> str:
    """The compression a file's name promises (messages.1.gz: "gzip"), or ""."""
    return next((kind for suffix, kind in _SUFFIXES.items() if name.lower().endswith(suffix)), "")


class Decompressed:
    """The blocks of a file as its lines were written: decompressed as read when
    ``compression`` says so. Past ``limit`` decompressed bytes it raises LogReadError (a bomb
    never fills the disk or the database). Damaged data ends the stream where the damage
    starts; when nothing at all decompressed, the bytes are read as they are (nothing is lost:
    a file that merely starts like gzip is still shown, and ``compression`` becomes "").
    ``damage`` says which happened."""

    def __init__(self, fh, compression: str, limit: int):
        self.fh, self.compression, self.limit = fh, compression, limit
        self.damage = ""

    def __iter__(self) -> Iterator[bytes]:
        if not self.compression:
            yield from read_blocks(self.fh)
            return
        if self.compression == "gzip":
            stream = gzip.GzipFile(fileobj=self.fh, mode="rb")
        else:
            stream = bz2.BZ2File(self.fh, mode="rb")
        total = 0
        try:  # read1: what one step of decompression gives, so damage loses little before it
            while block := stream.read1(BLOCK):
                total += len(block)
                if total > self.limit:
                    raise LogReadError(
                        f"{self.compression}: decompressed it holds more than {self.limit:,} bytes "
                        "(the upload limit); not read"
                    )
                yield block
        except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError; bz2 raises OSError
            reason = str(exc) or "the data ends early"
            if total:
                self.damage = f"the {self.compression} data is damaged ({reason}): only the lines before it are read"
                return
            self.damage = f"it starts like {self.compression} but does not decompress ({reason}): read as it is"
            self.compression = ""
            self.fh.seek(0)
            yield from read_blocks(self.fh)


def with_sample(blocks: Iterable[bytes], size: int = SAMPLE) -> tuple[bytes, Iterator[bytes]]:
    """The first ``size`` bytes of a stream, and the whole stream (sample included) to read on."""
    blocks = iter(blocks)
    sample, taken = b"", []
    for block in blocks:
        taken.append(block)
        sample += block
        if len(sample) >= size:
            break
    return sample[:size], chain(taken, blocks)


# First bytes of archive and compression formats a log is not read from (gzip and bzip2 are).
ARCHIVES = {
    b"PK\x03\x04": "zip",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"Rar!\x1a\x07": "rar",
    b"\x04\x22\x4d\x18": "lz4",
    b"\x5d\x00\x00": "lzma",
}
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # tab, line ends, FF, ESC are text
BINARY_SHARE = 0.10


def binary_reason(sample: bytes) -> str:
    """Why the sample does not look like a text log ("" when it does): an archive's magic
    bytes, NUL bytes, or a high share of other control bytes."""
    for magic, name in ARCHIVES.items():
        if sample.startswith(magic):
            return f"it is a {name} archive, not a text log (only gzip and bzip2 are decompressed)"
    if sample[257:262] == b"ustar":
        return "it is a tar archive, not a text log"
    if b"\x00" in sample:
        return f"it holds NUL bytes ({sample.count(0):,} in the first {len(sample):,} bytes): a binary file"
    controls = len(_BINARY_CONTROL.findall(sample))
    if sample and controls / len(sample) > BINARY_SHARE:
        return f"{controls * 100 // len(sample)} % of its first {len(sample):,} bytes are control bytes: a binary file"
    return ""


# What logs on the servers this journal is for are written in, besides UTF-8.
CANDIDATES = ["cp932", "euc_jp", "iso2022_jp", "cp1252", "latin_1"]


def _is_iso2022_jp(sample: bytes) -> bool:
    return b"\x1b$B" in sample or b"\x1b$@" in sample


def detect_encoding(sample: bytes) -> str:
    """The encoding of a sample of a log: ISO-2022-JP when its escape sequences appear,
    utf-8 when the sample decodes as UTF-8 (a character cut at the end is forgiven), else the
    best of CANDIDATES by charset-normalizer, else latin_1 (which decodes any byte)."""
    if _is_iso2022_jp(sample):
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


def escape_controls(text: str) -> str:
    """NUL and other control characters (except tab) shown as \\xNN."""
    if _CONTROL.search(text):
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text


def decode_line(data: bytes, encoding: str) -> str:
    """The line as text. Bytes that do not decode are shown escaped (\\xff), and so are NUL
    and other control characters (except tab), so nothing is lost and nothing breaks storage."""
    return escape_controls(data.decode(encoding, errors="backslashreplace"))


def decode_lines(lines: list[bytes], encoding: str) -> list[str]:
    """decode_line for many lines at once (one decode call for a stateless encoding)."""
    if encoding not in _STATELESS or not lines:
        return [decode_line(line, encoding) for line in lines]
    return escape_controls(b"\n".join(lines).decode(encoding, errors="backslashreplace")).split("\n")


class Decoder:
    """Decodes a file's lines, each as UTF-8 when it is valid UTF-8 and otherwise in the legacy
    encoding detected from the lines that are not (a file where some lines were written in
    Shift_JIS and others in UTF-8 reads right on both). ISO-2022-JP, whose bytes are also
    valid UTF-8, is decided for the whole file from its escape sequences in the sample.
    ``encoding`` says what was used: "utf-8", "cp932", or "mixed (utf-8, cp932)"."""

    def __init__(self, sample: bytes):
        self.whole = "iso2022_jp" if _is_iso2022_jp(sample) else None
        self.legacy: str | None = None
        self.utf8_seen = False  # a line with non-ASCII UTF-8 was read
        self.legacy_seen = False

    @property
    def encoding(self) -> str:
        if self.whole:
            return self.whole
        if self.legacy_seen:
            return f"mixed (utf-8, {self.legacy})" if self.utf8_seen else self.legacy
        return "utf-8"

    def decode(self, lines: list[bytes]) -> list[str]:
        if self.whole:
            return decode_lines(lines, self.whole)
        try:
            text = b"\n".join(lines).decode("utf-8")
        except UnicodeDecodeError:
            return self._each(lines)
        self.utf8_seen = self.utf8_seen or not text.isascii()
        return escape_controls(text).split("\n") if lines else []

    def _each(self, lines: list[bytes]) -> list[str]:
        texts: list[str | None] = []
        others: list[int] = []
        for index, line in enumerate(lines):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                texts.append(None)
                others.append(index)
                continue
            self.utf8_seen = self.utf8_seen or not text.isascii()
            texts.append(escape_controls(text))
        if self.legacy is None:
            self.legacy = _legacy_encoding(b"\n".join(lines[i] for i in others)[:SAMPLE])
        self.legacy_seen = True
        for index, text in zip(others, decode_lines([lines[i] for i in others], self.legacy), strict=True):
            texts[index] = text
        return texts


def _legacy_encoding(sample: bytes) -> str:
    """The legacy encoding of lines that are not UTF-8 (never utf-8 itself)."""
    found = detect_encoding(sample)
    return "latin_1" if found in ("utf-8", "iso2022_jp") else found
