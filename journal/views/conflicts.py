"""No lost writes: an edit form carries the version of the record it was opened at, and a
save from an older version (someone saved in between) is not applied. It is answered with
status 409: the record as it is now beside what was typed, and the same form set to the
current version, so sending it again overwrites and leaving it discards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext as _

from journal.audit import Change, shown

VERSION = "version"


@dataclass(frozen=True)
class Conflict:
    by: str
    at: datetime | None
    changes: tuple[Change, ...]  # old = the record now, new = what was typed


def versioned(form: forms.ModelForm) -> forms.ModelForm:
    """Give an edit form the version of the record it was opened at (a hidden field)."""
    if form.instance.pk:
        form.fields[VERSION] = forms.IntegerField(widget=forms.HiddenInput, initial=form.instance.version, min_value=1)
    return form


def save_versioned(form: forms.ModelForm, save: Callable[[forms.ModelForm], models.Model] | None = None):
    """``save(form)`` (default ``form.save()``) if the record is still at the form's version;
    else models.VersionConflict. Two clients saving at once: one wins, the other conflicts."""
    save = save or (lambda f: f.save())
    if not form.instance.pk:
        return save(form)
    with transaction.atomic():
        form.instance.claim_version(form.cleaned_data[VERSION])
        return save(form)


def conflict(form: forms.ModelForm, current: models.Model) -> Conflict:
    """What differs between the record now and what the form holds; the form is set to
    ``current``'s version, so it overwrites if sent again."""
    data = form.data.copy()
    data[form.add_prefix(VERSION)] = str(current.version)
    form.data = data
    changes = []
    for name in form._meta.fields:
        if name not in form.cleaned_data:
            continue
        field = current._meta.get_field(name)
        now, typed = getattr(current, name), form.cleaned_data[name]
        if now != typed:
            changes.append(Change(str(form[name].label), shown(field, now), shown(field, typed)))
    last = current.history.first()
    by = last.history_user.get_username() if last and last.history_user else _("someone")
    return Conflict(by, last.history_date if last else None, tuple(changes))
