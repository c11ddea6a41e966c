from django.urls import path

from chiso.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("ky/<int:pk>/", views.cycle, name="cycle"),
    path("ky/<int:pk>/ket-qua/", views.results, name="results"),
    path("ky/<int:pk>/ket-qua.xlsx", views.export, name="export"),
    path("ky/<int:pk>/ket-qua/<str:unit_code>/", views.results_unit, name="results_unit"),
    path("ky/<int:pk>/cong-bo/", views.publish, name="publish"),
    path("ky/<int:pk>/nhap-diem/", views.import_scores, name="import_scores"),
    path("don-vi/<int:pk>/", views.assessment, name="assessment"),
    path("don-vi/<int:pk>/nhat-ky/", views.audit, name="audit"),
    path("don-vi/<int:pk>/thao-tac/<str:name>/", views.transition, name="transition"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/xem-truoc/", views.preview, name="preview"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/luu/", views.save_self, name="save_self"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/tham-dinh/", views.appraise, name="appraise"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/giai-trinh/", views.explain, name="explain"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/tai-lieu/", views.upload, name="upload"),
    path("don-vi/<int:pk>/tieu-chi/<str:code>/nhat-ky/", views.criterion_audit, name="criterion_audit"),
    path("don-vi/<int:pk>/tai-lieu/<int:evidence_id>/", views.download_evidence, name="evidence"),
    path("don-vi/<int:pk>/tai-lieu/<int:evidence_id>/go/", views.remove_evidence, name="remove_evidence"),
    path("cong-bo/", views.published_list, name="published_list"),
    path("cong-bo/<int:pk>/", views.published, name="published"),
    path("cong-bo/<int:pk>/ket-qua.xlsx", views.published_export, name="published_export"),
    path("cong-bo/<int:pk>/<str:unit_code>/", views.published_unit, name="published_unit"),
]
