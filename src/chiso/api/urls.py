"""The API at /api/v1/ (`api-v1:` names), /api/ leading to its docs page, and the public tables'
downloads (CSV, Excel, JSON) beside the pages they belong to."""

from django.urls import path
from django.views.generic import RedirectView

from chiso.api import downloads

app_name = "opendata"

urlpatterns = [
    path("api/", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="api_home"),
    path("ket-qua/<str:index_code>/<int:year>/bang.<str:kind>", downloads.ranking_file, name="ranking_file"),
    path(
        "ket-qua/<str:index_code>/<int:year>/<str:unit_code>/ho-so.<str:kind>",
        downloads.profile_file,
        name="profile_file",
    ),
]
