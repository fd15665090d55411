"""One bounded HTTP GET of a status document: conditional (ETag/Last-Modified), with a timeout,
a size limit, few redirects and only http/https.

The URLs are typed by editors and fetched from the server (SSRF): anything but http:// and
https:// is refused, at the start and on every redirect. So are addresses that are not on the
public internet (loopback, private ranges, link-local such as 169.254.169.254, multicast,
reserved, 0.0.0.0, and IPv6 addresses carrying one of them), unless ``WATCHER_ALLOW_PRIVATE``
is set (to watch a status page on the LAN). The check is made on the connection itself: the
host name is resolved once, every address it gives is checked, and the socket connects to a
checked address, keeping the name for the Host header and TLS (SNI, certificate). Each redirect
hop opens its own connection, so is checked the same way (DNS rebinding gets no second
resolution to slip through). Environment proxies are not used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journal.watcher.models import user_agent

SCHEMES = ("http", "https")
TIMEOUT = 15.0  # seconds (settings.WATCHER_TIMEOUT)
MAX_BYTES = 2_000_000  # settings.WATCHER_MAX_BYTES
REDIRECTS = 3  # settings.WATCHER_MAX_REDIRECTS
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv4 addresses reached through a NAT64 gateway


class FetchError(Exception):
    """The document could not be retrieved; the message says why, for the provider page."""


class RefusedAddress(FetchError):
    """The host resolves to an address that is not on the public internet."""


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
        raise FetchError(_('only http:// and https:// addresses are fetched, not "%(url)s"') % {"url": url[:200]})


def private_allowed() -> bool:
    return bool(getattr(settings, "WATCHER_ALLOW_PRIVATE", False))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """True for an address on the public internet: not loopback, private, link-local, shared,
    multicast, reserved or unspecified, also when an IPv6 address carries such an IPv4 one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and (inner := _embedded_ipv4(ip)) is not None:
        return is_public(str(inner))
    return ip.is_global and not ip.is_multicast


def refusal(host: str, address: str) -> str:
    return _(
        "%(host)s resolves to %(address)s, which is not a public internet address: refused "
        "(the setting WATCHER_ALLOW_PRIVATE allows it)"
    ) % {"host": host, "address": address}


def resolve(host: str, port: int) -> list[tuple]:
    """The addresses ``host`` resolves to, as getaddrinfo gives them; FetchError when any of them
    is not public (unless WATCHER_ALLOW_PRIVATE), or when the name does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(_("could not resolve %(host)s: %(reason)s") % {"host": host, "reason": exc}) from None
    if not private_allowed():
        for *_ignored, sockaddr in found:
            if not is_public(sockaddr[0]):
                raise RefusedAddress(refusal(host, sockaddr[0]))
    return found


def refused_url(url: str) -> str:
    """Why fetching ``url`` would be refused for its address, as far as it can be known now
    (a name that does not resolve yet is not refused here: each poll resolves it again)."""
    parts = urlsplit(url)
    try:
        resolve(parts.hostname or "", parts.port or (443 if parts.scheme.lower() == "https" else 80))
    except RefusedAddress as exc:
        return str(exc)
    except (FetchError, ValueError):
        return ""
    return ""


def _connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """socket.create_connection, to the addresses checked by ``resolve`` (resolved once)."""
    host, port = address
    error = None
    for family, kind, proto, _name, sockaddr in resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPSConnection(http.client.HTTPSConnection):  # TLS still wraps with the host name
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


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
    FetchError on a refused scheme or address, a timeout, an HTTP error or a body over
    ``max_bytes``."""
    timeout = timeout if timeout is not None else getattr(settings, "WATCHER_TIMEOUT", TIMEOUT)
    max_bytes = max_bytes if max_bytes is not None else getattr(settings, "WATCHER_MAX_BYTES", MAX_BYTES)
    redirects = redirects if redirects is not None else getattr(settings, "WATCHER_MAX_REDIRECTS", REDIRECTS)
    check_url(url)
    headers = {"User-Agent": user_agent(), "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _HTTPHandler(), _HTTPSHandler(), _Redirects(redirects)
    )
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    _("the document is %(size)s bytes, over the limit of %(limit)s")
                    % {"size": f"{int(length):,}", "limit": f"{max_bytes:,}"}
                )
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(_("the document is over the limit of %(limit)s bytes") % {"limit": f"{max_bytes:,}"})
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
            raise FetchError(
                ngettext("more than %(count)s redirect", "more than %(count)s redirects", redirects)
                % {"count": redirects}
            ) from None
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(_("could not connect: %(reason)s") % {"reason": exc.reason}) from None
    except TimeoutError:
        raise FetchError(_("no answer within %(seconds)s s") % {"seconds": f"{timeout:g}"}) from None
    except OSError as exc:  # connection reset, TLS errors, …
        raise FetchError(f"{type(exc).__name__}: {exc}"[:300]) from None
