"""Reading a JSON document of the shape ``{"key": value, "section": [item, item, …], …}`` from
a file, a block at a time, at flat memory whatever the file's size.

Each top-level value that is not a list, and each item of a top-level list, is cut out of the
text (strings and brackets are followed by regular expressions, at C speed) and parsed with
the standard library's ``json.loads``, so every item is checked exactly as a whole-document
``json.loads`` would check it (NaN, nesting too deep, numbers too long…). A string longer than
SPILL_AT characters (a log of a gigabyte) is never held: its escaped text goes to a temporary
file as it is read, and the item holds a short placeholder (:meth:`Reader.spilled` tells it
from a real string, with a token no document can know; a key is read back at once);
:meth:`Spilled.pieces` then gives it back, decoded, a block at a time.

Why not a library: ijson (well kept, C backend) also reads item by item, but hands a string
value over whole — a 1 GB log would be one 1 GB ``str`` — so the spilling below would be
needed in front of it anyway, and its numbers and errors differ from ``json.loads`` (Decimal
for 1e400, its own message for NaN), which the import's refusals are written against.
"""

from __future__ import annotations

import codecs
import json
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

BLOCK = 2**20  # characters read per step
SPILL_AT = 2**20  # strings longer than this go to a temporary file
WHITESPACE = re.compile(r"[ \t\n\r]*")
# Up to the next bracket, or to a string that does not close within the buffer.
PLAIN = re.compile(r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+', re.S)
STRING_BODY = re.compile(r'(?:[^"\\]++|\\.)*+', re.S)
SCALAR = re.compile(r'[^\s,:\[\]{}"]*')
# Whole escape units from the start of a block of a string's inside (a pair of surrogates kept
# together), so a block can be decoded on its own.
UNITS = re.compile(
    r"(?:[^\\]++|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u(?![dD][89abAB])[0-9a-fA-F]{4}|\\[^u])*+"
)


class NotJSON(ValueError):
    """The text is not JSON (or not UTF-8); the message says where."""


class TooDeep(NotJSON):
    """Arrays or objects nested deeper than json.loads goes."""


class NumberTooLong(NotJSON):
    """A number of more digits than Python converts."""


class Spilled:
    """A long string's escaped inside, kept in a temporary file."""

    def __init__(self, directory: str | None):
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory)  # noqa: SIM115  (close())
        self.length = 0

    def write(self, text: str) -> None:
        self.file.write(text)
        self.length += len(text)

    def pieces(self, block: int = BLOCK) -> Iterator[str]:
        """The string, decoded, a block at a time (NotJSON for a bad escape or a control
        character, as json.loads would refuse the whole)."""
        self.file.seek(0)
        rest = ""
        while True:
            data = self.file.read(block)
            text = rest + data
            if not data:
                if text:
                    yield _decode(text)
                return
            end = UNITS.match(text).end()
            if end == 0 and len(text) >= 12:  # not even one whole escape: a bad one
                raise NotJSON("a bad escape or a lone surrogate in a long string")
            if end:
                yield _decode(text[:end])
            rest = text[end:]

    def text(self) -> str:
        return "".join(self.pieces())

    def close(self) -> None:
        self.file.close()


def _decode(inside: str) -> str:
    try:
        return json.loads(f'"{inside}"')
    except json.JSONDecodeError as exc:
        raise NotJSON(f"in a long string: {exc.msg}") from None


