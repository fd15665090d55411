"""The status watcher against a local server serving real-shaped documents (tests/corpus/
statuspages/, see its README for where each shape was seen) that change between polls."""

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from journal.models import Incident, ProviderNotice
from journal.roles import Role
from journal.watcher import offers
from journal.watcher.models import SourceItem, SourceItemVersion, StatusSource
from journal.watcher.poll import poll
from journal.watcher.tasks import enqueue_due, enqueue_poll, poll_source
from tests.factories import EventFactory, IncidentFactory, ServiceFactory, UserFactory
from tests.helpers import text_of

CORPUS = Path(__file__).parent / "corpus" / "statuspages"
T = datetime(2026, 10, 14, 4, 10, tzinfo=UTC)  # the first poll


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def server(status_server):
    return status_server


@pytest.fixture
def service(db):
    return ServiceFactory(name="VPS Tokyo", provider__name="Example VPS", time_zone="Asia/Tokyo")


@pytest.fixture
def statuspage(server, service):
    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"), etag='W/"inc-1"')
    server.serve("/api/v2/scheduled-maintenances.json", corpus("scheduled-maintenances.json"), etag='W/"mnt-1"')
    return StatusSource.objects.create(
        provider=service.provider, kind="statuspage", url=server.url + "/", interval_minutes=10
    )


def item(external_id: str) -> SourceItem:
    return SourceItem.objects.get(external_id=external_id)


def test_a_first_poll_keeps_every_notice_verbatim_with_its_hash(statuspage, server):
    outcome = poll(statuspage, now=T)
    assert (outcome.fetched, outcome.new_items, outcome.new_versions, outcome.error) == (2, 3, 3, "")
    assert server.paths() == ["/api/v2/incidents.json", "/api/v2/scheduled-maintenances.json"]
    network = item("incident:q8w2e4r6t1y3")
    assert network.title == "Network connectivity issues in the Tokyo region"
    assert (network.first_seen, network.last_seen, network.vanished_at) == (T, T, None)
    version = network.versions.get()
    assert version.number == 1 and version.retrieved_at == T
    assert version.sha256 == hashlib.sha256(bytes(version.body)).hexdigest()
    assert b'"id": "q8w2e4r6t1y3"' in bytes(version.body)
    assert version.url == "https://stspg.io/ex4mpl1" and version.etag == 'W/"inc-1"'
    # Read with the notice reader: from the first update, still going on.
    assert (version.claimed_start, version.claimed_end) == (datetime(2026, 10, 14, 3, 12, tzinfo=UTC), None)
    assert "Identified\nThe issue has been identified as a failed line card in a core router." in version.text
    maintenance = item("maintenance:m7n6b5v4c3x2")
    assert (maintenance.window_start, maintenance.window_end) == (
        datetime(2026, 12, 3, 16, tzinfo=UTC),
        datetime(2026, 12, 3, 20, tzinfo=UTC),
    )
    statuspage.refresh_from_db()
    assert statuspage.last_success_at == T and statuspage.failures == 0
    assert statuspage.next_poll_at == T + timedelta(minutes=10)
    assert statuspage.validators[server.url + "/api/v2/incidents.json"]["etag"] == 'W/"inc-1"'


def test_an_unchanged_source_answers_304_and_nothing_is_stored(statuspage, server):
    poll(statuspage, now=T)
    outcome = poll(statuspage, now=T + timedelta(minutes=10))
    assert (outcome.fetched, outcome.unchanged, outcome.new_versions, outcome.vanished) == (0, 2, 0, 0)
    assert server.requests[-2][1]["If-None-Match"] == 'W/"inc-1"'
    assert SourceItemVersion.objects.count() == 3
    assert item("incident:a1s2d3f4g5h6").vanished_at is None


