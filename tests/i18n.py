"""What a page shown in Japanese still says in English.

`english_left(html, user_texts)` reads the text a person sees (text nodes, and the title,
aria-label, placeholder and alt attributes, and the value of buttons), leaves out what the user
typed (any text stored in the journal), code and markup marked ``translate="no"``, and
technical names that stay as they are (UTC, SHA-256, Uptime Kuma, zone names …), and returns the
English words that remain: each one is a string some template or module did not translate.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

# Names that are the same in Japanese: products, formats, protocols, units.
TECHNICAL = {
    "API",
    "JSON",
    "CSV",
    "URL",
    "HTML",
    "HTTP",
    "HTTPS",
    "ZIP",
    "Markdown",
    "OpenAPI",
    "Atom",
    "RSS",
    "iCalendar",
    "iCal",
    "ics",
    "Uptime",
    "Kuma",
    "Healthchecks",
    "io",
    "Prometheus",
    "Alertmanager",
    "Statuspage",
    "Atlassian",
    "syslog",
    "journald",
    "journalctl",
    "SHA",
    "UTC",
    "IANA",
    "ETag",
    "Last-Modified",
    "Sendmail",
    "Ctrl",
    "Enter",
    "Esc",
    "Escape",
    "PostgreSQL",
    "SQLite",
    "ID",
    "KB",
    "MB",
    "GB",
    "KiB",
    "MiB",
    "GiB",
    "B",
    "UID",
    "SLA",
    "VPS",
    "DNS",
    "TLS",
    "SSL",
    "SMTP",
    "POST",
    "GET",
    "Bearer",
    "English",
    "htmx",
    "JavaScript",
    "Swagger",
    "UI",
    "CSP",
    "RFC",
    "ISO",
    "Asia",
    "Tokyo",
    "gzip",
    "Python",
    "webhook",
    "Webhook",
    "MTTR",
    "ok",
    "OK",
    "mo",
    "po",
    "md",
    # programs and systems a log line names (log rule descriptions)
    "FreeBSD",
    "OpenBSD",
    "Linux",
    "rc",
    "syslogd",
    "rsyslogd",
    "klogd",
    "systemd",
}

_SKIP_ELEMENTS = {"script", "style", "template", "code", "pre", "kbd", "samp", "var"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
_NOISE = [
    re.compile(r"https?://\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+"),  # addresses
    re.compile(r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+"),  # IANA zone names
    re.compile(r"\b\S+\.(?:log|md|csv|ics|atom|zip|json|txt|gz)\b"),  # file names
    re.compile(r"\b[0-9a-f]{12,}\b"),  # digests
    re.compile(r"/[\w./-]*"),  # paths
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    @property
    def _hidden(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skip = tag in _SKIP_ELEMENTS or values.get("translate") == "no"
        if not skip and not self._hidden:
            self.texts += [values[name] for name in _ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in {"submit", "button", "reset"} and values.get("value"):
                self.texts.append(values["value"])
        if tag not in _VOID:
            self._stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def user_texts() -> list[str]:
    """Every piece of text stored in the journal (names, notes, notices, log lines …), longest first."""
    found: set[str] = set(get_user_model().objects.values_list("username", flat=True))
    for model in apps.get_app_config("journal").get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices
        ]
        if fields:
            for row in model._base_manager.values_list(*fields):
                found.update(value for value in row if isinstance(value, str) and len(value.strip()) >= 2)
    pieces = {line.strip() for text in found for line in text.splitlines() if len(line.strip()) >= 2}
    return sorted(pieces | found, key=len, reverse=True)


def english_left(html: str, typed: list[str]) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    left: list[str] = []
    for text in parser.texts:
        text = " ".join(text.split())
        bare = text.strip(" …:·,.()")
        if any(bare and bare in piece for piece in typed):
            continue
        for piece in typed:
            if len(piece) >= 3 and piece in text:  # whole words only: typed "down" leaves "Markdown"
                text = re.sub(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", " ", text)
        for noise in _NOISE:
            text = noise.sub(" ", text)
        text = " ".join(text.split())
        words = [w for w in _WORD.findall(text) if w not in TECHNICAL and not (w.isupper() and len(w) <= 5)]
        if words:
            left.append(f"{' '.join(words)}  ⟵  {text.strip()[:120]}")
    return left


def assert_japanese(response, typed: list[str] | None = None, status: int | None = None) -> None:
    """The page answered in Japanese (with ``status``, else any status under 400 — a refused form
    comes back with its reasons), with nothing of its own left in English."""
    if status is None:
        assert response.status_code < 400, response.status_code
    else:
        assert response.status_code == status, response.status_code
    assert response.get("Content-Language") == "ja"
    html = response.content.decode()
    left = english_left(html, user_texts() if typed is None else typed)
    assert not left, "untranslated on " + response.request["PATH_INFO"] + ":\n" + "\n".join(left)
