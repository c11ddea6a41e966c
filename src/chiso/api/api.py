"""The open-data API (django-ninja): read-only, version 1 at /api/v1/, its OpenAPI description at
/api/v1/openapi.json and its docs page at /api/v1/docs/, served from django-ninja's own static files
(Swagger UI, no CDN; the spec validator's badge, an outside request, is turned off)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled

from chiso.api import internal, results, units
from chiso.api.common import ClientThrottle, lazy_text

DESCRIPTION = lazy_text(
    gettext_lazy(
        'Dữ liệu mở của chiso, chỉ đọc: các chỉ số, khung tiêu chí, đơn vị hành chính, bảng xếp hạng, hồ sơ đơn vị, kết quả các kỳ đánh giá nội bộ và các đợt khảo sát — chỉ những gì đã công bố. Điểm là chuỗi thập phân ("86.55") theo số chữ số thập phân công bố của khung; đơn vị gọi theo mã chính thức. Xem docs/api.md.'
    )
)


def build() -> NinjaAPI:
    api = NinjaAPI(
        title=lazy_text(gettext_lazy("chiso — dữ liệu mở")),
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
