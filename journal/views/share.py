"""Read-only share links for one incident: made and revoked by editors on the incident page,
opened without signing in at /share/<token>/ (the incident, its evidence and its log lines,
nothing else). An unknown, expired or revoked token answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from journal.models import Incident, LogExcerpt, ShareLink
from journal.sharing import DEFAULT_DAYS, MAX_DAYS
from journal.views.access import incident_for_page
from journal.views.evidence import log_file_response
from journal.views.incident_page import evidence_context

WINDOW = 200


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS)
    note = forms.CharField(max_length=200, required=False)


def _links_page(request: HttpRequest, incident: Incident, form: ShareLinkForm, status: int = 200) -> HttpResponse:
    context = {"incident": incident, "share_form": form, "default_days": DEFAULT_DAYS, "max_days": MAX_DAYS}
    return render(request, "share/links.html", context, status=status)


def share_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident's share links, and a form to make one (GET); make it (POST)."""
    incident = get_object_or_404(Incident, pk=pk)
    form = ShareLinkForm(request.POST or None)
    if request.method != "POST":
        return _links_page(request, incident, form)
    if not form.is_valid():
        return _links_page(request, incident, form, status=422)
    link, token = ShareLink.create(incident, form.cleaned_data["days"], form.cleaned_data["note"], request.user)
    url = request.build_absolute_uri(reverse("shared_incident", args=[token]))
    said = _("Share link, valid until %(until)s UTC (copy it now, it is shown once): %(url)s")
    messages.success(request, said % {"until": f"{link.expires_at:%Y-%m-%d %H:%M}", "url": url})
    return redirect(f"{incident.get_absolute_url()}#share")


@require_POST
def share_revoke(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    link = get_object_or_404(ShareLink, pk=item, incident_id=pk)
    link.revoke()
    messages.success(request, _("The share link was revoked: it no longer opens."))
    return redirect(f"{link.incident.get_absolute_url()}#share")


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "share/gone.html", status=404)


@login_not_required
@require_safe
def shared_incident(request: HttpRequest, token: str) -> HttpResponse:
    link = ShareLink.objects.find(token)
    if link is None:
        return _gone(request)
    incident = incident_for_page(request, link.incident_id)
    share_url = reverse("shared_incident", args=[token])
    context = {
        **evidence_context(incident, logs_url=f"{share_url}logs/", query=request.GET),
        "link": link,
        "suggestions": [],
        "can_edit": False,
    }
    return render(request, "share/incident.html", context)


def _shared_excerpt(token: str, item: int) -> tuple[ShareLink, LogExcerpt] | None:
    link = ShareLink.objects.find(token)
    if link is None:
        return None
    excerpt = LogExcerpt.objects.filter(pk=item, incident_id=link.incident_id).first()
    return (link, excerpt) if excerpt else None


@login_not_required
@require_safe
def shared_log(request: HttpRequest, token: str, item: int) -> HttpResponse:
    """A window of an excerpt's lines from line ``from`` (or around ``line``)."""
    found = _shared_excerpt(token, item)
    if found is None:
        return _gone(request)
    link, excerpt = found
    start = _positive(request.GET.get("from"))
    if "line" in request.GET:
        start = max(1, _positive(request.GET["line"]) - WINDOW // 4)
    window = list(excerpt.lines.filter(number__gte=start).order_by("number")[: WINDOW + 1])
    context = {
        "incident": link.incident,
        "excerpt": excerpt,
        "share_url": reverse("shared_incident", args=[token]),
        "lines": window[:WINDOW],
        "next_from": window[WINDOW - 1].number + 1 if len(window) > WINDOW else None,
        "previous_from": max(1, start - WINDOW) if start > 1 else None,
        "can_edit": False,
    }
    return render(request, "share/excerpt.html", context)


@login_not_required
@require_safe
def shared_log_download(request: HttpRequest, token: str, item: int) -> HttpResponse | FileResponse:
    found = _shared_excerpt(token, item)
    return _gone(request) if found is None else log_file_response(found[1])


def _positive(value: str | None) -> int:
    try:
        return max(1, min(int(value), 2**62))
    except (TypeError, ValueError):
        return 1
