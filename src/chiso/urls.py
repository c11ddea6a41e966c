"""URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("chiso.accounts.urls")),
    path("danh-gia/", include("chiso.assessments.urls")),
    path("dieu-hanh/", include("chiso.administration.urls")),
    path("dieu-hanh/", include("chiso.frameworks.urls")),
    path("dieu-hanh/", include("chiso.units.urls")),
    path("khao-sat/", include("chiso.surveys.urls")),
    path("ke-hoach/", include("chiso.plans.urls")),
    path("", include("chiso.reports.urls")),
    path("", include("chiso.results.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
