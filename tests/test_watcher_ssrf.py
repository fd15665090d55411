"""Status sources are fetched from the server: addresses off the public internet (loopback,
private, link-local, multicast, reserved) are refused, on the address the connection is
actually made to (resolved once, also on each redirect hop), unless WATCHER_ALLOW_PRIVATE."""

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from journal.watcher import fetch as fetch_module
from journal.watcher.fetch import FetchError, RefusedAddress, fetch, is_public
from journal.watcher.models import StatusSource
from journal.watcher.poll import poll
from tests.factories import ServiceFactory
from tests.helpers import text_of
from tests.statusserver import StatusServer

REFUSED = "which is not a public internet address: refused"


class Resolver:
    """socket.getaddrinfo with some names answered from a table (a list: one answer per call,
    the last one repeated), every call recorded."""

    def __init__(self, monkeypatch, **names):
        self.names = {name.replace("_", "."): answers for name, answers in names.items()}
        self.calls: list[str] = []
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        answers = self.names.get(host)
        if answers is None:
            return self.real(host, port, *args, **kwargs)
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return self.real(address, port, *args, **kwargs)


@pytest.fixture
def refusing(settings):
    settings.WATCHER_ALLOW_PRIVATE = False


@pytest.fixture
def local_server(refusing):
    """The local server, with the setting off (the ``status_server`` fixture turns it on)."""
    with StatusServer() as server:
        yield server


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.7",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fe80::1%eth0",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    ],
)
def test_addresses_off_the_public_internet_are_not_public(address):
    assert is_public(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::5db8:d822"])
def test_public_addresses_are_public(address):
    assert is_public(address) is True


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # 127.0.0.1 as one number: the resolver reads it so
        ("0x7f.1", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
    ],
)
def test_the_local_server_is_refused_by_default_and_never_reached(local_server, host, address):
    port = local_server.httpd.server_address[1]
    local_server.serve("/doc", b"secret")
    with pytest.raises(RefusedAddress, match=f"^{host} resolves to {address}, {REFUSED}"):
        fetch(f"http://{host}:{port}/doc")
    assert local_server.requests == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "https://[fd00::1]/", "http://10.9.8.7/"]
)
def test_private_literals_are_refused_before_any_connection(refusing, url):
    with pytest.raises(RefusedAddress, match=REFUSED):
        fetch(url, timeout=0.5)  # a connection attempt would time out; the refusal is at once


def test_the_setting_allows_the_local_server(local_server, settings):
    settings.WATCHER_ALLOW_PRIVATE = True
    local_server.serve("/doc", b"on the LAN")
    assert fetch(local_server.url + "/doc").body == b"on the LAN"


def test_the_name_is_resolved_once_and_the_connection_goes_to_that_address_with_the_name_kept(
    status_server, monkeypatch
):
    port = status_server.httpd.server_address[1]
    status_server.serve("/doc", b"found")
    resolver = Resolver(monkeypatch, status_example_test=["127.0.0.1"])
    got = fetch(f"http://status.example.test:{port}/doc")
    assert got.body == b"found" and got.url == f"http://status.example.test:{port}/doc"
    assert status_server.requests[-1][1]["Host"] == f"status.example.test:{port}"
    assert resolver.calls == ["status.example.test"]


def test_dns_rebinding_the_address_checked_is_the_address_connected_to(local_server, monkeypatch):
    """The name first resolves to a public address, then to the local server: the second
    resolution is the one the connection uses, and it is refused."""
    port = local_server.httpd.server_address[1]
    local_server.serve("/doc", b"secret")
    resolver = Resolver(monkeypatch, rebind_example_test=["93.184.216.34", "127.0.0.1"])
    assert fetch_module.refused_url(f"http://rebind.example.test:{port}/doc") == ""  # checked once: public
    with pytest.raises(RefusedAddress, match=f"rebind.example.test resolves to 127.0.0.1, {REFUSED}"):
        fetch(f"http://rebind.example.test:{port}/doc")
    assert resolver.calls == ["rebind.example.test", "rebind.example.test"]
    assert local_server.requests == []


def test_a_name_giving_one_private_address_among_public_ones_is_refused(refusing, monkeypatch):
    public = socket.getaddrinfo("93.184.216.34", 80, type=socket.SOCK_STREAM)
    private = socket.getaddrinfo("10.0.0.5", 80, type=socket.SOCK_STREAM)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public + private)
    with pytest.raises(RefusedAddress, match=f"mixed.example.test resolves to 10.0.0.5, {REFUSED}"):
        fetch("http://mixed.example.test/")


