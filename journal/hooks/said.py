"""What a webhook delivery did or why it was refused, as a line that is read in the language
active when it is shown: English in the monitor's JSON answer, the reader's on the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext


@dataclass(frozen=True)
class Said:
    """A line whose format is marked for the catalogue (gettext_noop) and whose values (a Said
    among them) are filled in when it is read."""

    text: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.text:
            return ""
        return gettext(self.text) % {key: str(value) for key, value in self.values.items()}


def said(line: str, /, **values) -> Said:
    return Said(line, values)
