from django import template

register = template.Library()


@register.filter
def undo_id(message) -> int | None:
    """The Deletion a message's Undo button undoes (its ``undo-<id>`` extra tag), else None."""
    from journal.views.housekeeping import UNDO_TAG

    for tag in (message.extra_tags or "").split():
        if tag.startswith(UNDO_TAG) and tag[len(UNDO_TAG) :].isdigit():
            return int(tag[len(UNDO_TAG) :])
    return None
