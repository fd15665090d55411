"""The incident page and its in-place updates.

The page shows totals, time bar and reconciliation over all of an incident's events, and the
latest ``timeline.WINDOW`` of them on its timeline; earlier ones come on demand (a link that
works without JavaScript, rows appended by htmx with it). A change to one event answers, with
htmx, with only what it changes: the row (put where it belongs), the summary (totals, time bar,
claims, the resolve/reopen offer), the log suggestions and a sentence for screen readers.
Without JavaScript every change redirects back to the page, and loads nothing to do so.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from journal import timebar, timeline
from journal.audit import incident_history
from journal.models import Incident, LogLine, TimelineEvent
from journal.templatetags.journal import duration, stamp
from journal.timezones import get_zone
from journal.views.access import incident_for_change, incident_for_page, incident_for_summary
from journal.views.evidence_forms import blank_forms, evidence_form

HISTORY_PAGE = 25
FIRST_ROW_HEADER = "X-Timeline-First"  # set by static/js/timeline.js: the page's first row


def render_incident(request: HttpRequest, incident: Incident, status: int = 200, **extra) -> HttpResponse:
    """The incident page, or with htmx only its evidence partial (totals, time bar, timeline …)."""
    template = "incidents/detail.html"
    if request.htmx:
        template += "#evidence"
    context = {
        **evidence_context(incident, _logs_url(incident), request.GET),
        **_urls(incident),
        "suggestions": incident.pending_suggestions(),
        "forms": blank_forms(request, incident),
        "earlier_notices": list(incident.earlier_notices()),
        "removed_log_excerpts": list(incident.removed_log_excerpts()),
        "history": Paginator(incident_history(incident), HISTORY_PAGE).get_page(request.GET.get("history")),
        **extra,
    }
    return render(request, template, context, status=status)


def evidence_context(incident: Incident, logs_url: str, query=None) -> dict:
    """What the evidence partial shows, read-only (the share page shows just this);
    ``logs_url`` is the prefix of the excerpts' line pages (``<logs_url><id>/``, ``…/raw/``);
    ``query`` the page's query string, which may ask for earlier timeline rows."""
    show_all, before = timeline.requested_start(query or {})
    zone = get_zone(incident.service.time_zone)
    window = timeline.window(list(incident.events.all()), zone, show_all, before)
    return {
        **summary_context(incident),
        "logs_url": logs_url,
        "timeline": window,
        "rows": window.rows,
        "earlier": window,
    }


def summary_context(incident: Incident) -> dict:
    """Totals, time bar, reconciliation and the resolve/reopen offer: all events count."""
    return {
        "incident": incident,
        "service": incident.service,
        "service_zone": get_zone(incident.service.time_zone),
        "totals": incident.totals,
        "down_list": timeline.abridged(incident.totals.down),  # the "How" of observed downtime
        "reconciliation": incident.reconciliation(),
        "bar": timebar.build(incident),
        "offer": status_offer(incident),
    }


def status_offer(incident: Incident) -> str | None:
    """ "resolve" when an open incident is up again after its last down; "reopen" when a
    resolved one has a down with no up after it; else None."""
    totals = incident.totals
    if incident.is_open and totals.down and not totals.still_down:
        return "resolve"
    if not incident.is_open and totals.open_since is not None:
        return "reopen"
    return None


def _logs_url(incident: Incident) -> str:
    return reverse("log_excerpt", args=[incident.pk, 0]).removesuffix("0/")


def _urls(incident: Incident) -> dict:
    """Link prefixes built once: a timeline row appends its id (``<events_url><id>/edit/``)."""
    return {
        "events_url": reverse("evidence_new", args=[incident.pk, "events"]).removesuffix("new/"),
        "timeline_url": reverse("timeline_earlier", args=[incident.pk]),
    }


def incident_changed(request: HttpRequest, incident: Incident, anchor: str) -> HttpResponse:
    """After a change to an incident's evidence: with htmx its evidence partial, re-read;
    without JavaScript a redirect back to the page, at ``anchor``."""
    if request.htmx:
        response = render_incident(request, incident_for_page(request, incident.pk))
        response["HX-Trigger-After-Settle"] = _focus(anchor)  # the section changed, for keyboards
        return response
    return redirect(f"{incident.get_absolute_url()}#{anchor}")


# ---------------------------------------------------------------------- one event changed


def event_changed(
    request: HttpRequest,
    incident: Incident,
    event: TimelineEvent | None,
    added: bool = False,
    removed: TimelineEvent | None = None,
) -> HttpResponse:
    """After an event was added or edited (``event``) or deleted (``removed``: its id, time and
    type as they were). Without JavaScript: a redirect to its row. With htmx: out-of-band swaps
    of that row alone, the summary, the earlier-events line and the suggestions; no timeline."""
    if not request.htmx:
        return redirect(f"{incident.get_absolute_url()}#{f'event-{event.pk}' if event else 'timeline'}")
    incident = incident_for_summary(request, incident.pk)
    events = list(incident.events.all())
    changed = next((e for e in events if event and e.pk == event.pk), None)
    placement = timeline.place(events, changed, _first_row(request))
    if changed is not None:
        timeline.with_lines(timeline.labelled([changed], get_zone(incident.service.time_zone)))
    context = {
        **summary_context(incident),
        **_urls(incident),
        "logs_url": _logs_url(incident),
        "oob": True,
        "row": changed,
        "rows": [changed] if changed else [],
        "placement": placement,
        "removed_pk": removed.pk if removed else (event.pk if not added else None),
        "earlier": timeline.Window(
            rows=[placement.first] if placement.first else [], earlier=placement.earlier, total=len(events)
        ),
        "suggestions": incident.pending_suggestions(),
        "add_form": evidence_form(request, incident, "events") if added else None,
        "empty": not events,
        "total": len(events),
        "announce": _announcement(incident, changed, removed, added, placement),
    }
    response = render(request, "incidents/event_changed.html", context)
    response["HX-Reswap"] = "none"
    focus = f"event-{changed.pk}" if changed and placement.swap else _focus_after(events, removed)
    response["HX-Trigger-After-Settle"] = _focus(focus)
    return response


