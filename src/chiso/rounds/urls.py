from django.urls import path

from chiso.rounds import views

app_name = "rounds"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("moi/", views.round_new, name="new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/gui/", views.round_send, name="send"),
    path("<int:pk>/nhac/", views.round_remind, name="remind"),
    path("<int:pk>/ket-thuc/", views.round_close, name="close"),
    path("<int:pk>/tong-hop/", views.synthesis, name="synthesis"),
    path("<int:pk>/tong-hop.xlsx", views.round_export, name="export"),
    path("yeu-cau/<int:pk>/", views.request_detail, name="request"),
    path("yeu-cau/<int:pk>/tieu-chi/", views.request_criteria, name="criteria"),
    path("yeu-cau/<int:pk>/gui/", views.request_submit, name="submit"),
    path("yeu-cau/<int:pk>/tra-lai/", views.request_return, name="return"),
    path("phan-tich/<int:pk>/", views.answer_save, name="answer"),
    path("tep/<int:pk>/", views.attachment_file, name="file"),
]
