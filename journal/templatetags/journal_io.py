from django import template

from journal.models import Job

register = template.Library()


@register.simple_tag
def accepting(incident) -> Job | None:
    """The incident's accept-all still queued or running, if any (its page says "Accepting…")."""
    return (
        Job.objects.filter(kind=Job.Kind.ACCEPT_ALL, incident=incident, state__in=[Job.State.QUEUED, Job.State.RUNNING])
        .order_by("-created_at")
        .first()
    )
