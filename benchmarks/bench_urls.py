"""The journal's URLs plus a bare view, the baseline the incident page is measured against."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from journal.models import TimelineEvent
from journal.urls import urlpatterns as journal_urls

BARE = engines["django"].from_string(
    "<!doctype html><title>{{ incident_id }}</title><ol>{% for at, type, text in rows %}"
    "<li><time>{{ at|date:'Y-m-d H:i:s' }}</time> {{ type }} {{ text }}</li>{% endfor %}</ol>"
)


def bare_events(request, pk: int) -> HttpResponse:
    """The same rows as the incident page's timeline, with nothing else; ``?last=N``: the latest N."""
    rows = TimelineEvent.objects.filter(incident_id=pk).values_list("at", "type", "text")
    if request.GET.get("last", "").isdecimal():
        rows = reversed(rows.order_by("-at", "-id")[: int(request.GET["last"])])
    else:
        rows = rows.order_by("at", "id")
    return HttpResponse(BARE.render({"incident_id": pk, "rows": rows}, request))


urlpatterns = [path("bench/bare/<int:pk>/", bare_events), *journal_urls]
