from django.urls import include, path

from chiso.results import views
from chiso.results.views import locality, tables

app_name = "results"


def analysis_routes(prefix: str) -> list:
    """The analysis pages of one unit's result, for a national result and for an internal cycle."""
    return [
        path("", views.losses, name=f"{prefix}_losses"),
        path("gia-dinh/", views.whatif, name=f"{prefix}_whatif"),
        path("muc-tieu/", views.target, name=f"{prefix}_target"),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    # Before the profile's pattern, which would read "dia-phuong" as an index code.
    path("ket-qua/dia-phuong/<str:unit_code>/<int:year>/", locality.locality, name="locality"),
    path("ket-qua/<str:index_code>/<int:year>/", views.ranking, name="ranking"),
    path("ket-qua/<str:index_code>/<int:year>/<str:unit_code>/", views.profile, name="profile"),
    # Paths kept from when these pages were in the plans app (links and bookmarks keep working).
    path(
        "ke-hoach/phan-tich/<str:index_code>/<int:year>/<str:unit_code>/",
        include(analysis_routes("national")),
    ),
    path("ke-hoach/ky/<int:cycle_id>/<str:unit_code>/", include(analysis_routes("cycle"))),
    # The officer's published tables, under /dieu-hanh/ like the other officer pages.
    path("dieu-hanh/bang-ket-qua/", tables.tables, name="tables"),
    path("dieu-hanh/bang-ket-qua/luu/<str:token>/", tables.table_save, name="table_save"),
    path("dieu-hanh/bang-ket-qua/<int:pk>/", tables.table, name="table"),
    path("dieu-hanh/bang-ket-qua/<int:pk>/cong-bo/", tables.table_publish, name="table_publish"),
]
