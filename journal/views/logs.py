"""A log excerpt's lines (windowed: never all rows at once), reading them again with another
zone or year, and accepting or dismissing what the logs suggest for the timeline."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget, trigger_client_event

from journal.forms import LocalDateTimeField, ZoneInput, read_in_zone
from journal.logs import search
from journal.models import Incident, Job, LogExcerpt, LogLine, LogSuggestion
from journal.tasks import enqueue_job, enqueue_reading
from journal.timezones import validate_time_zone
from journal.views.access import incident_for_change, incident_for_page
from journal.views.incident_page import incident_changed, render_incident
from journal.views.journal_io import say_accepted

WINDOW = 200


class ViewerZoneForm(forms.Form):
    """Times typed in the viewer's zone; a time that zone skipped is an error on the field."""

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        cleaned = super().clean()
        times = [name for name, field in self.fields.items() if isinstance(field, LocalDateTimeField)]
        read_in_zone(self, cleaned, times, self.zone)
        return cleaned


class LineFilter(ViewerZoneForm):
    host = forms.CharField(required=False, label=gettext_lazy("Host"))
    program = forms.CharField(required=False, label=gettext_lazy("Program"))
    q = forms.CharField(required=False, label=gettext_lazy("Text"))
    since = LocalDateTimeField(required=False, label=gettext_lazy("From"))
    until = LocalDateTimeField(required=False, label=gettext_lazy("To"))
    detected = forms.BooleanField(required=False, label=gettext_lazy("Detected lines only"))


class JumpForm(ViewerZoneForm):
    at = LocalDateTimeField(label=gettext_lazy("Jump to time"))


class ReadForm(forms.Form):
    time_zone = forms.CharField(
        label=gettext_lazy("Zone of times written without one"), widget=ZoneInput, validators=[validate_time_zone]
    )
    year = forms.IntegerField(label=gettext_lazy("Year of times written without one"), min_value=1970, max_value=2200)


def _excerpt(incident: Incident, item: int) -> LogExcerpt:
    return get_object_or_404(LogExcerpt, pk=item, incident=incident)


def _filtered(excerpt: LogExcerpt, filters: LineFilter) -> QuerySet[LogLine]:
    """The lines the filters keep: the time range becomes a range of line numbers, the text
    is looked up in its index, the other filters run over what is left (journal.logs.search)."""
    if not filters.is_valid():
        return excerpt.lines.none()
    wanted = filters.cleaned_data
    lines = search.containing(excerpt, wanted["q"])
    lines = lines.filter(search.within_times(excerpt, wanted["since"], wanted["until"]))
    if wanted["host"]:
        lines = lines.filter(host=wanted["host"])
    if wanted["program"]:
        lines = lines.filter(program=wanted["program"])
    if wanted["detected"]:
        lines = lines.exclude(rule="")  # the logline_detected partial index
    return lines