def test_an_edit_after_publication_is_a_new_version_with_a_diff_and_a_vanished_notice_is_marked(statuspage, server):
    poll(statuspage, now=T)
    later = T + timedelta(hours=3)
    server.serve("/api/v2/incidents.json", corpus("incidents_v2.json"), etag='W/"inc-2"')
    outcome = poll(statuspage, now=later)
    assert (outcome.new_items, outcome.new_versions, outcome.vanished) == (1, 2, 1)
    network = item("incident:q8w2e4r6t1y3")
    assert [v.number for v in network.versions.all()] == [1, 2]
    assert network.first_seen == T and network.last_seen == later
    assert (network.window_start, network.window_end) == (
        datetime(2026, 10, 14, 3, 12, tzinfo=UTC),
        datetime(2026, 10, 14, 5, 2, tzinfo=UTC),
    )
    gone = item("incident:a1s2d3f4g5h6")
    assert gone.vanished_at == later and gone.last_seen == T
    assert SourceItem.objects.filter(vanished_at__isnull=True).count() == 3

    # It comes back: no longer vanished, and no new version for the same text.
    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"), etag='W/"inc-1b"')
    poll(statuspage, now=later + timedelta(minutes=10))
    assert item("incident:a1s2d3f4g5h6").vanished_at is None
    assert item("incident:a1s2d3f4g5h6").versions.count() == 1


def test_errors_back_off_doubling_up_to_a_day_and_success_resets(statuspage, server):
    statuspage.interval_minutes = 600
    statuspage.save()
    server.serve("/api/v2/incidents.json", b"upstream sad", status=502)
    waits = []
    for n in range(4):
        now = T + timedelta(days=n)
        poll(statuspage, now=now)
        statuspage.refresh_from_db()
        waits.append(statuspage.next_poll_at - now)
    assert waits == [timedelta(hours=20), timedelta(hours=24), timedelta(hours=24), timedelta(hours=24)]
    assert statuspage.failures == 4 and "HTTP 502" in statuspage.last_error
    assert statuspage.last_error_at == T + timedelta(days=3) and statuspage.last_success_at is None
    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"))
    poll(statuspage, now=T + timedelta(days=5))
    statuspage.refresh_from_db()
    assert statuspage.failures == 0 and statuspage.next_poll_at == T + timedelta(days=5, hours=10)
    assert statuspage.last_success_at == T + timedelta(days=5)


def test_a_document_that_is_not_statuspage_json_is_an_error_not_a_crash(statuspage, server):
    server.serve("/api/v2/incidents.json", b"<html>maintenance</html>", content_type="text/html")
    outcome = poll(statuspage, now=T)
    assert "not Statuspage JSON" in outcome.error
    assert SourceItem.objects.count() == 0 and StatusSource.objects.get().failures == 1


def test_html_page_versions_keep_the_raw_bytes_and_show_what_changed(server, service):
    server.serve("/info/1022.html", corpus("notice_page_sjis.html"), content_type="text/html")
    source = StatusSource.objects.create(
        provider=service.provider, kind="html", url=server.url + "/info/1022.html", time_zone="Asia/Tokyo"
    )
    poll(source, now=T)
    server.serve("/info/1022.html", corpus("notice_page_sjis_edited.html"), content_type="text/html")
    poll(source, now=T + timedelta(hours=1))
    page = SourceItem.objects.get()
    first, second = page.versions.all()
    assert bytes(first.body) == corpus("notice_page_sjis.html")
    assert second.sha256 == hashlib.sha256(corpus("notice_page_sjis_edited.html")).hexdigest()
    assert page.title == "【復旧】共用サーバー sv2031 におけるメール送受信障害について"
    assert "var tracking" not in first.text and "font-family" not in first.text
    # 09時12分頃 ～ 10時47分頃 in Tokyo; the edit moved the start ten minutes earlier.
    assert (first.claimed_start, first.claimed_end) == (
        datetime(2026, 10, 22, 0, 12, tzinfo=UTC),
        datetime(2026, 10, 22, 1, 47, tzinfo=UTC),
    )
    assert first.approximate
    assert second.claimed_start == datetime(2026, 10, 22, 0, 2, tzinfo=UTC)


