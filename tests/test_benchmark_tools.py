"""The scale benchmarks' own tools: the generated journal has the shapes the figures claim, the
same seed gives the same journal, and the load test reads the real "add an event" form."""

import os
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count

from benchmarks.journal_gen import PROVIDERS, generate
from benchmarks.loadtest import FormReader, Tally, server_cpu, summary
from journal.models import Incident, LogLine, Provider, ProviderNotice, Service, SupportContact, TimelineEvent

DST_ZONES = {"Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Los_Angeles", "Europe/London"}


def _shape() -> list[tuple]:
    return [
        (i.uid, i.title, i.kind, i.status, i.service.name, [(e.at, e.type, e.text) for e in i.events.all()])
        for i in Incident.objects.select_related("service").prefetch_related("events").order_by("uid")
    ]


@pytest.mark.django_db
def test_it_generates_the_promised_shapes():
    counts = generate(200)

    assert counts["providers"] == Provider.objects.count() == PROVIDERS
    assert counts["incidents"] == Incident.objects.count() == 200
    assert counts["events"] == TimelineEvent.objects.count()
    assert 17 <= counts["events"] / 200 <= 23  # about 20 events per incident
    per_provider = Service.objects.values("provider").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_provider) == {2, 3, 4}
    assert DST_ZONES & set(Service.objects.values_list("time_zone", flat=True))
    assert Incident.objects.filter(status="open").count() == counts["open_incidents"] == 3
    types = Counter(TimelineEvent.objects.values_list("type", flat=True))
    assert types["down"] + types["degraded"] >= types["up"] > 0 and types["degraded"] > 0
    assert types["status_claimed"] > 0 and types["noticed"] > 0
    assert ProviderNotice.objects.count() == counts["notices"] > 0
    assert all(n.claimed_end > n.claimed_start for n in ProviderNotice.objects.all())
    assert SupportContact.objects.count() == counts["contacts"] > 0
    first = Incident.objects.order_by("created_at").first()
    last = Incident.objects.order_by("-created_at").first()
    assert (last.created_at - first.created_at).days > 9 * 365  # ten years


@pytest.mark.django_db
def test_log_accepted_events_point_at_their_lines():
    counts = generate(100)

    linked = TimelineEvent.objects.exclude(log_line=None).select_related("log_line")
    assert counts["log_events"] == linked.count() > 0
    for event in linked:
        assert event.source == "log" and event.log_line.at == event.at
        assert event.log_line.rule == ("sigterm" if event.type == "down" else "syslogd-restart")
    excerpt = linked[0].log_line.excerpt
    assert excerpt.read_bytes().decode().splitlines()[12] == LogLine.objects.get(excerpt=excerpt, number=13).text


@pytest.mark.django_db
def test_down_and_up_pairs_add_up_to_the_observed_downtime():
    generate(60)

    outages = Incident.objects.filter(kind__in=["outage", "maintenance"]).prefetch_related("events", "notices")
    for incident in outages:
        downs = [e.at for e in incident.events.all() if e.type == "down"]
        ups = [e.at for e in incident.events.all() if e.type == "up"]
        if incident.is_open:
            assert incident.totals.still_down and len(ups) == len(downs) - 1
        else:
            assert not incident.totals.still_down
            assert incident.totals.observed == sum((u - d for d, u in zip(downs, ups, strict=True)), timedelta())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_journal():
    generate(30)
    before = _shape()
    Incident.objects.all().delete()
    Service.objects.all().delete()
    Provider.objects.all().delete()

    generate(30)

    assert _shape() == before


def test_the_load_test_reads_the_add_event_form(client_alice, seed):
    path = f"/incidents/{seed['vps'].pk}/events/new/"
    reader = FormReader(path)

    reader.feed(client_alice.get(path).content.decode())

    assert reader.action == path
    assert reader.values["csrfmiddlewaretoken"]
    assert reader.values["events-type"] in {"down", "up", "observation"}
    assert reader.values["events-zone"] == "Asia/Tokyo"
    assert reader.values["events-day"] == "2012-07-20"  # kept from the previous event; the time is typed
    form = {**reader.values, "events-at": "23:59", "events-type": "observation", "events-text": "loadtest write 1-1"}
    assert client_alice.post(path, form).status_code == 302
    assert seed["vps"].events.filter(text="loadtest write 1-1").count() == 1


def test_the_summary_counts_requests_errors_and_writes():
    tally = Tally()
    for ms in range(1, 101):
        tally.took("incident_page", ms / 1000)
    tally.took("write_form", 0.2)  # a write is two HTTP requests, each counted once …
    tally.took("write_post", 0.3)
    tally.took("write", 0.5, "POST answered 500")  # … and the pair is reported apart, not again
    tally.written += ["a", "b"]

    result = summary(tally, elapsed=10.0, clients=2, incidents=50, found={"a", "c"})

    assert result["requests"] == 102 and result["req_per_s"] == 10.2
    assert result["per_kind"]["write"] == {"count": 1}
    assert result["per_kind"]["incident_page"]["p50_ms"] == 50
    assert result["per_kind"]["incident_page"]["p99_ms"] == 99
    assert result["errors"] == 1 and result["first_errors"] == ["write: POST answered 500"]
    assert (result["writes_acknowledged"], result["writes_found"], result["writes_stored_unanswered"]) == (2, 1, 1)


def test_the_load_test_reads_a_process_trees_cpu_time_from_proc():
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # burn a little CPU in this process
        pass
    assert abs(server_cpu(os.getpid()) - time.process_time()) < 0.1
    assert server_cpu(2**22 + 1) == 0.0  # no such process, no children
