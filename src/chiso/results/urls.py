from django.urls import path

from chiso.results import views

app_name = "results"

urlpatterns = [
    path("", views.home, name="home"),
    path("ket-qua/<str:index_code>/<int:year>/", views.ranking, name="ranking"),
    path("ket-qua/<str:index_code>/<int:year>/<str:unit_code>/", views.profile, name="profile"),
    path(
        "ket-qua/<str:index_code>/<int:year>/<str:unit_code>/bao-cao.<str:kind>",
        views.report_file,
        name="report",
    ),
]
