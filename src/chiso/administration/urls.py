from django.urls import path

from chiso.administration import views

app_name = "administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ky/<int:cycle_id>/", views.dashboard, name="cycle"),
    path("ky/<int:cycle_id>/nhac-nho/", views.send_reminders, name="send_reminders"),
    path("ky/<int:cycle_id>/gia-han/", views.extend_deadline, name="extend_deadline"),
    path("ky/<int:cycle_id>/khao-sat/", views.survey, name="survey"),
    path("ky/tao-moi/", views.cycle_create, name="cycle_create"),
    path("nguoi-dung/", views.users, name="users"),
    path("nhat-ky/", views.change_log, name="change_log"),
    path("nhat-ky/tai-ve.csv", views.change_log_export, {"fmt": "csv"}, name="change_log_csv"),
    path("nhat-ky/tai-ve.xlsx", views.change_log_export, {"fmt": "xlsx"}, name="change_log_xlsx"),
]
