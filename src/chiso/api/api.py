"""The open-data API (django-ninja): read-only, version 1 at /api/v1/, its OpenAPI description at
/api/v1/openapi.json and its docs page at /api/v1/docs/, served from django-ninja's own static files
(Swagger UI, no CDN; the spec validator's badge, an outside request, is turned off)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled

from chiso.api import internal, results, units
from chiso.api.common import ClientThrottle

DESCRIPTION = """Dữ liệu mở của chiso: các chỉ số, khung tiêu chí, đơn vị hành chính, bảng xếp hạng,
hồ sơ đơn vị, kết quả các kỳ đánh giá nội bộ và các đợt khảo sát **đã công bố** — chỉ đọc.

chiso's open data: indices, frameworks, administrative units, league tables, unit profiles, internal
cycles and surveys — **published results only**, read-only. Points are decimal text ("86.55") at the
framework's display precision; units are named by official code. See docs/api.md."""


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="chiso — dữ liệu mở / open data",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        docs=Swagger(settings={"validatorUrl": None, "deepLinking": True}),
        docs_url="/docs/",
        openapi_url="/openapi.json",
        throttle=[ClientThrottle()],
    )
    api.add_router("", results.router)
    api.add_router("", units.router)
    api.add_router("", internal.router)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, round(exc.wait or 1))
        message = _("Quá nhiều yêu cầu; hãy thử lại sau {seconds} giây.").format(seconds=wait)
        response = api.create_response(request, {"detail": message}, status=429)
        response.headers["Retry-After"] = str(wait)
        return response

    return api


api = build()
