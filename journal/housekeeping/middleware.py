"""Messages reach htmx requests too: a page swapped in place by htmx gets the pending
messages as an out-of-band swap into the page's live region (``#messages`` in base.html),
so they are shown and announced without a reload."""

from django.contrib.messages import get_messages
from django.template.loader import render_to_string

ELSEWHERE = ("HX-Redirect", "HX-Refresh", "HX-Location")  # the next page shows them instead


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") != "true"
            or response.streaming
            or 300 <= response.status_code < 400
            or any(header in response for header in ELSEWHERE)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        storage = get_messages(request)
        if not len(storage):
            return response
        region = render_to_string("includes/messages.html", {"messages": storage}, request)
        response.content += f'<div id="messages" hx-swap-oob="innerHTML">{region}</div>'.encode(response.charset)
        if "Content-Length" in response:
            response["Content-Length"] = str(len(response.content))
        return response
