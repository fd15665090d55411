"""Putting text a person typed (or a provider wrote) into Markdown without it becoming markup.

- ``inline(text)``: one line, in double quotes (journal.evidence_pack.quoted: line breaks
  written ``\\n``, so no text can pass for a line the journal computed), with every character
  CommonMark or GFM could read as markup backslash-escaped.
- ``verbatim(text)``: a fenced code block whose fence is longer than any run of backticks in
  the text, so the text is shown character for character and nothing in it can close the fence.
"""

from __future__ import annotations

import re

from journal.evidence_pack import quoted

# ASCII punctuation CommonMark lets a backslash escape, less what is inert inside a line
# ( . ) and : - = + " ' , ; / ? only matter at the start of a block, and a quoted value never
# starts one.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&$^{}])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def inline(text: str) -> str:
    """User text as one quoted, escaped line fragment."""
    return escape(quoted(text))


def verbatim(text: str, info: str = "text") -> str:
    """The text as a fenced code block (ends with a newline)."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def code(text: str) -> str:
    """A short computed value (a hash, a file name) as an inline code span."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"
