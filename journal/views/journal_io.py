"""The JSON journal downloaded and restored on pages (admins only), and how a job asked for on
a page is going: the work runs on a worker (journal.tasks.run_job); these views queue it,
show its progress (htmx asks again every 2 s; without JavaScript, a Refresh link), then its
result."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from journal.models import Job
from journal.roles import can_manage_users
from journal.tasks import enqueue_job, remove_expired_files
from journal.views.access import incident_for_page

Kind = Job.Kind
SHOWN = 10  # jobs listed on a page


class ImportForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Journal document (JSON, as exported)"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.LOG_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s; the limit is %(limit)s (LOG_UPLOAD_MAX_BYTES): "
                    "import it with manage.py import_journal."
                ),
                code="too_big",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload


def _admin_only(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied(_("Only an admin exports or imports the whole journal."))


@vary_on_headers("HX-Request")
def journal_export(request: HttpRequest) -> HttpResponse:
    """GET: the exports, newest first, each with its download while it lasts. POST: queue one."""
    _admin_only(request)
    if request.method == "POST":
        enqueue_job(Job.objects.create(kind=Kind.EXPORT, requested_by=request.user, language=get_language()))
        messages.success(request, _("Export queued: a worker writes the journal; its download appears below."))
        return redirect("journal_export")
    return _jobs_page(request, Kind.EXPORT, "journal_io/export.html", {})


def journal_export_download(request: HttpRequest, pk: int) -> FileResponse:
    _admin_only(request)
    job = get_object_or_404(Job, pk=pk, kind=Kind.EXPORT, state=Job.State.DONE)
    if not job.file or not job.path.is_file():
        raise Http404(_("This export has expired: export again."))
    return FileResponse(
        job.path.open("rb"), as_attachment=True, filename=Path(job.file).name, content_type="application/json"
    )


@vary_on_headers("HX-Request")
def journal_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and the imports, newest first. POST: keep the uploaded bytes as
    they are, then queue their import (all or nothing, as `manage.py import_journal`)."""
    _admin_only(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        enqueue_job(_stored(request, form.cleaned_data["document"]))
        messages.success(request, _("Upload kept: a worker imports it; how it went appears below."))
        return redirect("journal_import")
    return _jobs_page(request, Kind.IMPORT, "journal_io/import.html", {"form": form})


def _stored(request: HttpRequest, upload) -> Job:
    """The upload written byte for byte under DATA_DIR/imports, with its size and SHA-256."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"imports/{uuid.uuid4().hex}.json"
    digest, size = hashlib.sha256(), 0
    with (Path(settings.DATA_DIR) / name).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return Job.objects.create(
        kind=Kind.IMPORT,
        requested_by=request.user,
        language=get_language(),
        file=name,
        name=upload.name[:255],
        size=size,
        sha256=digest.hexdigest(),
    )


def _jobs_page(request: HttpRequest, kind: str, template: str, context: dict) -> HttpResponse:
    remove_expired_files()
    jobs = list(Job.objects.filter(kind=kind).select_related("requested_by")[:SHOWN])
    context |= {"jobs": jobs, "running": any(not job.is_finished for job in jobs)}
    if request.htmx and request.htmx.target == "jobs":  # polled while one runs
        if not context["running"]:
            return HttpResponseClientRefresh()
        return render(request, "journal_io/jobs.html", context)
    return render(request, template, context)


@vary_on_headers("HX-Request")
def accept_all_status(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    """How accepting all of an incident's suggestions goes. Polled (htmx): the paragraph
    again while it runs; once finished, its result as a message and a refresh of the page.
    Without JavaScript (the Refresh link): the incident page, with the result once finished."""
    incident = incident_for_page(request, pk)
    found = get_object_or_404(Job, pk=job, kind=Kind.ACCEPT_ALL, incident=incident)
    if not found.is_finished:
        if request.htmx:
            return render(request, "journal_io/accepting.html", {"job": found, "incident": incident})
        return redirect(f"{incident.get_absolute_url()}#log-suggestions")
    if request.user == found.requested_by:
        say_accepted(request, found)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(f"{incident.get_absolute_url()}#log-suggestions")


def say_accepted(request: HttpRequest, job: Job) -> None:
    """The result of an accept-all, as a message (once: the job then says it was told)."""
    if job.result.get("told"):
        return
    if job.state == Job.State.FAILED:
        messages.error(request, _("Accepting all failed: %(reason)s") % {"reason": job.failure})
    else:
        accepted, skipped = job.result["accepted"], job.result["skipped"]
        message = ngettext("Accepted %(n)d suggested event.", "Accepted %(n)d suggested events.", accepted) % {
            "n": accepted
        }
        if skipped:
            message += " " + ngettext(
                "Skipped %(n)d that matches events already on your timeline: choose for each whose time to keep.",
                "Skipped %(n)d that match events already on your timeline: choose for each whose time to keep.",
                skipped,
            ) % {"n": skipped}
        messages.success(request, message)
    Job.objects.filter(pk=job.pk).update(result=job.result | {"told": True})