def test_atom_and_rss_entries_are_notices_with_their_own_bytes(server, service):
    server.serve("/history.atom", corpus("history.atom"), content_type="application/atom+xml")
    server.serve("/news.rss", corpus("news.rss"), content_type="application/rss+xml")
    atom = StatusSource.objects.create(provider=service.provider, kind="feed", url=server.url + "/history.atom")
    rss = StatusSource.objects.create(
        provider=service.provider, kind="feed", url=server.url + "/news.rss", time_zone="Asia/Tokyo"
    )
    poll(atom, now=T)
    poll(rss, now=T)
    mail = SourceItem.objects.get(external_id="tag:status.mail.example,2005:Incident/27461901").latest
    assert bytes(mail.body).startswith(b"<entry>") and b"27461901" in bytes(mail.body)
    assert (mail.claimed_start, mail.claimed_end) == (
        datetime(2026, 10, 20, 5, 12, tzinfo=UTC),
        datetime(2026, 10, 20, 7, 41, tzinfo=UTC),
    )
    outage = SourceItem.objects.get(external_id="https://www.vps.example.jp/news/2026/1020-01.html").latest
    assert bytes(outage.body).startswith(b"<item>")
    assert (outage.claimed_start, outage.claimed_end) == (
        datetime(2026, 10, 20, 5, 5, tzinfo=UTC),
        datetime(2026, 10, 20, 6, 40, tzinfo=UTC),
    )
    assert SourceItem.objects.filter(source=rss).count() == 2


def test_a_notice_is_offered_to_the_overlapping_incident_and_attached_as_evidence(statuspage, server, service):
    mine = IncidentFactory(service=service, title="Tokyo VPS unreachable")
    EventFactory(incident=mine, at=datetime(2026, 10, 14, 3, 20, tzinfo=UTC), type="down")
    earlier = IncidentFactory(service=service, title="Old one", status="resolved")
    EventFactory(incident=earlier, at=datetime(2026, 9, 1, 3, 20, tzinfo=UTC), type="down")
    EventFactory(incident=earlier, at=datetime(2026, 9, 1, 4, 20, tzinfo=UTC), type="up")
    elsewhere = IncidentFactory(title="Another provider's outage")
    EventFactory(incident=elsewhere, at=datetime(2026, 10, 14, 3, 20, tzinfo=UTC), type="down")
    poll(statuspage, now=T)
    network = item("incident:q8w2e4r6t1y3")
    assert offers.candidates(network, now=T) == [mine]
    assert list(offers.offered_to(mine, now=T)) == [network]
    assert item("maintenance:m7n6b5v4c3x2") not in offers.offered_to(mine, now=T)

    notice = offers.attach(network, mine)
    version = network.versions.get()
    assert (notice.retrieved_at, notice.raw_text, notice.url) == (version.retrieved_at, version.text, version.url)
    assert notice.claimed_start == datetime(2026, 10, 14, 3, 12, tzinfo=UTC) and notice.claimed_end is None
    assert item("incident:q8w2e4r6t1y3").offer == "attached"
    assert list(offers.offered_to(mine, now=T)) == []

    # The provider resolves it: the incident's notice is superseded by the new version.
    server.serve("/api/v2/incidents.json", corpus("incidents_v2.json"), etag='W/"inc-2"')
    poll(statuspage, now=T + timedelta(hours=3))
    current = ProviderNotice.objects.get(incident=mine)
    assert current.supersedes_id == notice.pk
    assert current.claimed_end == datetime(2026, 10, 14, 5, 2, tzinfo=UTC)
    assert current.retrieved_at == T + timedelta(hours=3)
    assert "failed optical transceiver" in current.raw_text
    assert ProviderNotice.all_objects.filter(incident=mine).count() == 2
    fresh = Incident.objects.get(pk=mine.pk)
    assert fresh.totals.claimed_duration == timedelta(hours=1, minutes=50)


