"""The ingest URL (``POST /hooks/<token>/``: no sign-in, the token is the credential) and the
service page's webhook management: make, rotate and revoke URLs, look at a delivery."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from journal import bounds
from journal.hooks import formats
from journal.hooks.apply import apply, clean_text
from journal.hooks.models import HookDelivery, HookFormat, WebHook
from journal.hooks.said import said
from journal.models import Preferences, Service
from journal.roles import can_edit

KEEP_UNAPPLIED = 100  # refused and ignored deliveries kept per hook (the newest)


class HookForm(forms.ModelForm):
    class Meta:
        model = WebHook
        fields = ["name", "format"]
        labels = {"name": gettext_lazy("Name"), "format": gettext_lazy("Format")}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if problem := bounds.text_problem(name, single_line=True):
            raise bounds.refusal(problem)
        return name


@csrf_exempt
@login_not_required
@require_POST
def ingest(request: HttpRequest, token: str) -> HttpResponse:
    hook = WebHook.objects.find(token)
    if hook is None:
        return JsonResponse({"error": "Unknown or revoked webhook URL."}, status=404)
    now = timezone.now()
    limit = settings.WEBHOOK_MAX_BYTES
    content_type = clean_text(request.META.get("CONTENT_TYPE", ""), 200, single_line=True)
    declared = request.META.get("CONTENT_LENGTH") or ""
    body = b""
    if not (declared.isdigit() and int(declared) > limit):
        body = request.body  # read before anything parses it (see HookBodyMiddleware)
    size = int(declared) if declared.isdigit() and int(declared) > limit else len(body)
    WebHook.objects.filter(pk=hook.pk).update(last_delivery_at=now)
    language = _reader_language(hook)  # what it records is read in this language on the page
    if size > limit:
        error = said(
            gettext_noop("The body is %(size)s bytes; the limit is %(limit)s (WEBHOOK_MAX_BYTES)."),
            size=size,
            limit=limit,
        )
        with translation.override(language):
            kept = str(error)
        _keep(
            hook,
            received_at=now,
            size=size,
            content_type=content_type,
            outcome=HookDelivery.Outcome.TOO_LARGE,
            error=kept,
        )
        with translation.override("en"):  # the monitor's answer stays English
            return JsonResponse({"error": str(error)}, status=413)
    delivery = _keep(hook, received_at=now, body=body, size=size, content_type=content_type)
    with translation.override(language):
        try:
            reading = formats.read(body, content_type, hook.format, now)
        except formats.BadBody as exc:
            delivery.outcome, delivery.error = HookDelivery.Outcome.REJECTED, clean_text(str(exc), 2000, False)
            delivery.save(update_fields=["outcome", "error"])
            with translation.override("en"):  # the monitor's answer stays English
                return JsonResponse({"error": str(exc)}, status=400)
        result = apply(hook, delivery, reading)
        delivery.detail = clean_text(result.detail, 20000, single_line=False)
    delivery.format, delivery.outcome = reading.format, result.outcome
    delivery.incident = result.incident
    delivery.save(update_fields=["format", "outcome", "detail", "incident"])
    with translation.override("en"):  # the monitor's answer stays English
        lines = [str(line) for line in result.lines]
    answer = {"outcome": result.outcome, "detail": lines, "incident": result.incident.pk if result.incident else None}
    return JsonResponse(answer)


def _reader_language(hook: WebHook) -> str:
    """The language of the person who made the hook (their own choice), else the default."""
    chosen = Preferences.objects.filter(user_id=hook.created_by_id).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def _keep(hook: WebHook, **fields) -> HookDelivery:
    """Store the delivery; of the deliveries that changed nothing, keep the newest few."""
    delivery = HookDelivery.objects.create(hook=hook, **fields)
    unapplied = hook.deliveries.exclude(outcome=HookDelivery.Outcome.APPLIED)
    old = unapplied.order_by("-received_at", "-id").values_list("pk", flat=True)[KEEP_UNAPPLIED:]
    if old_ids := list(old[:1000]):
        HookDelivery.objects.filter(pk__in=old_ids).delete()
    return delivery


def _made(request: HttpRequest, hook: WebHook, token: str, rotated: bool = False) -> HttpResponse:
    """The URL, shown this once (the page is not kept: Cache-Control no-store)."""
    url = request.build_absolute_uri(hook.ingest_path(token))
    context = {"hook": hook, "service": hook.service, "url": url, "rotated": rotated, "formats": HookFormat}
    return render(request, "hooks/created.html", context)


@require_POST
def hook_create(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    form = HookForm(request.POST, instance=WebHook(service=service))
    if not form.is_valid():
        return render(request, "hooks/form.html", {"service": service, "form": form}, status=422)
    hook, token = WebHook.create(service, form.cleaned_data["name"], form.cleaned_data["format"], request.user)
    return _made(request, hook, token)


@require_POST
def hook_rotate(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    hook = get_object_or_404(WebHook.objects.active().select_related("service"), pk=item, service_id=pk)
    return _made(request, hook, hook.rotate(), rotated=True)


@require_POST
def hook_revoke(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    hook = get_object_or_404(WebHook, pk=item, service_id=pk)
    hook.revoke()
    return redirect(f"{hook.service.get_absolute_url()}#webhooks")


@require_safe
def hook_delivery(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """A delivery's body as received and what it did (editors only: bodies may hold hostnames)."""
    if not can_edit(request.user):
        raise PermissionDenied(_("Webhook deliveries are shown to editors."))
    delivery = get_object_or_404(
        HookDelivery.objects.select_related("hook__service__provider"), pk=item, hook__service_id=pk
    )
    return render(request, "hooks/delivery.html", {"delivery": delivery, "service": delivery.hook.service})
