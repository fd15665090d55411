"""Deleting (with undo), merging, and the "Recently deleted" page. Each delete and merge asks
first on a page of its own that says what goes with it; the change is a POST."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from journal.housekeeping import merge, removal
from journal.housekeeping.models import UNDO_DAYS, Deletion
from journal.models import Incident, Provider, Service

UNDO_TAG = "undo-"  # a message's extra tag naming the Deletion its Undo button undoes


def _delete(request: HttpRequest, target, what: Deletion.What, cancel: str, done: str) -> HttpResponse:
    if request.method != "POST":
        context = {
            "target": target,
            "what": what.label,
            "cancel": cancel,
            "went": removal.consequences(target),
            "undo_days": UNDO_DAYS,
        }
        return render(request, "housekeeping/confirm_delete.html", context)
    try:
        deletion = removal.delete(target, request.user)
    except removal.AlreadyDeleted as exc:
        messages.info(request, str(exc))
        return redirect(done)
    values = {"what": what.label, "name": deletion.label, "went": deletion.what_went}
    if any(deletion.went_with.values()):
        text = _("Deleted %(what)s “%(name)s” with %(went)s.") % values
    else:
        text = _("Deleted %(what)s “%(name)s”.") % values
    messages.success(request, text, extra_tags=f"{UNDO_TAG}{deletion.pk}")
    return redirect(done)


def provider_delete(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    return _delete(request, provider, Deletion.What.PROVIDER, provider.get_absolute_url(), reverse("provider_list"))


def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    cancel, done = service.get_absolute_url(), service.provider.get_absolute_url()
    return _delete(request, service, Deletion.What.SERVICE, cancel, done)


def incident_delete(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("service__provider"), pk=pk)
    return _delete(request, incident, Deletion.What.INCIDENT, incident.get_absolute_url(), reverse("incident_list"))


def deleted_list(request: HttpRequest) -> HttpResponse:
    context = {"deletions": Deletion.objects.select_related("deleted_by"), "undo_days": UNDO_DAYS}
    return render(request, "housekeeping/deleted.html", context)


@require_POST
def deletion_undo(request: HttpRequest, pk: int) -> HttpResponse:
    deletion = Deletion.objects.filter(pk=pk).first()
    if deletion is None:
        messages.error(request, _("That deletion was undone already, or purged."))
        return redirect("deleted_list")
    if not deletion.can_undo:
        messages.error(
            request,
            _("“%(name)s” was deleted more than %(days)d days ago: too late to undo.")
            % {"name": deletion.label, "days": UNDO_DAYS},
        )
        return redirect("deleted_list")
    try:
        removal.undo(deletion, request.user)
    except removal.CannotUndo as exc:
        messages.error(
            request, _("Could not undo deleting “%(name)s”. %(reason)s") % {"name": deletion.label, "reason": exc}
        )
        return redirect("deleted_list")
    messages.success(
        request, _("Restored %(what)s “%(name)s”.") % {"what": deletion.get_what_display(), "name": deletion.label}
    )
    model = {"provider": Provider, "service": Service, "incident": Incident}[deletion.what]
    return redirect(model.objects.get(pk=deletion.object_id))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Merge into"), empty_label=gettext_lazy("Choose…"))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = queryset


def _merge(request: HttpRequest, source, what: str, others, moves, do_merge, clashes=None) -> HttpResponse:
    """Choose what to merge into (a GET form), confirm (counts), merge (POST)."""
    form = MergeForm(request.POST or request.GET or None, queryset=others)
    context = {"source": source, "what": what, "noun": Deletion.What(what).label, "form": form}
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["into"]
        if request.method == "POST":
            try:
                moved = do_merge(source, target)
            except merge.MergeRefused as exc:
                context.update(target=target, refused=str(exc))
                return render(request, "housekeeping/merge.html", context, status=409)
            values = {"what": context["noun"], "source": source.name, "target": target.name, "moved": moved.summary}
            messages.success(request, _("Merged %(what)s “%(source)s” into “%(target)s”: moved %(moved)s.") % values)
            return redirect(target)
        found = clashes(source, target) if clashes else []
        context.update(target=target, moves=moves, clashes=found, clash_names=merge.clash_names(found))
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "housekeeping/merge.html", context, status=status)


def provider_merge(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    others = Provider.objects.exclude(pk=pk)
    moves = merge.provider_moves(provider)
    return _merge(request, provider, "provider", others, moves, merge.merge_providers, merge.clashing_services)


def service_merge(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    others = Service.objects.select_related("provider").exclude(pk=pk)
    return _merge(request, service, "service", others, merge.service_moves(service), merge.merge_services)
