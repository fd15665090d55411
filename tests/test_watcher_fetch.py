"""The watcher's HTTP GET against a local server: conditional requests, limits, refused schemes."""

import pytest

from journal.watcher.fetch import FetchError, fetch


@pytest.fixture
def server(status_server):
    return status_server


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://h/", "http:///nohost", "javascript:alert(1)"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(FetchError, match="only http:// and https://"):
        fetch(url)


def test_a_get_names_the_app_and_keeps_validators(server):
    server.serve("/doc", b'{"a": 1}', etag='"v1"', last_modified="Wed, 14 Oct 2026 04:05:31 GMT")
    got = fetch(server.url + "/doc")
    assert (got.status, got.body, got.etag, got.last_modified) == (
        200,
        b'{"a": 1}',
        '"v1"',
        "Wed, 14 Oct 2026 04:05:31 GMT",
    )
    assert got.content_type == "application/json; charset=utf-8"
    headers = server.requests[-1][1]
    assert headers["User-Agent"].startswith("incident-journal-watcher/")
    assert "If-None-Match" not in headers


def test_unchanged_documents_answer_304_with_no_body(server):
    server.serve("/doc", b"x" * 100, etag='"v1"')
    got = fetch(server.url + "/doc", etag='"v1"')
    assert got.unchanged and got.body == b""
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    server.serve("/lm", b"y", last_modified="Wed, 14 Oct 2026 04:05:31 GMT")
    assert fetch(server.url + "/lm", last_modified="Wed, 14 Oct 2026 04:05:31 GMT").unchanged


def test_a_document_over_the_size_limit_is_refused(server):
    server.serve("/big", b"z" * 5001)
    with pytest.raises(FetchError, match="over the limit of 5,000"):
        fetch(server.url + "/big", max_bytes=5000)
    assert fetch(server.url + "/big", max_bytes=5001).body == b"z" * 5001


def test_a_slow_server_times_out(server):
    server.serve("/slow", b"late", delay=1.5)
    with pytest.raises(FetchError, match="no answer within 0.3 s|timed out"):
        fetch(server.url + "/slow", timeout=0.3)


def test_http_errors_and_refused_connections_say_what_happened(server):
    server.serve("/broken", b"oops", status=503)
    with pytest.raises(FetchError, match="HTTP 503"):
        fetch(server.url + "/broken")
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(server.url + "/missing")
    with pytest.raises(FetchError, match="could not connect"):
        fetch("http://127.0.0.1:9/")  # the discard port: nothing listens


def test_redirects_are_followed_a_few_times_and_never_to_other_schemes(server):
    server.serve("/final", b"here")
    server.serve("/one", b"", status=302, location="/final")
    assert fetch(server.url + "/one").body == b"here"
    server.serve("/to-file", b"", status=302, location="file:///etc/passwd")
    with pytest.raises(FetchError, match="only http:// and https://"):
        fetch(server.url + "/to-file")
    for n in range(5):
        server.serve(f"/hop{n}", b"", status=302, location=f"/hop{n + 1}")
    server.serve("/hop5", b"far")
    with pytest.raises(FetchError):
        fetch(server.url + "/hop0", redirects=3)
    assert fetch(server.url + "/hop0", redirects=5).body == b"far"
