"""The incident page's timeline at size: the latest 200 events with earlier ones on demand,
an htmx change that swaps one row (not the timeline), log context loaded when opened,
resolve/reopen in one click, and POSTs that redirect without loading the timeline."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import timeline
from journal.models import Incident, LogLine, TimelineEvent
from journal.roles import Role
from tests.factories import EventFactory, IncidentFactory, LogExcerptFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
START = datetime(2024, 1, 1, tzinfo=UTC)


def incident_with(count: int, **fields) -> Incident:
    """``count`` events a minute apart: down, up, observation, … (the first a down)."""
    incident = IncidentFactory(service__time_zone="UTC", **fields)
    types = ["down", "up", "observation"]
    TimelineEvent.objects.bulk_create(
        TimelineEvent(incident=incident, at=START + timedelta(minutes=n), type=types[n % 3], text=f"row {n}")
        for n in range(count)
    )
    return incident


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="event [^"]*" id="event-(\d+)"', html)]


def ids(incident: Incident) -> list[int]:
    return list(incident.events.order_by("at", "id").values_list("pk", flat=True))


def test_the_page_shows_the_latest_200_rows_and_totals_over_all(client_alice):
    incident = incident_with(450)
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    assert row_ids(html) == ids(incident)[-200:]
    # 150 downs of a minute each, every one ended by the up after it: all count, shown or not.
    assert "Observed down 2h 30m" in text_of_html(html)
    assert "250 earlier events not shown: Show 200 earlier events · Show all 450" in text_of_html(html)
    first = ids(incident)[250]
    assert f'href="?before={first}#event-{first}"' in html
    assert f'hx-get="/incidents/{incident.pk}/timeline/?before={first}"' in html


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_show_earlier_without_javascript_extends_the_window_and_all_shows_every_row(client_alice):
    incident = incident_with(450)
    every = ids(incident)
    html = client_alice.get(f"{incident.get_absolute_url()}?before={every[250]}").content.decode()
    assert row_ids(html) == every[50:]
    assert "50 earlier events not shown: Show 50 earlier events" in text_of_html(html)
    html = client_alice.get(f"{incident.get_absolute_url()}?all=1").content.decode()
    assert row_ids(html) == every
    assert 'id="timeline-earlier" class="earlier-events" hidden' in html
    for junk in ("?before=abc", "?before=99999999", "?before=-1", "?before=" + "9" * 40):
        assert row_ids(client_alice.get(incident.get_absolute_url() + junk).content.decode()) == every[-200:]


def test_show_earlier_with_htmx_answers_the_rows_before_and_the_next_offer(client_alice):
    incident = incident_with(450)
    every = ids(incident)
    url = f"/incidents/{incident.pk}/timeline/?before={every[250]}"
    response = client_alice.get(url, headers=HX)
    html = response.content.decode()
    assert row_ids(html) == every[50:250]
    assert html.lstrip().startswith('<li id="timeline-earlier"')
    assert f"?before={every[50]}" in html and "50 earlier events not shown" in text_of_html(html)
    assert "Observed down" not in html  # no totals, no page
    assert f"event-{every[249]}" in response["HX-Trigger-After-Settle"]
    last = client_alice.get(f"/incidents/{incident.pk}/timeline/?before={every[50]}", headers=HX).content.decode()
    assert row_ids(last) == every[:50] and "earlier event" not in text_of_html(last)
    plain = client_alice.get(url)
    assert (
        plain.status_code == 302
        and plain["Location"] == f"{incident.get_absolute_url()}?before={every[250]}#event-{every[250]}"
    )
    other = incident_with(3)
    assert client_alice.get(f"/incidents/{other.pk}/timeline/?before={every[0]}", headers=HX).status_code == 404


def test_the_page_query_count_stays_the_same_from_10_to_600_events(client_alice):
    def queries(incident) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_alice.get(incident.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert queries(incident_with(10)) == queries(incident_with(600))


def test_labels_come_from_dicts_ids_are_not_localized_and_one_delete_form_serves_all(client_alice, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    incident = incident_with(30)
    TimelineEvent.objects.filter(incident=incident).update(source="notice")
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    assert html.count('<form id="delete-event"') == 1
    assert html.count('form="delete-event"') == 30
    assert html.count("csrfmiddlewaretoken") < 10  # not one per row
    assert html.count('<span class="source source-notice">Notice</span>') == 30
    assert html.count('<span class="type">Down</span>') == 10
    last = ids(incident)[-1]
    assert f'formaction="/incidents/{incident.pk}/events/{last}/delete/"' in html


def test_a_viewer_sees_no_edit_controls_and_cannot_change_status(client, seed):
    viewer = UserFactory(username="reader", role=Role.VIEWER)
    client.force_login(viewer)
    incident = incident_with(3, status=Incident.Status.OPEN)  # down, up, observation: offer to resolve
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "delete-event" not in html and "Mark resolved" not in html and "/edit/" not in html
    response = client.post(f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": "1"})
    assert response.status_code == 403
    assert Incident.objects.get(pk=incident.pk).status == "open"


# ------------------------------------------------------------------ an event changed with htmx


def add(client, incident, at: str, kind: str, headers=None, first=None):
    headers = {**(headers or {}), **({"X-Timeline-First": str(first)} if first else {})}
    data = {"events-at": at, "events-zone": "UTC", "events-type": kind, "events-source": "person", "events-text": ""}
    return client.post(f"/incidents/{incident.pk}/events/new/", data, headers=headers)


def test_adding_to_a_large_incident_answers_one_row_not_the_timeline(client_alice):
    incident = incident_with(600)
    every = ids(incident)
    response = add(client_alice, incident, "2024-01-02T00:00", "observation", HX, first=every[400])
    html = response.content.decode()
    new = ids(incident)[-1]
    assert row_ids(html) == [new]
    assert f'<ol hx-swap-oob="afterend:#event-{every[-1]}">' in html
    assert '<div id="summary" hx-swap-oob="true">' in html and "Observed down 3h 20m" in text_of_html(html)
    assert '<svg role="img"' in html  # the time bar
    assert '<div hx-swap-oob="innerHTML:#add-event-slot">' in html  # a fresh form for the next one
    assert "Observation at 2024-01-02 00:00:00 added. Observed down 3h 20m." in html
    assert f'"id": "event-{new}"' in response["HX-Trigger-After-Settle"]
    page = client_alice.get(incident.get_absolute_url()).content.decode()
    assert len(html) < len(page) / 2  # the old answer was the page's evidence, timeline and all


def test_an_event_earlier_than_the_rows_shown_only_updates_the_count(client_alice):
    incident = incident_with(450)
    every = ids(incident)
    html = add(client_alice, incident, "2023-12-31T00:00", "observation", HX, first=every[250]).content.decode()
    assert row_ids(html) == []
    assert "251 earlier events not shown" in text_of_html(html)
    assert "among the earlier events not shown" in html


def test_an_event_placed_between_rows_goes_after_its_predecessor(client_alice):
    incident = incident_with(5)
    every = ids(incident)
    html = add(client_alice, incident, "2024-01-01T00:02:30", "observation", HX, first=every[0]).content.decode()
    assert f'<ol hx-swap-oob="afterend:#event-{every[2]}">' in html


def test_editing_moves_the_row_and_deleting_removes_it(client_alice):
    incident = incident_with(5)
    every = ids(incident)
    url = f"/incidents/{incident.pk}/events/{every[4]}/edit/"
    data = {
        "events-at": "2024-01-01T00:00:30",
        "events-zone": "UTC",
        "events-type": "observation",
        "events-source": "person",
        "events-text": "moved",
        "events-version": "1",
    }
    html = client_alice.post(url, data, headers={**HX, "X-Timeline-First": str(every[0])}).content.decode()
    assert f'<li id="event-{every[4]}" hx-swap-oob="delete">' in html
    assert f'<ol hx-swap-oob="afterend:#event-{every[0]}">' in html and "moved" in html
    response = client_alice.post(f"/incidents/{incident.pk}/events/{every[1]}/delete/", headers=HX)
    html = response.content.decode()
    assert f'<li id="event-{every[1]}" hx-swap-oob="delete">' in html and row_ids(html) == []
    assert f'"id": "event-{every[2]}"' in response["HX-Trigger-After-Settle"]  # the row after it
    assert "Up at 2024-01-01 00:01:00 deleted." in html
    assert not TimelineEvent.objects.filter(pk=every[1]).exists()


def test_deleting_the_last_event_brings_back_the_empty_line(client_alice):
    incident = incident_with(1)
    (only,) = ids(incident)
    html = client_alice.post(f"/incidents/{incident.pk}/events/{only}/delete/", headers=HX).content.decode()
    assert 'hx-swap-oob="beforeend:#timeline-rows"' in html and 'id="timeline-empty"' in html
    html = add(client_alice, incident, "2024-01-01T00:00", "down", HX).content.decode()
    assert '<li id="timeline-empty" hx-swap-oob="delete">' in html
    assert 'hx-swap-oob="beforeend:#timeline-rows"' in html


def test_a_cancelled_inline_edit_gets_its_row_back(client_alice):
    incident = incident_with(3)
    every = ids(incident)
    form = client_alice.get(f"/incidents/{incident.pk}/events/{every[1]}/edit/", headers=HX).content.decode()
    assert f'hx-get="/incidents/{incident.pk}/events/{every[1]}/" hx-target="#event-{every[1]}"' in form
    assert "data-cancel" in form
    response = client_alice.get(f"/incidents/{incident.pk}/events/{every[1]}/", headers=HX)
    assert row_ids(response.content.decode()) == [every[1]]
    assert f"event-{every[1]}" in response["HX-Trigger-After-Settle"]
    plain = client_alice.get(f"/incidents/{incident.pk}/events/{every[1]}/")
    assert plain["Location"] == f"{incident.get_absolute_url()}#event-{every[1]}"


# ------------------------------------------------------------------------ log context lines


def test_log_context_lines_are_loaded_when_opened(client_alice):
    incident = incident_with(0)
    excerpt = LogExcerptFactory(incident=incident)
    excerpt.clear_lines()
    lines = LogLine.objects.bulk_create(
        LogLine(excerpt=excerpt, number=n, prefix=f"Jan  1 00:00:{n:02d} vps1 ", message=f"message {n}")
        for n in range(1, 21)
    )
    event = EventFactory(incident=incident, type="down", at=START, source="log", log_line=lines[9])
    html = client_alice.get(incident.get_absolute_url()).content.decode()
    assert "Log line 10 with its neighbours" in html and "message 10" not in html
    assert f'href="/incidents/{incident.pk}/logs/{excerpt.pk}/?line=10#L10"' in html
    url = f"/incidents/{incident.pk}/events/{event.pk}/context/"
    context = client_alice.get(url, headers=HX).content.decode()
    assert re.findall(r"message (\d+)", context) == [str(n) for n in range(7, 14)]
    assert '<span class="hit">Jan  1 00:00:10 vps1 message 10</span>' in context
    assert client_alice.get(url)["Location"] == f"/incidents/{incident.pk}/logs/{excerpt.pk}/?line=10#L10"
    plain = EventFactory(incident=incident, at=START)
    assert client_alice.get(f"/incidents/{incident.pk}/events/{plain.pk}/context/", headers=HX).status_code == 404


# ------------------------------------------------------------------------- resolve, reopen


def test_an_up_ending_the_last_down_offers_resolve_and_it_resolves_in_one_click(client_alice):
    incident = IncidentFactory(status=Incident.Status.OPEN, service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=START)
    assert "Mark resolved" not in client_alice.get(incident.get_absolute_url()).content.decode()
    html = add(client_alice, incident, "2024-01-01T01:00", "up", HX).content.decode()
    assert "Mark resolved" in html and f'name="version" value="{incident.version}"' in html
    response = client_alice.post(
        f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": str(incident.version)}, headers=HX
    )
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert '<span id="incident-status" class="badge status-resolved" hx-swap-oob="true">Resolved</span>' in html
    assert "Marked resolved." in html and "Mark resolved" not in html
    incident.refresh_from_db()
    assert (incident.status, incident.version) == ("resolved", 2)
    assert incident.history.first().history_user.username == "alice"


def test_a_new_down_on_a_resolved_incident_offers_reopen(client_alice):
    incident = IncidentFactory(status=Incident.Status.RESOLVED, service__time_zone="UTC")
    EventFactory(incident=incident, type="down", at=START)
    EventFactory(incident=incident, type="up", at=START + timedelta(hours=1))
    assert "Reopen" not in client_alice.get(incident.get_absolute_url()).content.decode()
    html = add(client_alice, incident, "2024-01-01T02:00", "down", HX).content.decode()
    assert ">Reopen</button>" in html
    response = client_alice.post(f"/incidents/{incident.pk}/status/", {"status": "open", "version": "1"})
    assert response.status_code == 302 and response["Location"] == f"{incident.get_absolute_url()}#summary"
    assert Incident.objects.get(pk=incident.pk).status == "open"


def test_a_status_click_from_a_stale_page_is_a_409_and_changes_nothing(client_alice):
    incident = incident_with(2, status=Incident.Status.OPEN)
    Incident.objects.get(pk=incident.pk).save()  # someone else saved: version 2
    response = client_alice.post(
        f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": "1"}, headers=HX
    )
    assert response.status_code == 409
    assert (
        "Not changed: the incident was edited since this page was opened; it is open now." in response.content.decode()
    )
    assert 'name="version" value="2"' in response.content.decode()  # the offer, at the version now
    plain = client_alice.post(f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": "1"})
    assert plain.status_code == 409 and "it is open now" in plain.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "open"
    for bad in ({"status": "closed", "version": "2"}, {"status": "resolved", "version": "x"}, {"status": "resolved"}):
        assert client_alice.post(f"/incidents/{incident.pk}/status/", bad).status_code == 422
    assert client_alice.get(f"/incidents/{incident.pk}/status/").status_code == 405


# -------------------------------------------------------------- POSTs that redirect


@pytest.mark.parametrize("size", [5, 400])
def test_a_post_that_redirects_does_not_load_the_timeline(client_alice, size):
    incident = incident_with(size)
    last = ids(incident)[-1]
    posts = [
        (
            f"/incidents/{incident.pk}/events/new/",
            {
                "events-at": "2024-02-01T00:00",
                "events-zone": "UTC",
                "events-type": "observation",
                "events-source": "person",
                "events-text": "",
            },
        ),
        (f"/incidents/{incident.pk}/events/{last}/delete/", {}),
    ]
    for url, data in posts:
        with CaptureQueriesContext(connection) as ctx:
            response = client_alice.post(url, data)
        assert response.status_code == 302
        # The stored totals (journal.totals) are rewritten from the events' times and types in
        # the same transaction: two columns, not the timeline's rows.
        totals_read = 'SELECT "journal_timelineevent"."at" AS "at", "journal_timelineevent"."type" AS "type" FROM'
        event_reads = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith("SELECT")
            and 'FROM "journal_timelineevent"' in q["sql"]
            and not q["sql"].startswith(totals_read)
        ]
        assert all("LIMIT" in sql or "EXISTS" in sql.upper() or "COUNT" in sql.upper() for sql in event_reads), (
            event_reads
        )
        assert not any(
            "journal_logline" in q["sql"] or "journal_supportcontact" in q["sql"] for q in ctx.captured_queries
        )


# ------------------------------------------------------------------------- the arithmetic


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=700),
    before=st.one_of(st.none(), st.integers(min_value=-5, max_value=710)),
    show_all=st.booleans(),
)
def test_the_window_is_a_suffix_with_the_rest_counted_earlier(count, before, show_all):
    events = [TimelineEvent(pk=n + 1, at=START + timedelta(seconds=n), type="observation") for n in range(count)]
    shown = timeline.window(events, UTC, show_all, before)
    assert shown.rows == events[shown.earlier :] and shown.total == count
    assert shown.earlier + len(shown.rows) == count
    if show_all:
        assert shown.earlier == 0
    elif before is not None and 1 <= before <= count:
        assert shown.earlier == max(0, min(count - timeline.WINDOW, before - 1 - timeline.WINDOW))
    else:
        assert len(shown.rows) == min(count, timeline.WINDOW)
    assert shown.next_batch == min(timeline.WINDOW, shown.earlier)


@settings(max_examples=80, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=30),
    data=st.data(),
)
def test_a_changed_row_lands_right_after_its_predecessor_or_among_the_hidden(count, data):
    events = [TimelineEvent(pk=n + 1, at=START + timedelta(minutes=n), type="observation") for n in range(count)]
    changed = data.draw(st.sampled_from(events))
    others = [e for e in events if e is not changed]
    first = data.draw(st.sampled_from(others)) if others else None
    placed = timeline.place(events, changed, first.pk if first else None)
    if first is None:
        assert placed.swap == "beforeend:#timeline-rows"
    elif (changed.at, changed.pk) < (first.at, first.pk):
        assert placed.swap == "" and placed.earlier == others.index(first) + 1
    else:
        previous = events[events.index(changed) - 1]
        assert placed.swap == f"afterend:#event-{previous.pk}" and placed.earlier == others.index(first)


def test_dismissing_a_log_suggestion_without_javascript_reads_no_event(client_alice):
    from journal.models import LogSuggestion

    incident = incident_with(300)
    excerpt = LogExcerptFactory(incident=incident)
    excerpt.clear_lines()
    line = LogLine.objects.create(excerpt=excerpt, number=1, prefix="Jan  1 00:00:00 vps1 ", message="boot")
    suggestion = LogSuggestion.objects.create(excerpt=excerpt, line=line, type="up", at=START, rule="boot", text="boot")
    with CaptureQueriesContext(connection) as ctx:
        response = client_alice.post(f"/incidents/{incident.pk}/suggestions/{suggestion.pk}/dismiss/")
    assert response.status_code == 302
    assert not any('FROM "journal_timelineevent"' in q["sql"] for q in ctx.captured_queries)
    assert LogSuggestion.objects.get(pk=suggestion.pk).status == "dismissed"


def test_a_change_to_other_evidence_moves_focus_to_its_section(client_alice):
    incident = incident_with(2)
    data = {
        "contacts-channel": "email",
        "contacts-initiated_by": "user",
        "contacts-opened_at": "2024-01-01T00:10",
        "contacts-zone": "UTC",
    }
    response = client_alice.post(f"/incidents/{incident.pk}/contacts/new/", data, headers=HX)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert '"id": "support"' in response["HX-Trigger-After-Settle"]
    assert incident.support_contacts.count() == 1