def test_a_notice_becomes_a_new_incident(statuspage, service):
    poll(statuspage, now=T)
    maintenance = item("maintenance:m7n6b5v4c3x2")
    incident = offers.new_incident(maintenance, service, now=T)
    assert (incident.title, incident.kind, incident.status) == (
        "Hypervisor kernel upgrade in Osaka",
        "maintenance",
        "open",
    )
    assert incident.notices.get().claimed_start == datetime(2026, 12, 3, 16, tzinfo=UTC)
    resolved = offers.new_incident(item("incident:a1s2d3f4g5h6"), service, now=T)
    assert resolved.status == "resolved" and resolved.resolved_at == datetime(2026, 10, 1, 11, 20, tzinfo=UTC)


def test_due_sources_are_queued_once_and_polled_on_the_task_backend(
    statuspage, server, django_capture_on_commit_callbacks
):
    paused = StatusSource.objects.create(provider=statuspage.provider, url=server.url + "/other", enabled=False)
    with django_capture_on_commit_callbacks() as callbacks:
        assert enqueue_due() == 1
        assert enqueue_due() == 0  # already queued: not twice
    assert len(callbacks) == 1
    statuspage.refresh_from_db()
    assert statuspage.queued_at is not None
    callbacks[0]()  # the worker runs it (ImmediateBackend here)
    statuspage.refresh_from_db()
    assert statuspage.queued_at is None and statuspage.last_success_at is not None
    assert SourceItem.objects.filter(source=statuspage).count() == 3
    assert SourceItem.objects.filter(source=paused).count() == 0
    assert enqueue_due() == 0  # next poll is an interval away
    result = poll_source.enqueue(statuspage.pk)
    assert result.return_value["unchanged"] == 2


