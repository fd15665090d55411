"""The labelled fields of a notice and the updates of a status-page history.

Labels stand at the start of a line, bare or decorated (``■``, ``●``, ``◆``, ``・``, ``*``,
``【…】``, ``[…]``, ``<…>``, ``## heading``, a table's ``| label | value |`` or ``label<tab>value``),
followed by ``:`` and the
value (a date label also by a space and a date), or alone on their line with the value on the
lines below (until a blank line or the next label). Indented lines continue a
value. Status updates are ``Resolved - text`` (or the status alone on its line) followed by
their ``Posted <date> - HH:MM UTC`` line or a line holding only the date and time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABELS = {
    "start": r"障害発生日時|発生日時|発生時刻|障害発生時刻|障害発生時間|発生時間|発生日|開始日時|開始時刻|影響開始日時"
    r"|start(?:ed)?(?: time| at)?|began(?: at)?|incident start|incident reported|impact start",
    "end": r"障害復旧日時|復旧日時|復旧時刻|復旧時間|復旧完了日時|解消日時|終了日時|終了時刻"
    r"|end(?:ed)?(?: time| at)?|resolved at|recovered at|recovery time|incident resolved|impact end",
    "maintenance": r"作業予定日時|作業日時|作業時間|実施予定日時|実施日時|実施日程"
    r"|メンテナンス予定日時|メンテナンス日時|メンテナンス期間|メンテナンス時間"
    r"|maintenance window|maintenance period|scheduled for",
    "period": r"障害発生期間|発生期間|障害期間|影響期間|影響時間|影響があった(?:想定)?時間|不具合の期間|期間|日時"
    r"|time window|outage window|impact window|timeframe|time frame|period of disruption|period|duration|when",
    "target": r"対象サービス|対象サーバー?|対象機器|対象範囲|対象ホスト|対象者|対象|影響範囲|影響サービス|該当サーバー?"
    r"|this (?:incident|scheduled maintenance) affected|affected (?:components?|services?|systems?|regions?)"
    r"|services? (?:impacted|affected)|regions? affected|affected|scope|target",
    "cause": r"障害の原因|障害原因|発生原因|原因|root cause(?: analysis| of (?:the )?problem)?|cause",
    "details": r"影響/詳細|影響・詳細|詳細",  # read as the cause when no cause is labelled
}
OPEN, CLOSE = "【[<〔「(", "】]>〕」)"
DATE_KEYS = ("start", "end", "maintenance", "period")
LABEL_LINE = re.compile(
    r"^ ?(?P<mark>[・■□●○◆◇▼▽★☆*#>|\-]{1,3} ?)?(?P<open>[【\[<〔「(])? ?(?P<label>"
    + "|".join(f"(?P<{key}>{words})" for key, words in LABELS.items())
    + r")(?: ?\([^)\n]{0,20}\))? ?(?P<close>[】\]>〕」)])? ?(?:(?P<colon>[:：=|]) ?)?(?P<value>.*)$",
    re.IGNORECASE,
)
STATUS = re.compile(
    r"^ ?(?P<status>Investigating|Identified|Monitoring|Update|Resolved|Postmortem|Completed|In progress"
    r"|Scheduled|Verifying)(?: ?[-–:] ?(?P<text>.*)| ?)$"
)
POSTED = re.compile(r"^ ?Posted ")

KEY_LINES = 6  # lines a value written below its label may take


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: str
    start: int  # where the value lies in the text
    end: int


@dataclass(frozen=True)
class UpdateLines:
    status: str
    text: str
    posted_at: int  # where its posted line starts in the text (-1 if none)
    posted_end: int


def labelled_fields(lines: list[str], offsets: list[int]) -> list[Field]:
    """Every labelled field in the order written (a label may repeat: a second report)."""
    labels = [_label(line) for line in lines]
    fields: list[Field] = []
    index = 0
    while index < len(lines):
        found = labels[index]
        if not found:
            index += 1
            continue
        key = next(k for k in LABELS if found.group(k))
        value = found.group("value").strip().removesuffix("|").strip()  # a row of a Markdown table
        start, end = offsets[index] + found.start("value"), offsets[index] + len(lines[index])
        parts = [value] if value else []
        index += 1
        top = index
        while index < len(lines) and not labels[index]:
            line = lines[index]
            if value:  # a value on the label's line continues on indented lines, across blank ones
                ahead = next((n for n in range(index, min(index + 3, len(lines))) if lines[n].strip()), None)
                if ahead is None or not lines[ahead][:1].isspace() or labels[ahead]:
                    break
            elif not line.strip() and (parts or index - top > 2) or len(parts) >= KEY_LINES:
                break  # a value below its label (a blank line after a heading allowed) ends at a blank line
            if line.strip():
                parts.append(line.strip())
                end = offsets[index] + len(line)
            index += 1
        if not value and parts:
            start = offsets[next(n for n in range(top, index) if lines[n].strip())]
        fields.append(Field(key, found.group("label"), _join(parts), start, end))
    return fields


def _label(line: str) -> re.Match | None:
    found = LABEL_LINE.match(line) if line else None
    if not found:
        return None
    opened, closed = found.group("open"), found.group("close")
    if opened and (not closed or OPEN.index(opened) != CLOSE.index(closed)):
        return None
    if found.group("colon") or closed or not found.group("value").strip():
        return found
    if found.group("value")[:1].isdigit() and any(found.group(key) for key in DATE_KEYS):
        return found  # "発生日時 2024年…", "発生日時<tab>2024/…": a date after a date label
    return None  # "対象となるお客様には…": a word at the start of a sentence, not a label


def _join(parts: list[str]) -> str:
    joined = ""
    for part in filter(None, parts):
        if joined and joined[-1].isascii() and part[0].isascii():
            joined += " "
        joined += part
    return joined


def status_updates(lines: list[str], offsets: list[int]) -> list[UpdateLines]:
    """The updates of a status-page history, in the order written, each with its posted line."""
    updates: list[UpdateLines] = []
    index = 0
    while index < len(lines):
        found = STATUS.match(lines[index])
        if not found:
            index += 1
            continue
        status, text = found.group("status"), [found.group("text") or ""]
        index += 1
        posted = (-1, -1)
        while index < len(lines) and not STATUS.match(lines[index]):
            line = lines[index]
            if POSTED.match(line) or _only_a_date(line):
                posted = (offsets[index], offsets[index] + len(line))
                index += 1
                break
            text.append(line.strip())
            index += 1
        updates.append(UpdateLines(status, _join(text), *posted))
    return updates


DATE_LINE = re.compile(
    r"^ ?[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?,? (?:- )?\d{1,2}:\d{2}(?: ?[AaPp][Mm])?(?: [A-Z]{2,4})? ?$"
)


def _only_a_date(line: str) -> bool:
    return bool(DATE_LINE.match(line))
