"""What every endpoint of the API shares: pages of a list, the published rows only, refusals, the
rate limit and the validators of a cached answer (ETag, Last-Modified)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.functional import Promise
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle

from chiso.accounts.sessions import client_address
from chiso.assessments.models import Cycle
from chiso.frameworks.models import Framework, Index
from chiso.results import cache
from chiso.results.models import ResultSet

DEFAULT_LIMIT = 100


def lazy_text(message: Promise) -> str:
    """A lazy translation where django-ninja expects text (a summary, a description): it is resolved
    in the request's language when the OpenAPI description is written."""
    return cast(str, message)


class NotFound(HttpError):
    """A 404 with a message naming what was not found (in the request's language)."""

    def __init__(self, message: str) -> None:
        super().__init__(404, message)


class ClientThrottle(AnonRateThrottle):
    """At most `CHISO_API_RATE` requests ("120/min") from one address, read from the settings at each
    request; the address is the one sign-in throttling counts (behind a proxy, the one it appended to
    X-Forwarded-For, never what the client claims there)."""

    def __init__(self) -> None:
        super().__init__(rate=settings.CHISO_API_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.CHISO_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_address(request)


# -- what is published ---------------------------------------------------------------------------------


def published_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(published_at__isnull=False)


def published_indices() -> QuerySet[Index]:
    """The indices with a published result set (of a whole year, or of a month or quarter of the 766
    index) or a published cycle."""
    return Index.objects.filter(
        Q(result_sets__status=ResultSet.Status.PUBLISHED) | Q(frameworks__cycles__published_at__isnull=False)
    ).distinct()


def published_frameworks() -> QuerySet[Framework]:
    """The frameworks a published result set or a published cycle is scored on."""
    return Framework.objects.filter(
        Q(result_sets__status=ResultSet.Status.PUBLISHED) | Q(cycles__published_at__isnull=False)
    ).distinct()


def index_or_404(code: str) -> Index:
    found = published_indices().filter(code=code.lower()).first()
    if found is None:
        raise NotFound(_("Không có chỉ số «{code}» đã công bố kết quả.").format(code=code))
    return found


# -- pages -------------------------------------------------------------------------------------------------


def bounded(limit: int) -> int:
    """The number of rows a page holds: at most `CHISO_API_MAX_LIMIT`, whatever was asked."""
    return max(1, min(limit, settings.CHISO_API_MAX_LIMIT))


def page(request: HttpRequest, rows: Sequence[Any] | QuerySet, limit: int, offset: int) -> dict[str, Any]:
    """The page of `rows` from `offset` (a queryset is counted once and only its page is read)."""
    limit = bounded(limit)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    shown = list(rows[offset : offset + limit])

    def address(start: int) -> str:
        query = request.GET.copy()
        query["limit"], query["offset"] = str(limit), str(start)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": address(offset + limit) if offset + limit < count else None,
        "previous": address(max(0, offset - limit)) if offset > 0 else None,
        "items": shown,
    }


# -- validators of a cached answer ------------------------------------------------------------------------


class Validators:
    """The ETag and Last-Modified of an answer built from result sets: they change with a new version,
    a publication, or any change of the units, frameworks or results (the analyses' cache generation)."""

    def __init__(self, request: HttpRequest, sets: Sequence[ResultSet]) -> None:
        parts = [cache.CODE_VERSION, cache.generation() or "", request.get_full_path()]
        parts += [f"{s.pk}.{s.version}.{s.status}.{s.published_at}" for s in sets]
        self.etag = quote_etag(hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])
        times = [s.published_at for s in sets if s.published_at is not None]
        self.modified: datetime | None = max(times) if times else None
        self.fresh = self.etag in [
            tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()
        ]

    def not_modified(self) -> HttpResponse:
        return self.apply(HttpResponseNotModified())

    def apply(self, response: HttpResponse) -> HttpResponse:
        response.headers["ETag"] = self.etag
        if self.modified is not None:
            response.headers["Last-Modified"] = http_date(self.modified.timestamp())
        response.headers["Cache-Control"] = "public, max-age=300"
        return response


def result_sets_of(index: Index, year: int) -> list[ResultSet]:
    """The published result sets an index-year's figures are read from (the year and the one before,
    every period and level of them)."""
    sets = ResultSet.objects.published().filter(index=index, year__in=(year, year - 1))
    return list(sets.order_by("year"))
