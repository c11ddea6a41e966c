"""URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import URLPattern, URLResolver, include, path

from chiso.api.api import api


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever a page links to (a PDF, a JSON answer): send them to
    the site's icon instead of a 404."""
    return HttpResponseRedirect(static_url("chiso/favicon.svg"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("chiso.accounts.urls")),
    path("danh-gia/", include("chiso.assessments.urls")),
    path("dieu-hanh/", include("chiso.administration.urls")),
    path("dieu-hanh/", include("chiso.frameworks.urls")),
    path("dieu-hanh/", include("chiso.units.urls")),
    path("khao-sat/", include("chiso.surveys.urls")),
    path("ke-hoach/", include("chiso.plans.urls")),
    path("dieu-hanh/", include("chiso.dossiers.urls")),
    path("dot-bao-cao/", include("chiso.rounds.urls")),
    path("viec/", include("chiso.jobs.urls")),
    path("api/v1/", api.urls),  # the open-data API (chiso.api): names "api-v1:…"
    path("", include("chiso.api.urls")),  # /api/ and the public tables' downloads
    path("", include("chiso.reports.urls")),
    path("", include("chiso.results.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
