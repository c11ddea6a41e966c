from django.urls import path

from chiso.reports import views

app_name = "reports"

urlpatterns = [
    # The path is the one the download had under the results pages (links and bookmarks keep working).
    path(
        "ket-qua/<str:index_code>/<int:year>/<str:unit_code>/bao-cao.<str:kind>",
        views.report_file,
        name="report",
    ),
    # The conference report of a unit: every index of the year (?chi-so=CODE to choose, ?ngon-ngu=en).
    path(
        "don-vi/<str:unit_code>/<int:year>/bao-cao-hoi-nghi.<str:kind>",
        views.conference_file,
        name="conference",
    ),
]