def test_the_watch_command_queues_due_polls(statuspage, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("watch", "--once")
    assert "Queued 1 poll(s)." in capsys.readouterr().out
    assert SourceItem.objects.count() == 3


# -- pages ------------------------------------------------------------------------------------


def test_the_provider_page_shows_sources_their_health_and_the_notices_offered(client_alice, statuspage, server):
    poll(statuspage, now=T)
    server.serve("/api/v2/incidents.json", b"", status=500)
    poll(statuspage, now=T + timedelta(minutes=10))
    response = client_alice.get(statuspage.provider.get_absolute_url())
    page = text_of(response)
    assert "Status sources" in page and "Atlassian Statuspage" in page
    assert "2026-10-14 04:10" in page  # last success, in the viewer's zone (UTC)
    assert "HTTP 500" in page and "backing off: 1 error in a row" in page
    assert "Network connectivity issues in the Tokyo region" in page
    assert "Delayed control panel actions" in page


def test_adding_a_source_polls_it_and_a_bad_address_keeps_what_was_typed(
    client_alice, service, server, django_capture_on_commit_callbacks
):
    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"))
    server.serve("/api/v2/scheduled-maintenances.json", corpus("scheduled-maintenances.json"))
    url = reverse("source_new", args=[service.provider.pk])
    bad = client_alice.post(
        url, {"kind": "statuspage", "url": "ftp://status.example/", "time_zone": "Asia/Tokyo", "interval_minutes": "0"}
    )
    assert bad.status_code == 422
    assert 'value="ftp://status.example/"' in bad.content.decode()
    assert "Enter a valid URL." in text_of(bad) and "Poll between every minute and once a day" in text_of(bad)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_alice.post(
            url, {"kind": "statuspage", "url": server.url, "time_zone": "Asia/Tokyo", "interval_minutes": "5"}
        )
    assert response.status_code == 302 and response["Location"].endswith("#sources")
    source = StatusSource.objects.get()
    assert source.interval_minutes == 5 and source.last_success_at is not None
    assert SourceItem.objects.filter(source=source).count() == 3


def test_viewers_see_sources_but_cannot_add_poll_or_attach(client, statuspage, service):
    poll(statuspage, now=T)
    client.force_login(UserFactory(username="victor", role=Role.VIEWER))
    page = client.get(statuspage.provider.get_absolute_url()).content.decode()
    assert "Status sources" in page and "Add a status source" not in page and "Poll now" not in page
    incident = IncidentFactory(service=service)
    network = item("incident:q8w2e4r6t1y3")
    for name, args, data in [
        ("source_new", [service.provider.pk], {"kind": "feed", "url": "https://x.example/feed"}),
        ("source_poll", [service.provider.pk, statuspage.pk], {}),
        ("source_delete", [service.provider.pk, statuspage.pk], {}),
        ("source_item_attach", [network.pk], {"incident": incident.pk}),
        ("source_item_incident", [network.pk], {"service": service.pk}),
        ("source_item_dismiss", [network.pk], {}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    assert StatusSource.objects.count() == 1 and ProviderNotice.objects.count() == 0
    assert item("incident:q8w2e4r6t1y3").offer == "pending"


def test_attaching_from_the_item_page_and_the_incident_page_shows_versions_and_the_diff(
    client_alice, statuspage, server, service
):
    mine = IncidentFactory(service=service, title="Tokyo VPS unreachable")
    EventFactory(incident=mine, at=datetime(2026, 10, 14, 3, 20, tzinfo=UTC), type="down")
    poll(statuspage, now=T)
    network = item("incident:q8w2e4r6t1y3")
    item_page = text_of(client_alice.get(network.get_absolute_url()))
    assert "It overlaps these incidents" in item_page and "Tokyo VPS unreachable" in item_page
    incident_page = text_of(client_alice.get(mine.get_absolute_url()))
    assert "Offered to this incident" in incident_page
    response = client_alice.post(reverse("source_item_attach", args=[network.pk]), {"incident": mine.pk})
    assert response.status_code == 302 and response["Location"] == f"{mine.get_absolute_url()}#notices"
    server.serve("/api/v2/incidents.json", corpus("incidents_v2.json"), etag='W/"inc-2"')
    poll(statuspage, now=T + timedelta(hours=3))
    page = client_alice.get(mine.get_absolute_url()).content.decode()
    assert "From status sources" in page and "2 versions" in page and "still on the source" in page
    assert (
        '<span class="diff-del">− The issue has been identified as a failed line card in a core router.</span>' in page
    )
    assert '<span class="diff-add">+ Resolved</span>' in page
    assert "First seen 2026-10-14 04:10" in page  # in the viewer's zone (UTC)


def test_text_from_a_source_is_escaped_on_every_page(client_alice, server, service):
    server.serve(
        "/page",
        b"<html><body><h1>Down &lt;script&gt;alert(1)&lt;/script&gt;</h1><p>a</p></body></html>",
        content_type="text/html",
    )
    source = StatusSource.objects.create(provider=service.provider, kind="html", url=server.url + "/page")
    poll(source, now=T)
    server.serve(
        "/page",
        b"<html><body><h1>Down &lt;script&gt;alert(2)&lt;/script&gt;</h1><p>b</p></body></html>",
        content_type="text/html",
    )
    poll(source, now=T + timedelta(hours=1))
    seen = SourceItem.objects.get()
    for url in (seen.get_absolute_url(), service.provider.get_absolute_url()):
        body = client_alice.get(url).content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert(" in body


def test_dismissing_and_removing(client_alice, statuspage):
    poll(statuspage, now=T)
    network = item("incident:q8w2e4r6t1y3")
    client_alice.post(reverse("source_item_dismiss", args=[network.pk]))
    assert item("incident:q8w2e4r6t1y3").offer == "dismissed"
    page = text_of(client_alice.get(statuspage.provider.get_absolute_url()))
    assert "Network connectivity issues" not in page and "Delayed control panel actions" in page
    client_alice.post(reverse("source_pause", args=[statuspage.provider.pk, statuspage.pk]))
    assert not StatusSource.objects.get().enabled
    client_alice.post(reverse("source_delete", args=[statuspage.provider.pk, statuspage.pk]))
    assert StatusSource.objects.count() == SourceItem.objects.count() == SourceItemVersion.objects.count() == 0


def test_poll_now_queues_a_poll_once(client_alice, statuspage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        client_alice.post(reverse("source_poll", args=[statuspage.provider.pk, statuspage.pk]))
        client_alice.post(reverse("source_poll", args=[statuspage.provider.pk, statuspage.pk]))
    assert len(callbacks) == 1
    assert "queued" in text_of(client_alice.get(statuspage.provider.get_absolute_url()))
    assert not enqueue_poll(StatusSource.objects.get())


@pytest.mark.django_db(transaction=True)
def test_polls_run_on_the_database_worker_never_in_the_request(client, settings, server, service):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    server.serve("/api/v2/incidents.json", corpus("incidents_v1.json"))
    server.serve("/api/v2/scheduled-maintenances.json", corpus("scheduled-maintenances.json"))
    client.force_login(UserFactory(username="alice"))
    response = client.post(
        reverse("source_new", args=[service.provider.pk]),
        {"kind": "statuspage", "url": server.url, "time_zone": "UTC", "interval_minutes": "15"},
    )
    assert response.status_code == 302
    assert server.requests == [] and SourceItem.objects.count() == 0  # the request only queued it
    assert DBTaskResult.objects.get().task_path == "journal.watcher.tasks.poll_source"
    assert "queued" in text_of(client.get(service.provider.get_absolute_url()))

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert SourceItem.objects.count() == 3 and len(server.requests) == 2
    assert StatusSource.objects.get().queued_at is None


def test_the_provider_page_reads_offers_in_a_fixed_number_of_queries(client_alice, statuspage, server, service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        incident = IncidentFactory(service=service, title=f"Outage {n}")
        EventFactory(incident=incident, at=datetime(2026, 10, 14, 3, 20 + n, tzinfo=UTC), type="down")
    poll(statuspage, now=T)
    url = statuspage.provider.get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        assert client_alice.get(url).status_code == 200
    server.serve("/news.rss", corpus("news.rss"), content_type="application/rss+xml")
    feed = StatusSource.objects.create(provider=service.provider, kind="feed", url=server.url + "/news.rss")
    poll(feed, now=T)
    with CaptureQueriesContext(connection) as more:
        page = text_of(client_alice.get(url))
    assert SourceItem.objects.filter(offer="pending").count() == 5
    assert len(more.captured_queries) == len(few.captured_queries)
    assert page.count("Attach to “Outage") == 3  # the network incident's three candidates


def test_an_unexpected_error_backs_off_and_is_raised_for_the_worker_log(statuspage, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr("journal.watcher.poll.parse", broken)
    with pytest.raises(KeyError):
        poll(statuspage, now=T)
    statuspage.refresh_from_db()
    assert statuspage.failures == 1 and "unexpected error (KeyError)" in statuspage.last_error
    assert statuspage.next_poll_at == T + timedelta(minutes=20) and statuspage.queued_at is None


def test_a_shared_copy_shows_the_archived_versions_but_no_offers_and_no_way_in(
    client_alice, client, statuspage, service
):
    import re

    mine = IncidentFactory(service=service, title="Tokyo VPS unreachable")
    EventFactory(incident=mine, at=datetime(2026, 10, 14, 3, 20, tzinfo=UTC), type="down")
    EventFactory(incident=mine, at=datetime(2026, 10, 14, 10, 20, tzinfo=UTC), type="up")
    poll(statuspage, now=T)
    offers.attach(item("incident:q8w2e4r6t1y3"), mine)
    response = client_alice.post(f"/incidents/{mine.pk}/share/", {"days": 14, "note": ""})
    shared = re.search(r"http://testserver(/share/[^/]+/)", str(list(response.wsgi_request._messages)[-1])).group(1)
    page = client.get(shared).content.decode()
    assert "From status sources" in page and "failed line card" in page
    assert "/notices-seen/" not in page and "Offered to this incident" not in page and "<form" not in page


def test_the_source_form_changes_no_other_url_field(service):
    from django import forms

    from journal.watcher.forms import StatusSourceForm

    form = StatusSourceForm(
        {"kind": "feed", "url": "ftp://x.example/f", "time_zone": "UTC", "interval_minutes": 5},
        provider=service.provider,
    )
    assert not form.is_valid() and "url" in form.errors
    assert forms.URLField().clean("ftp://x.example/f") == "ftp://x.example/f"