def _focus(element_id: str) -> str:
    """An HX-Trigger value asking static/js/timeline.js to move focus to an element."""
    return json.dumps({"journal:focus": {"target": "body", "id": element_id}})


def _first_row(request: HttpRequest) -> int | None:
    value = request.headers.get(FIRST_ROW_HEADER, "")
    return int(value) if value.isdecimal() and len(value) < 19 else None


def _focus_after(events: list[TimelineEvent], removed: TimelineEvent | None) -> str:
    """The row after a deleted one, else the timeline's heading."""
    if removed is not None:
        after = next((e for e in events if (e.at, e.pk) > (removed.at, removed.pk)), None)
        if after is not None:
            return f"event-{after.pk}"
    return "timeline-h"


def _announcement(incident, changed, removed, added, placement) -> str:
    if removed is not None:
        what = _("%(type)s at %(at)s deleted.")
        values = {"type": timeline.TYPE_LABELS.get(removed.type, removed.type), "at": stamp(removed.at)}
    else:
        if placement.swap:
            what = _("%(type)s at %(at)s added.") if added else _("%(type)s at %(at)s saved.")
        elif added:
            what = _("%(type)s at %(at)s added, among the earlier events not shown.")
        else:
            what = _("%(type)s at %(at)s saved, among the earlier events not shown.")
        values = {"type": changed.type_label, "at": stamp(changed.at)}
    observed = _("Observed down %(duration)s.") % {"duration": duration(incident.totals.observed)}
    return f"{what % values} {observed}"


# ------------------------------------------------------------------ rows, earlier, context


@require_safe
@vary_on_headers("HX-Request")
def timeline_earlier(request: HttpRequest, pk: int) -> HttpResponse:
    """``?before=<event id>``: with htmx, the rows just before that event and the line offering
    the ones before them; without, the incident page showing them."""
    show_all, before = timeline.requested_start(request.GET)
    incident = incident_for_change(request, pk)
    if not request.htmx or before is None:
        query = "all=1" if show_all or before is None else f"before={before}"
        return redirect(f"{incident.get_absolute_url()}?{query}#{f'event-{before}' if before else 'timeline'}")
    anchor = get_object_or_404(TimelineEvent, pk=before, incident=incident)
    events = incident.events.select_related("log_line").defer("log_line__prefix", "log_line__message")
    before_anchor = events.filter(Q(at__lt=anchor.at) | Q(at=anchor.at, pk__lt=anchor.pk))
    rows = list(reversed(before_anchor.order_by("-at", "-id")[: timeline.WINDOW]))
    earlier = before_anchor.count() - len(rows) if len(rows) == timeline.WINDOW else 0
    context = {
        **_urls(incident),
        "incident": incident,
        "service_zone": get_zone(incident.service.time_zone),
        "logs_url": _logs_url(incident),
        "rows": timeline.labelled(rows, get_zone(incident.service.time_zone)),
        "earlier": timeline.Window(rows=rows[:1], earlier=earlier, total=incident.events.count()),
    }
    response = render(request, "incidents/timeline_earlier.html", context)
    if rows:
        response["HX-Trigger-After-Settle"] = _focus(f"event-{rows[-1].pk}")
    return response


@require_safe
@vary_on_headers("HX-Request")
def event_row(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """One timeline row (an inline edit cancelled puts it back); without htmx, the page at it."""
    incident = incident_for_change(request, pk)
    event = get_object_or_404(
        TimelineEvent.objects.select_related("log_line").defer("log_line__prefix", "log_line__message"),
        pk=item,
        incident=incident,
    )
    if not request.htmx:
        return redirect(f"{incident.get_absolute_url()}#event-{event.pk}")
    context = {
        **_urls(incident),
        "incident": incident,
        "service_zone": get_zone(incident.service.time_zone),
        "logs_url": _logs_url(incident),
        "rows": timeline.labelled([event], get_zone(incident.service.time_zone)),
    }
    response = render(request, "incidents/detail.html#rows", context)
    response["HX-Trigger-After-Settle"] = _focus(f"event-{event.pk}")
    return response


@require_safe
@vary_on_headers("HX-Request")
def event_context(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The log line an event was accepted from with its neighbours, loaded when the row's
    "with its neighbours" is opened; without htmx, the log's page at that line."""
    event = get_object_or_404(TimelineEvent.objects.select_related("log_line"), pk=item, incident_id=pk)
    line: LogLine | None = event.log_line
    if line is None:
        raise Http404(_("This event is not linked to a log line."))
    logs_url = reverse("log_excerpt", args=[pk, line.excerpt_id])
    if not request.htmx:
        return redirect(f"{logs_url}?line={line.number}#L{line.number}")
    context = {"event": event, "lines": timeline.context_lines(line), "excerpt_url": logs_url}
    return render(request, "incidents/detail.html#context", context)
