"""Status documents into notices: each ``Notice`` has a stable id on its source, a title, the
bytes it was read from (kept verbatim) and its text, written the way the notice reader reads
status pages (journal.notices)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser

import charset_normalizer
import feedparser

TEXT_LIMIT = 100_000  # characters of a notice's text kept (its bytes are kept whole)
ITEM_LIMIT = 200  # notices read from one document


class ParseError(Exception):
    """The document is not what the source's kind expects."""


@dataclass(frozen=True)
class Notice:
    external_id: str
    title: str
    body: bytes
    text: str
    url: str
    # Times the document states in fields (the reader's window is preferred when it finds one).
    start: datetime | None = None
    end: datetime | None = None


# -- Atlassian Statuspage (/api/v2/incidents.json, /api/v2/scheduled-maintenances.json) ----------

STATUSES = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "postmortem": "Postmortem",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
}


def parse_statuspage(body: bytes, url: str) -> list[Notice]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(f"not Statuspage JSON ({exc})"[:300]) from None
    if not isinstance(document, dict):
        raise ParseError("not Statuspage JSON (no object at the top)")
    listed_as_maintenance = "incidents" not in document
    entries = document.get("scheduled_maintenances") if listed_as_maintenance else document["incidents"]
    if not isinstance(entries, list):
        raise ParseError("not Statuspage JSON (no incidents or scheduled_maintenances list)")
    page = document.get("page") if isinstance(document.get("page"), dict) else {}
    notices = []
    for entry in entries[:ITEM_LIMIT]:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        notices.append(_statuspage_notice(entry, page, url, listed_as_maintenance))
    return notices


