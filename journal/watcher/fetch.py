"""One bounded HTTP GET of a status document: conditional (ETag/Last-Modified), with a timeout,
a size limit, few redirects and only http/https.

The URLs are typed by editors and fetched from the server (SSRF): anything but http:// and
https:// is refused, at the start and on every redirect. Addresses on the server's own network
(127.0.0.1, private ranges) are NOT refused, so a status page on the LAN can be watched; anyone
who may add sources can make the server GET such an address (the response is only read as a
notice). Environment proxies are not used.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from journal.watcher.models import user_agent

SCHEMES = ("http", "https")
TIMEOUT = 15.0  # seconds (settings.WATCHER_TIMEOUT)
MAX_BYTES = 2_000_000  # settings.WATCHER_MAX_BYTES
REDIRECTS = 3  # settings.WATCHER_MAX_REDIRECTS


class FetchError(Exception):
    """The document could not be retrieved; the message says why, for the provider page."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when unchanged since the validators given
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""

    @property
    def unchanged(self) -> bool:
        return self.status == 304


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise FetchError(f"only http:// and https:// addresses are fetched, not {url[:200]!r}")


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def __init__(self, limit: int):
        self.max_redirections = limit

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("location") or headers.get("uri")
        if target:
            check_url(urljoin(req.full_url, target))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(
    url: str,
    etag: str = "",
    last_modified: str = "",
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
    redirects: int | None = None,
) -> Fetched:
    """GET ``url``; 304 (unchanged) when the server says so for the validators given. Raises
    FetchError on a refused scheme, a timeout, an HTTP error or a body over ``max_bytes``."""
    timeout = timeout if timeout is not None else getattr(settings, "WATCHER_TIMEOUT", TIMEOUT)
    max_bytes = max_bytes if max_bytes is not None else getattr(settings, "WATCHER_MAX_BYTES", MAX_BYTES)
    redirects = redirects if redirects is not None else getattr(settings, "WATCHER_MAX_REDIRECTS", REDIRECTS)
    check_url(url)
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Redirects(redirects))
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"the document is {int(length):,} bytes, over the limit of {max_bytes:,}")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"the document is over the limit of {max_bytes:,} bytes")
            return Fetched(
                url=response.geturl(),
                status=response.status,
                body=body,
                etag=response.headers.get("ETag", "")[:500],
                last_modified=response.headers.get("Last-Modified", "")[:200],
                content_type=response.headers.get("Content-Type", "")[:200],
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(url=url, status=304, etag=etag, last_modified=last_modified)
        if exc.code in (301, 302, 303, 307, 308):
            raise FetchError(f"more than {redirects} redirects") from None
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"could not connect: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s") from None
    except OSError as exc:  # connection reset, TLS errors, …
        raise FetchError(f"{type(exc).__name__}: {exc}"[:300]) from None
