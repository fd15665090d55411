"""API writes go through the very forms the pages use: the same field validation, the same
range checks (journal.bounds via CheckedModelForm), the same cross-field rules (an "up" needs
a "down" before it, an incident cannot end before its first event …), the same versioned
save (a stale ``version`` is a 409) and the same audit history.

Times arrive as aware ISO 8601 datetimes; they are handed to the forms as UTC wall-clock
readings with the form's zone set to UTC, so nothing is shifted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django import forms
from django.db import models
from ninja.errors import HttpError

from journal.models import VersionConflict, Versioned
from journal.views.conflicts import VERSION, save_versioned, versioned
from journal.views.evidence import save_evidence

NOT_FIELDS = {"zone", VERSION}


class Invalid(Exception):
    """The form refused the values: ``errors`` as the API answers them (422)."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def as_form_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def form_data(form_class: type[forms.ModelForm], instance, given: dict, zoned: bool) -> dict:
    """The instance's current values (for a partial update) with ``given`` on top."""
    data = {}
    if instance.pk:
        for name in form_class.base_fields:
            if name in NOT_FIELDS or not hasattr(instance, name):
                continue
            data[name] = as_form_value(getattr(instance, name))
    for name, value in given.items():
        data[name] = as_form_value(value)
    if zoned:
        data["zone"] = "UTC"
    return data


def given_with_version(payload) -> tuple[dict, int | None]:
    """A PATCH body's fields that were sent, and the ``version`` it was read at (if sent)."""
    given = payload.model_dump(exclude_unset=True)
    return given, given.pop(VERSION, None)


def errors_of(form: forms.BaseForm) -> list[dict]:
    found = []
    for name, errors in form.errors.as_data().items():
        loc = ["body"] if name == "__all__" else ["body", name]
        for error in errors:
            message = error.message % error.params if error.params else error.message
            found.append({"loc": loc, "msg": str(message), "type": error.code or "invalid"})
    return found


def save(form: forms.ModelForm, version: int | None = None):
    """Validate and save the form like the pages do; Invalid (422) or HttpError 409."""
    if not isinstance(form.instance, Versioned):
        if not form.is_valid():
            raise Invalid(errors_of(form))
        return form.save()
    if form.instance.pk:
        versioned(form)
        form.data = {**form.data, VERSION: version if version is not None else form.instance.version}
    if not form.is_valid():
        raise Invalid(errors_of(form))
    try:
        return save_versioned(form, save_evidence)
    except VersionConflict as exc:
        raise HttpError(
            409, f"Changed since version {version} (now version {exc.current.version}): fetch it and send again."
        ) from None


def write(form_class: type[forms.ModelForm], instance, given: dict, *, zoned: bool, version=None, **options):
    """Save ``given`` over ``instance`` through ``form_class`` (built with ``options`` too),
    like ``save``: Invalid (422) or HttpError 409."""
    data = form_data(form_class, instance, given, zoned)
    return save(form_class(data, instance=instance, **options), version)
