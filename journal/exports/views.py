"""Downloads (postmortem, CSV) for signed-in people, and the feeds opened by secret token.

Feeds answer without a session: an unknown or revoked token (or a deactivated owner's) is a
plain 404, the same for every failure, so a URL tells nothing about tokens that exist."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from journal.exports import csv_files, ical, postmortem
from journal.exports.feeds import IncidentFeed, Scope
from journal.exports.models import FeedToken
from journal.filters import IncidentFilter
from journal.models import Provider
from journal.views.access import incident_for_page

CSV_TYPE = "text/csv; charset=utf-8"


def incident_postmortem(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_for_page(request, pk)
    response = HttpResponse(postmortem.build(incident), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{postmortem.filename(incident)}"'
    return response


def _csv(request: HttpRequest, name: str, header, records) -> HttpResponse:
    response = StreamingHttpResponse(csv_files.rows(header, records), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _filtered(request: HttpRequest):
    """The incidents the list page shows for these query parameters (journal.filters)."""
    filters = IncidentFilter(request.GET)
    if filters.errors:
        return None, filters
    return filters.queryset(), filters


def incidents_csv(request: HttpRequest) -> HttpResponse:
    incidents, filters = _filtered(request)
    if incidents is None:
        return HttpResponse(_errors(filters), status=400, content_type="text/plain; charset=utf-8")
    base = request.build_absolute_uri("/").rstrip("/")
    return _csv(request, "incidents.csv", csv_files.INCIDENT_COLUMNS, csv_files.incident_records(incidents, base))


def events_csv(request: HttpRequest) -> HttpResponse:
    incidents, filters = _filtered(request)
    if incidents is None:
        return HttpResponse(_errors(filters), status=400, content_type="text/plain; charset=utf-8")
    return _csv(request, "events.csv", csv_files.EVENT_COLUMNS, csv_files.event_records(incidents))


def _errors(filters: IncidentFilter) -> str:
    return "\n".join(f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items()) + "\n"


# Feed tokens ---------------------------------------------------------------------------------


class FeedTokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label=_("Used for (optional)"))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if "\x00" in name:
            raise forms.ValidationError(_("Null characters are not allowed."), code="null")
        return name


def _tokens_page(request: HttpRequest, form: FeedTokenForm, status: int = 200, secret: str | None = None):
    context = {
        "form": form,
        "tokens": FeedToken.objects.filter(user=request.user),
        "providers": Provider.objects.all(),
        "secret": secret,
        "feed_base": request.build_absolute_uri(reverse("feed_incidents_ics", args=[secret])).removesuffix(
            "incidents.ics"
        )
        if secret
        else None,
    }
    return render(request, "exports/feed_tokens.html", context, status=status)


def feed_tokens(request: HttpRequest) -> HttpResponse:
    """Your feed tokens, and a form to make one."""
    return _tokens_page(request, FeedTokenForm())


@require_POST
def feed_token_create(request: HttpRequest) -> HttpResponse:
    """Make a token; the page answers with its URLs (shown this once, never stored)."""
    form = FeedTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=422)
    _, secret = FeedToken.create(request.user, form.cleaned_data["name"])
    return _tokens_page(request, FeedTokenForm(), status=201, secret=secret)


@require_POST
def feed_token_revoke(request: HttpRequest, item: int) -> HttpResponse:
    token = get_object_or_404(FeedToken, pk=item, user=request.user)
    token.revoke()
    return _tokens_page(request, FeedTokenForm())


# The feeds -----------------------------------------------------------------------------------


def _token_or_404(secret: str) -> FeedToken:
    token = FeedToken.objects.find(secret)
    if token is None:
        raise Http404("No such feed.")
    token.note_use()
    return token


def _scope(request: HttpRequest, provider_pk: int | None) -> Scope:
    if provider_pk is None:
        return Scope(None, request.build_absolute_uri(reverse("incident_list")))
    provider = Provider.objects.filter(pk=provider_pk).first()
    if provider is None:
        raise Http404("No such feed.")
    return Scope(provider, request.build_absolute_uri(provider.get_absolute_url()))


@login_not_required
@require_safe
def feed_ics(request: HttpRequest, token: str, pk: int | None = None) -> HttpResponse:
    _token_or_404(token)
    scope = _scope(request, pk)
    base = request.build_absolute_uri("/").rstrip("/")
    incidents = scope.incidents().iterator(chunk_size=csv_files.CHUNK)
    response = StreamingHttpResponse(
        ical.calendar(incidents, f"{scope.title} · Incident journal", base), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="incidents.ics"'
    return response


_atom = IncidentFeed()


@login_not_required
@require_safe
def feed_atom(request: HttpRequest, token: str, pk: int | None = None) -> HttpResponse:
    _token_or_404(token)
    return _atom(request, scope=_scope(request, pk))