def _statuspage_notice(entry: dict, page: dict, url: str, listed_as_maintenance: bool) -> Notice:
    maintenance = listed_as_maintenance or bool(entry.get("scheduled_for")) or entry.get("impact") == "maintenance"
    name = _one_line(str(entry.get("name") or "Untitled"))
    lines = [
        name,
        f"{'Scheduled Maintenance' if maintenance else 'Incident'} Report for {page.get('name') or 'the provider'}",
    ]
    if entry.get("impact") and entry["impact"] not in ("none", "maintenance"):
        lines.append(f"Impact: {entry['impact']}")
    scheduled_for, scheduled_until = _when(entry.get("scheduled_for")), _when(entry.get("scheduled_until"))
    if scheduled_for:
        until = f" to {_stamp(scheduled_until)}" if scheduled_until else ""
        lines.append(f"Scheduled for {_stamp(scheduled_for)}{until}")
    updates = [u for u in entry.get("incident_updates") or [] if isinstance(u, dict)]
    updates.sort(
        key=lambda u: _when(u.get("display_at") or u.get("created_at")) or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    for update in updates:
        status = STATUSES.get(str(update.get("status")), str(update.get("status") or "Update").capitalize())
        lines.append(status)
        lines.extend(str(update.get("body") or "").strip().splitlines() or [""])
        posted = _when(update.get("display_at") or update.get("created_at"))
        if posted:
            lines.append(f"Posted {posted:%b %d, %Y - %H:%M} UTC")
    components = [c.get("name") for c in entry.get("components") or [] if isinstance(c, dict) and c.get("name")]
    if components:
        lines.append(
            f"This {'scheduled maintenance' if maintenance else 'incident'} affected: {', '.join(components)}."
        )
    start = scheduled_for or _when(entry.get("started_at")) or _when(entry.get("created_at"))
    end = scheduled_until if maintenance and scheduled_until else _when(entry.get("resolved_at"))
    body = json.dumps(entry, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    link = entry.get("shortlink") or (f"{page['url'].rstrip('/')}/incidents/{entry['id']}" if page.get("url") else url)
    kind = "maintenance" if maintenance else "incident"
    return Notice(f"{kind}:{entry['id']}", name[:500], body, _cut("\n".join(lines)), str(link)[:1000], start, end)


def _when(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment.astimezone(UTC) if moment.tzinfo else None
    except (ValueError, OverflowError):  # not a time, or beyond year 1 … 9999 once in UTC
        return None


def _stamp(moment: datetime) -> str:
    return f"{moment:%b %d, %Y %H:%M} UTC"


# -- Atom and RSS ------------------------------------------------------------------------------

RAW_ENTRY = re.compile(rb"<(entry|item)[\s>].*?</\1\s*>", re.S | re.I)


def parse_feed(body: bytes, url: str) -> list[Notice]:
    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise ParseError(f"not a feed ({type(feed.bozo_exception).__name__}: {feed.bozo_exception})"[:300])
    if not feed.entries and not feed.feed:
        raise ParseError("not a feed (no channel and no entries)")
    raw = [m.group(0) for m in RAW_ENTRY.finditer(body)]
    exact = len(raw) == len(feed.entries)  # each entry's own bytes, when they can be told apart
    notices = []
    for index, entry in enumerate(feed.entries[:ITEM_LIMIT]):
        title = _one_line(html_text(entry.get("title", "")))
        content = entry.get("content") or []
        html = content[0].get("value", "") if content else entry.get("summary", "")
        posted = _struct(entry.get("published_parsed")) or _struct(entry.get("updated_parsed"))
        lines = [title, _statuspage_history(html, posted) or html_text(html)]
        external = entry.get("id") or entry.get("link") or hashlib.sha256(title.encode()).hexdigest()
        entry_bytes = raw[index] if exact else json.dumps(_plain(entry), ensure_ascii=False, sort_keys=True).encode()
        notices.append(
            Notice(
                str(external)[:500],
                title[:500],
                entry_bytes,
                _cut("\n".join(lines).strip()),
                str(entry.get("link") or url)[:1000],
                posted,
                None,
            )
        )
    return notices


# Statuspage's history.atom: per update "<small>Oct <var>20</var>, <var>07:41</var> UTC</small><br>
# <strong>Resolved</strong> - text", newest first, the year left out.
ATOM_UPDATE = re.compile(
    r"<small>(?P<when>.*?)</small>\s*(?:<br\s*/?>)?\s*<strong>(?P<status>.*?)</strong>(?P<text>.*?)(?=<small>|\Z)", re.S
)
ATOM_WHEN = re.compile(r"(?P<month>[A-Z][a-z]{2}) +(?P<day>\d{1,2}), +(?P<time>\d{1,2}:\d{2}) +(?P<zone>[A-Z]{2,5})")


def _statuspage_history(html: str, posted: datetime | None) -> str:
    """A Statuspage history entry as the status page shows it: each update's status and text,
    then "Posted <date> - <time> <zone>" (the year: the entry's)."""
    updates = list(ATOM_UPDATE.finditer(html))
    if not updates or posted is None:
        return ""
    lines = []
    for update in updates:
        when = ATOM_WHEN.search(html_text(update.group("when")))
        text = html_text(update.group("text")).lstrip(" -–")
        lines.append(f"{_one_line(html_text(update.group('status')))} - {text}")
        if when:
            lines.append(f"Posted {when['month']} {int(when['day']):02}, {posted.year} - {when['time']} {when['zone']}")
    return "\n".join(lines)


def _struct(value) -> datetime | None:
    return datetime(*value[:6], tzinfo=UTC) if value else None


def _plain(entry) -> dict:
    return {k: v for k, v in entry.items() if isinstance(v, str)}


# -- plain HTML pages --------------------------------------------------------------------------

BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "pre",
    "blockquote",
    "header",
    "footer",
    "hr",
    "title",
}
SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.heading: list[str] = []
        self.in_title = False
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag == "h1" and not self.heading:
            self.in_heading = True
        elif tag in SKIP:
            self.skipping += 1
        if tag in BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_heading = False
        elif tag in SKIP and self.skipping:
            self.skipping -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)
            if self.in_heading:
                self.heading.append(data)


def html_text(markup: str) -> str:
    """The visible text of HTML, a line per block, blank runs squeezed."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return _squeeze("".join(parser.parts))


def parse_html(body: bytes, url: str, content_type: str = "") -> list[Notice]:
    markup = decode(body, content_type)
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = _squeeze("".join(parser.parts))
    if not text:
        raise ParseError("the page has no text")
    title = _one_line("".join(parser.heading)) or _one_line("".join(parser.title)) or url
    return [Notice(url, title[:500], body, _cut(text), url)]


# What browsers decode these as (cp932 holds the characters Shift_JIS pages really use, e.g. ～).
ALIASES = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932"}
CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def decode(body: bytes, content_type: str = "") -> str:
    """Bytes to text: the charset the server or the page names, else the likeliest."""
    named = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    meta = CHARSET.search(body[:4096])
    for charset in (named and named.group(1), meta and meta.group(1).decode("ascii", "ignore")):
        if charset:
            charset = ALIASES.get(charset.lower(), charset)
            try:
                return body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", "replace")


def _squeeze(text: str) -> str:
    lines = [
        "\t".join(c for c in (" ".join(cell.split()) for cell in line.split("\t")) if c) for line in text.splitlines()
    ]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str) -> str:
    return text[:TEXT_LIMIT]


def parse(kind: str, body: bytes, url: str, content_type: str = "") -> list[Notice]:
    if kind == "statuspage":
        return parse_statuspage(body, url)
    if kind == "feed":
        return parse_feed(body, url)
    return parse_html(body, url, content_type)
