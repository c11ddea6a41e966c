from django.urls import include, path

from chiso.plans import views

app_name = "plans"


def proposal_routes(prefix: str) -> list:
    """Plan items proposed from a national result or from an internal cycle's unit. The analysis
    pages under the same paths (points lost, what-if, target) are the results app's."""
    return [path("de-xuat/", views.propose, name=f"{prefix}_propose")]


urlpatterns = [
    path("", views.plan_list, name="list"),
    path("phan-tich/<str:index_code>/<int:year>/<str:unit_code>/", include(proposal_routes("national"))),
    path("ky/<int:cycle_id>/<str:unit_code>/", include(proposal_routes("cycle"))),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/them-noi-dung/", views.item_add, name="item_add"),
    path("<int:pk>/lich-bao-cao/", views.plan_settings, name="plan_settings"),
    path("<int:pk>/ky-cam-ket/<int:agency_id>/", views.sign, name="sign"),
    path("<int:pk>/cam-ket/<int:agency_id>/", views.commitment_document, name="commitment_document"),
    path("<int:pk>/cam-ket/<int:agency_id>/ban-quet/", views.commitment_scan, name="commitment_scan"),
    path("<int:pk>/cam-ket/<int:agency_id>/tep/", views.commitment_scan_file, name="commitment_scan_file"),
    path("<int:pk>/danh-gia/", views.scorecard, name="scorecard"),
    path("noi-dung/<int:pk>/nhiem-vu/", views.task_add, name="task_add"),
    path("noi-dung/<int:pk>/tinh-trang/", views.item_status, name="item_status"),
    path("noi-dung/<int:pk>/bao-cao/", views.report_add, name="report_add"),
    path("nhiem-vu/<int:pk>/tinh-trang/", views.task_status, name="task_status"),
    path("bao-cao/<int:pk>/tep/", views.report_file, name="report_file"),
    path("trach-nhiem/<str:framework_code>/", views.responsibilities, name="responsibilities"),
    path(
        "trach-nhiem/<str:framework_code>/nhap/",
        views.responsibilities_import,
        name="responsibilities_import",
    ),
    path("don-vi/", views.unit_search, name="unit_search"),
    path("lanh-dao/", views.leaders, name="leaders"),
    path("lanh-dao/canh-bao/", views.escalate_now, name="escalate"),
]
