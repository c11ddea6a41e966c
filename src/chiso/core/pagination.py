"""Long tables split into pages: a league table of 3,321 communes, a list of units or plans.

A table of at most `LONGEST_WHOLE` rows (the 63 provinces) is never split. A longer one shows
`PAGE_SIZE` rows a page (`?trang=2`), with links to the pages before and after; `?tat-ca=1`
shows the whole table on one page, to print or to copy (the exports are always complete).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 100
LONGEST_WHOLE = 63  # the provinces' tables stay whole
PAGE = "trang"
WHOLE = "tat-ca"


@dataclass
class Pager:
    """The rows to show and what the page's links need (`templates/_pager.html`)."""

    rows: Sequence[Any]
    page: Page | None  # None: the whole table is shown
    count: int
    query: str  # the request's other parameters, for the links ("vung=…&")
    whole: bool  # the whole table was asked for (?tat-ca=1)
    per_page: int = PAGE_SIZE

    @property
    def splittable(self) -> bool:
        """Is the table long enough to be split?"""
        return self.count > max(LONGEST_WHOLE, self.per_page)

    @property
    def split(self) -> bool:
        return self.page is not None and self.page.has_other_pages()

    @property
    def offset(self) -> int:
        """How many rows come before the first shown (to number rows across pages)."""
        return self.page.start_index() - 1 if self.page is not None and self.count else 0


def paginate(request: HttpRequest, rows: Sequence[Any] | QuerySet, per_page: int | None = None) -> Pager:
    """The page of `rows` the request asks for (`?trang=`), or all of them for a short table or
    with `?tat-ca=1`. `rows` may be a queryset: only the page is read (with one count)."""
    others = request.GET.copy()
    for name in (PAGE, WHOLE):
        others.pop(name, None)
    query = others.urlencode()
    query = f"{query}&" if query else ""
    whole = request.GET.get(WHOLE) == "1"
    per_page = per_page or PAGE_SIZE
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    if whole or count <= max(LONGEST_WHOLE, per_page):
        return Pager(list(rows), None, count, query, whole, per_page)
    paginator = Paginator(rows, per_page)
    paginator.count = count  # counted above: not counted twice
    page = paginator.get_page(request.GET.get(PAGE))
    return Pager(list(page.object_list), page, count, query, whole, per_page)