@pytest.fixture
def loopback_is_public(monkeypatch):
    """The local server stands in for a public host: 127.0.0.1 passes, every other address is
    judged as always."""
    judge = fetch_module.is_public
    monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1" or judge(address))


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", f"169.254.169.254 resolves to 169.254.169.254, {REFUSED}"),
        ("http://[::1]:{port}/final", f"::1 resolves to ::1, {REFUSED}"),
        ("http://internal.example.test:{port}/final", f"internal.example.test resolves to 10.0.0.7, {REFUSED}"),
    ],
)
def test_every_redirect_hop_is_checked(local_server, loopback_is_public, monkeypatch, location, message):
    port = local_server.httpd.server_address[1]
    Resolver(monkeypatch, internal_example_test=["10.0.0.7"])
    local_server.serve("/final", b"inside")
    local_server.serve("/start", b"", status=302, location=location.format(port=port))
    assert fetch(local_server.url + "/final").body == b"inside"  # the stand-in is reached
    with pytest.raises(RefusedAddress, match=message.replace(".", r"\.")):
        fetch(local_server.url + "/start", timeout=0.5)
    assert local_server.paths() == ["/final", "/start"]


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate (from its own CA) names only
    status.example.test; records the server name each client sent (SNI)."""
    ca_key, ca, key, csr, cert = (tmp_path / name for name in ("ca.key", "ca.pem", "key.pem", "csr.pem", "cert.pem"))
    ext = tmp_path / "ext.cnf"
    ext.write_text("subjectAltName=DNS:status.example.test\n")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=t")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=status.example.test")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-extfile", ext)
    names = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"secure")

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], ca, names
    httpd.shutdown()
    httpd.server_close()


def test_https_keeps_the_name_for_sni_and_the_certificate(tls_server, settings, monkeypatch):
    port, ca, names = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    Resolver(monkeypatch, status_example_test=["127.0.0.1"])
    settings.WATCHER_ALLOW_PRIVATE = True
    assert fetch(f"https://status.example.test:{port}/").body == b"secure"
    assert names == ["status.example.test"]
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        fetch(f"https://127.0.0.1:{port}/")  # the certificate does not name the address
    settings.WATCHER_ALLOW_PRIVATE = False
    with pytest.raises(RefusedAddress):
        fetch(f"https://status.example.test:{port}/")
    assert names == ["status.example.test", None]


def test_a_poll_records_the_refusal_as_its_last_error(db, refusing, monkeypatch):
    Resolver(monkeypatch, status_example_test=["10.0.0.5"])
    service = ServiceFactory()
    source = StatusSource.objects.create(
        provider=service.provider, kind="statuspage", url="http://status.example.test/"
    )
    outcome = poll(source)
    source.refresh_from_db()
    assert (
        source.last_error
        == outcome.error
        == (
            "http://status.example.test/api/v2/incidents.json: status.example.test resolves to 10.0.0.5, "
            f"{REFUSED} (the setting WATCHER_ALLOW_PRIVATE allows it)"
        )
    )
    assert (source.failures, source.last_success_at) == (1, None)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://localhost:8080/status", "127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.1.2.3/", "10.1.2.3"),
        ("http://[::1]/", "::1"),
        ("https://[fd00::1]/", "fd00::1"),
        ("http://0.0.0.0/", "0.0.0.0"),
        ("http://status.example.test/", "192.168.0.10"),
    ],
)
def test_adding_a_source_on_a_private_address_is_refused_by_the_form(client_alice, refusing, monkeypatch, url, address):
    Resolver(monkeypatch, status_example_test=["192.168.0.10"])
    service = ServiceFactory()
    response = client_alice.post(
        reverse("source_new", args=[service.provider.pk]),
        {"kind": "statuspage", "url": url, "time_zone": "UTC", "interval_minutes": "15"},
    )
    assert response.status_code == 422
    assert f"resolves to {address}, {REFUSED}" in text_of(response)
    assert StatusSource.objects.count() == 0


def test_a_name_that_does_not_resolve_yet_is_kept_and_the_poll_says_so(
    client_alice, refusing, monkeypatch, django_capture_on_commit_callbacks
):
    def unknown(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    service = ServiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            reverse("source_new", args=[service.provider.pk]),
            {"kind": "feed", "url": "https://status.example.test/feed", "time_zone": "UTC", "interval_minutes": "15"},
        )
    assert response.status_code == 302
    source = StatusSource.objects.get()
    assert source.last_error == (
        "https://status.example.test/feed: could not resolve status.example.test: [Errno -2] Name or service not known"
    )


def test_a_rebinding_name_passes_the_form_and_is_refused_at_the_poll(
    client_alice, local_server, monkeypatch, django_capture_on_commit_callbacks
):
    port = local_server.httpd.server_address[1]
    local_server.serve("/feed", b"<rss/>", content_type="application/rss+xml")
    Resolver(monkeypatch, rebind_example_test=["93.184.216.34", "127.0.0.1"])
    service = ServiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            reverse("source_new", args=[service.provider.pk]),
            {
                "kind": "feed",
                "url": f"http://rebind.example.test:{port}/feed",
                "time_zone": "UTC",
                "interval_minutes": "5",
            },
        )
    assert response.status_code == 302
    source = StatusSource.objects.get()
    assert f"rebind.example.test resolves to 127.0.0.1, {REFUSED}" in source.last_error
    assert source.failures == 1 and local_server.requests == []
