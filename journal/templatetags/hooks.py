"""The service page's webhook panel: its URLs and latest deliveries (shown to editors)."""

from django import template

from journal.hooks.models import HookDelivery, HookFormat, WebHook

register = template.Library()
LATEST = 20


@register.simple_tag
def hook_panel(service) -> dict:
    from journal.hooks.views import HookForm

    return {
        "hooks": list(WebHook.objects.filter(service=service)),
        "deliveries": list(
            HookDelivery.objects.filter(hook__service=service).select_related("hook").defer("body")[:LATEST]
        ),
        "form": HookForm(initial={"format": HookFormat.AUTO}),
    }
