"""Who the audit history names for work done off the request (a task on a worker, a command)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Rows saved inside are recorded in the history as changed by ``user`` (None: nobody),
    as django-simple-history's middleware does for a request; the request's own (a task run
    at once inside it) is put back afterwards."""
    context = HistoricalRecords.context
    missing = object()
    before = getattr(context, "request", missing)
    if user is None:
        if before is not missing:
            del context.request
    else:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if before is missing:
            if hasattr(context, "request"):
                del context.request
        else:
            context.request = before
