"""Pages of a long sorted queryset, sorted on ids alone.

The database sorts ten thousand (key, id) pairs several times faster than the whole joined rows
(titles, notes, stored totals, provider and service) it would otherwise carry through the sort
to keep 25 of them. So the ids of a page are found first, then only those rows are fetched."""

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet


def rows(queryset: QuerySet, ids: list) -> list[Model]:
    """The rows of ``queryset`` with these ids, in the order of ``ids`` (a row removed in between
    is left out)."""
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """Page ``number`` (as ``Paginator.get_page`` reads it) of the ordered ``queryset``."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = rows(queryset, list(page.object_list))
    return page
