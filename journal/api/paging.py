"""Page-number pagination for every list."""

from ninja.pagination import PageNumberPagination
from pydantic import Field


class Pages(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 100 a page): ``{"items": [...], "count": total}``."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=100, **kwargs)
