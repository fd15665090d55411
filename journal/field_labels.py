"""Names of model fields in the active language, for fields that have no verbose name of their
own (Django would show the field's name, in English): forms and the history use these."""

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "name": _("Name"),
    "notes": _("Notes"),
    "provider": _("Provider"),
    "time_zone": _("Time zone"),
    "started_on": _("Started on"),
    "ended_on": _("Ended on"),
    "channel": _("Channel"),
    "opens": _("Opens"),
    "closes": _("Closes"),
    "service": _("Service"),
    "title": _("Title"),
    "kind": _("Kind"),
    "status": _("Status"),
    "resolved_at": _("Resolved at"),
    "type": _("Type"),
    "source": _("Source"),
    "text": _("Text"),
    "retrieved_at": _("Retrieved at"),
    "claimed_start": _("Claimed start"),
    "claimed_end": _("Claimed end"),
    "approximate": _("Approximate"),
    "target": _("Target"),
    "cause": _("Cause"),
    "initiated_by": _("Initiated by"),
    "opened_at": _("Opened at"),
    "first_response_at": _("First response at"),
    "agent": _("Agent"),
    "summary": _("Summary"),
    "outcome": _("Outcome"),
    "helpfulness": _("Helpfulness"),
    "encoding": _("Encoding"),
    "compression": _("Compression"),
    "line_count": _("Line count"),
    "parsed_count": _("Parsed count"),
    "formats": _("Formats"),
    "first_at": _("First at"),
    "last_at": _("Last at"),
    "parsed_at": _("Parsed at"),
    "year": _("Year"),
    "log_line": _("Log line"),
    "url": _("URL"),
    "uploaded_at": _("Uploaded at"),
    "size": _("Size"),
    "at": _("At"),
    "line": _("Line"),
    "excerpt": _("Excerpt"),
    "incident": _("Incident"),
    "removed_at": _("Removed at"),
    "removal_reason": _("Removal reason"),
    "text_indexed_at": _("Text indexed at"),
    "state_since": _("State since"),
    "failure": _("Failure"),
    "reading_zone": _("Reading zone"),
    "reading_year": _("Reading year"),
    "warnings": _("Warnings"),
    "sha256": _("SHA-256"),
    "raw": _("Raw bytes"),
}


def label_of(field: models.Field) -> str:
    if field.name in FIELD_LABELS and field.verbose_name == field.name.replace("_", " "):
        return str(FIELD_LABELS[field.name])
    return capfirst(field.verbose_name)
