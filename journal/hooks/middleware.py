class HookBodyMiddleware:
    """Reads a webhook delivery's body before any middleware parses it as a form, so the view
    can keep it byte for byte (a multipart body parsed first could not be read again). Bodies
    declared larger than WEBHOOK_MAX_BYTES are left unread: the view refuses them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info.startswith("/hooks/"):
            from django.conf import settings

            declared = request.META.get("CONTENT_LENGTH") or ""
            if not (declared.isdigit() and int(declared) > settings.WEBHOOK_MAX_BYTES):
                request.body  # noqa: B018 - cached on the request
        return self.get_response(request)