class Reader:
    """Top-level members of a JSON object in a binary file, read a block at a time."""

    def __init__(self, fh: BinaryIO, spill_dir: str | None = None, parse_constant: Callable | None = None):
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.eof = "", 0, False
        self.spill_dir = spill_dir
        self.spills: list[Spilled] = []
        self.token = f"\x00spilled-{uuid.uuid4().hex}-"
        self.parse_constant = parse_constant
        self.consumed = 0  # characters read before the buffer's start

    # ------------------------------------------------------------------ the document

    def members(self) -> Iterator[tuple[str, Any]]:
        """(key, value) for each member of the top-level object in order; a list value comes as
        an iterator of its items (read as it is consumed: consume it before the next member).
        A document that is not an object comes whole as ("", value)."""
        self._skip()
        if self._peek() != "{":
            value = self._read()
            self._end()
            yield "", value
            return
        self.pos += 1
        self._skip()
        if self._peek() == "}":
            self.pos += 1
            self._end()
            return
        while True:
            self._skip()
            if self._peek() != '"':
                raise self._error("expected a key")
            key = self._parse(self._value())
            if spill := self.spilled(key):
                key = spill.text()
            self._skip()
            self._expect(":")
            self._skip()
            if self._peek() == "[":
                items = self._items()
                yield key, items
                for _ in items:  # whatever the consumer left
                    pass
            else:
                yield key, self._read()
            self._skip()
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("}")
            self._end()
            return

    def _items(self) -> Iterator[Any]:
        self.pos += 1  # [
        self._skip()
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            self._skip()
            yield self._read()
            self._skip()
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("]")
            return

    def spilled(self, value: Any) -> Spilled | None:
        """The spilled string a placeholder stands for, or None for anything else."""
        if isinstance(value, str) and value.startswith(self.token):
            return self.spills[int(value[len(self.token) :])]
        return None

    def close(self) -> None:
        for spill in self.spills:
            spill.close()

    # ------------------------------------------------------------------ values

    def _value(self) -> str:
        """The JSON text of the value at the current position (long strings as placeholders)."""
        char = self._peek()
        if char == "":
            raise self._error("a value is missing at the end")
        if char == '"':
            out: list[str] = []
            self._string(out)
            return "".join(out)
        if char in "[{":
            return self._nested()
        start = self.pos
        while True:
            self.pos = SCALAR.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more(keep=start):
                break
            start = 0  # the buffer now starts where the value does
        if self.pos == start:
            raise self._error("expected a value")
        return self.buf[start : self.pos]

    def _nested(self) -> str:
        out: list[str] = []
        depth = 0
        while True:
            end = PLAIN.match(self.buf, self.pos).end()
            out.append(self.buf[self.pos : end])
            self.pos = end
            if end == len(self.buf):
                if not self._more():
                    raise self._error("the document ends inside a value")
                continue
            char = self.buf[end]
            if char == '"':
                self._string(out)
                continue
            out.append(char)
            self.pos += 1
            depth += 1 if char in "[{" else -1
            if depth == 0:
                return "".join(out)

    def _string(self, out: list[str]) -> None:
        """The string at the current position: its JSON text, or a placeholder once it is
        longer than SPILL_AT (its inside written to a Spilled file as it is read)."""
        start = self.pos
        inside = start + 1
        spill = None
        while True:
            end = STRING_BODY.match(self.buf, inside).end()
            if end < len(self.buf) and self.buf[end] == '"':  # the closing quote
                if spill is None:
                    out.append(self.buf[start : end + 1])
                else:
                    spill.write(self.buf[inside:end])
                    out.append(json.dumps(f"{self.token}{len(self.spills) - 1}"))
                self.pos = end + 1
                return
            if spill is None and end - start > SPILL_AT:
                spill = Spilled(self.spill_dir)
                self.spills.append(spill)
            if spill is not None:
                spill.write(self.buf[inside:end])
                self.pos = end
                if not self._more():
                    raise self._error("the document ends inside a string")
                inside = self.pos
            else:
                self.pos = start
                if not self._more():
                    raise self._error("the document ends inside a string")
                inside += self.pos - start
                start = self.pos

    def _read(self) -> Any:
        """The value at the current position, parsed (a key that had to be spilled, read back)."""
        spills = len(self.spills)
        text = self._value()
        return self._parse(text, self._object_pairs if len(self.spills) > spills else None)

    def _object_pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        return {(spilled.text() if (spilled := self.spilled(key)) else key): value for key, value in pairs}

    def _parse(self, text: str, object_pairs_hook=None) -> Any:
        try:
            return json.loads(text, parse_constant=self.parse_constant, object_pairs_hook=object_pairs_hook)
        except json.JSONDecodeError as exc:
            raise NotJSON(f"{exc.msg} (near character {self.consumed + self.pos})") from None
        except RecursionError:
            raise TooDeep("nested too deeply") from None
        except ValueError as exc:
            if type(exc) is not ValueError:  # parse_constant's own refusal
                raise
            raise NumberTooLong(str(exc)) from None  # int() refuses more than sys.get_int_max_str_digits()

    # ------------------------------------------------------------------ the buffer

    def _more(self, keep: int | None = None) -> bool:
        """Read the next block; the buffer keeps what is left from ``keep`` (default: the
        current position), which becomes position 0. False at the end of the file."""
        if self.eof:
            return False
        keep = self.pos if keep is None else keep
        data = self.fh.read(BLOCK)
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise NotJSON(f"not UTF-8 ({exc.reason} near byte {self.fh.tell()})") from None
        if not data:
            self.eof = True
            return False
        self.consumed += keep
        self.pos -= keep
        self.buf = self.buf[keep:] + text
        return True

    def _peek(self) -> str:
        while self.pos >= len(self.buf):
            if not self._more():
                return ""
        return self.buf[self.pos]

    def _skip(self) -> None:
        while True:
            self.pos = WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise self._error(f"expected {char!r}")
        self.pos += 1

    def _end(self) -> None:
        self._skip()
        if self._peek() != "":
            raise self._error("extra data after the document")

    def _error(self, message: str) -> NotJSON:
        return NotJSON(f"{message} (near character {self.consumed + self.pos})")