@vary_on_headers("HX-Request")
def log_excerpt(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """A window of lines from line ``from`` on (filters narrow them); ``line`` opens the window
    around one line (permalinks: ?line=123#L123); ``at`` jumps to the first line at that time.
    While the lines are being read, htmx polls here for how far the reading is (a fragment),
    and is told to refresh the page once it is finished."""
    incident = incident_for_page(request, pk)
    excerpt = _excerpt(incident, item)
    if request.htmx and request.htmx.target == f"reading-{excerpt.pk}":  # polled while it is read
        if excerpt.is_finished:
            return _reading_finished(request, incident)
        return render(request, "logs/reading.html", {"excerpt": excerpt})
    zone = request.viewer_zone.key
    filters = LineFilter(request.GET, zone=zone)
    jump = JumpForm(request.GET if "at" in request.GET else None, zone=zone)
    start = _int(request.GET.get("from"), 1)
    if "line" in request.GET:
        start = max(1, _int(request.GET["line"], 1) - WINDOW // 4)
    if jump.is_bound and jump.is_valid():
        first = search.first_number_at_or_after(excerpt.lines.all(), jump.cleaned_data["at"])
        if first is None:
            messages.info(request, _("No line is at or after that time."))
        else:
            return redirect(f"{excerpt.get_absolute_url()}?line={first}#L{first}")
    window = list(_filtered(excerpt, filters).filter(number__gte=start).order_by("number")[: WINDOW + 1])
    more = len(window) > WINDOW
    window = window[:WINDOW]
    context = {
        "incident": incident,
        "service": incident.service,
        "excerpt": excerpt,
        "lines": window,
        "filters": filters,
        "jump": jump if jump.is_bound else JumpForm(zone=zone),
        "read_form": ReadForm(initial={"time_zone": excerpt.time_zone, "year": excerpt.year}),
        "query": _query_without(request, "from", "line"),
        "next_from": window[-1].number + 1 if more else None,
        "previous_from": max(1, start - WINDOW) if start > 1 else None,
    }
    return render(request, "logs/excerpt.html", context)


def _reading_finished(request: HttpRequest, incident: Incident) -> HttpResponse:
    """Polled from the incident page: its evidence, re-read, in place, and the page moves to
    the suggestions the reading made (focus there too). Elsewhere (the excerpt's own page):
    a refresh."""
    current = urlsplit(request.htmx.current_url or "").path
    if current != incident.get_absolute_url():
        return HttpResponseClientRefresh()
    response = render_incident(request, incident_for_page(request, incident.pk))
    response = reswap(retarget(response, "#evidence"), "outerHTML")
    anchor = "#log-suggestions" if incident.pending_suggestions() else "#logs"
    return trigger_client_event(response, "journal:show", {"selector": anchor}, after="settle")


@require_POST
def log_reread(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Queue reading the lines again with another zone or year (times written without them
    change); the excerpt's page shows how it goes."""
    incident = incident_for_change(request, pk)
    excerpt = _excerpt(incident, item)
    form = ReadForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(excerpt.get_absolute_url())
    zone, year = form.cleaned_data["time_zone"], form.cleaned_data["year"]
    enqueue_reading(excerpt, zone, year)
    messages.success(request, _("Reading the lines again as %(zone)s, %(year)s.") % {"zone": zone, "year": year})
    return redirect(excerpt.get_absolute_url())


def _suggestion(incident: Incident, suggestion: int) -> LogSuggestion:
    return get_object_or_404(
        LogSuggestion.objects.select_related("excerpt__incident", "line"),
        pk=suggestion,
        excerpt__incident=incident,
        status=LogSuggestion.Status.PENDING,
    )


@require_POST
def suggestion_accept(request: HttpRequest, pk: int, suggestion: int) -> HttpResponse:
    """Accept (or, beside a matching event, "keep both"): a new event on the timeline."""
    incident = incident_for_change(request, pk)
    if event := _suggestion(incident, suggestion).accept():
        messages.success(
            request, _("Added “%(type)s” from the log to the timeline.") % {"type": event.get_type_display()}
        )
    return incident_changed(request, incident, "log-suggestions")


@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int, suggestion: int) -> HttpResponse:
    """Dismiss (or, beside a matching event, "keep mine")."""
    incident = incident_for_change(request, pk)
    if _suggestion(incident, suggestion).dismiss():
        messages.success(request, _("Dismissed the suggestion."))
    return incident_changed(request, incident, "log-suggestions")


@require_POST
def suggestion_use_log_time(request: HttpRequest, pk: int, suggestion: int) -> HttpResponse:
    """Beside a matching event: move that event to the log's time and link it to the line."""
    incident = incident_for_change(request, pk)
    found = _suggestion(incident, suggestion)
    event = found.matching_event(list(incident.events.all()))
    if event is None:
        minutes = int(LogSuggestion.MATCH_TOLERANCE.total_seconds() // 60)
        said = ngettext(
            "suggestion: no %(type)s on the timeline is within %(minutes)s minute of the log's time any more; "
            "accept or dismiss it instead.",
            "suggestion: no %(type)s on the timeline is within %(minutes)s minutes of the log's time any more; "
            "accept or dismiss it instead.",
            minutes,
        ) % {"type": found.get_type_display().lower(), "minutes": minutes}
        return HttpResponse(
            said,
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    if found.adopt(event):
        messages.success(request, _("Moved the “%(type)s” to the log's time.") % {"type": event.get_type_display()})
    return incident_changed(request, incident, "log-suggestions")


@require_POST
def suggestions_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue accepting every pending suggestion except those matching an event on the timeline
    (they wait for the user's choice: accepting them would add near-duplicates); a worker does
    it (journal.tasks.run_job) while the page says "Accepting…". Asked again while it runs,
    the same job goes on."""
    incident = incident_for_change(request, pk)
    job = Job.objects.filter(
        kind=Job.Kind.ACCEPT_ALL, incident=incident, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ).first()
    if job is None:
        job = Job.objects.create(kind=Job.Kind.ACCEPT_ALL, incident=incident, requested_by=request.user)
        enqueue_job(job)
        job.refresh_from_db()
    if job.is_finished:  # run at once (no worker): said now (with htmx, out of band into the messages)
        say_accepted(request, job)
    return incident_changed(request, incident, "log-suggestions")


def _int(value, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
