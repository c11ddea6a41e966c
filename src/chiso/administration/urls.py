from django.urls import path

from chiso.administration import views, views_frameworks

app_name = "administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ky/<int:cycle_id>/", views.dashboard, name="cycle"),
    path("ky/<int:cycle_id>/nhac-nho/", views.send_reminders, name="send_reminders"),
    path("ky/<int:cycle_id>/gia-han/", views.extend_deadline, name="extend_deadline"),
    path("ky/<int:cycle_id>/khao-sat/", views.survey, name="survey"),
    path("ky/tao-moi/", views.cycle_create, name="cycle_create"),
    path("don-vi/", views.units, name="units"),
    path("nguoi-dung/", views.users, name="users"),
    path("khung/", views.frameworks, name="frameworks"),
    path("khung/<slug:code>/tai-ve.<str:fmt>", views.framework_download, name="framework_download"),
    path("khung/<slug:code>/sao-chep/", views.framework_copy, name="framework_copy"),
    path("khung/tao-moi/", views_frameworks.framework_new, name="framework_new"),
    path("khung/<slug:code>/sua/", views_frameworks.framework_edit, name="framework_edit"),
    path("khung/<slug:code>/thong-tin/", views_frameworks.framework_settings, name="framework_settings"),
    path("khung/<slug:code>/nut/<str:node>/sua/", views_frameworks.node_edit, name="node_edit"),
    path("khung/<slug:code>/nut/<str:node>/quy-tac/", views_frameworks.node_rule, name="node_rule"),
    path(
        "khung/<slug:code>/nut/<str:node>/<slug:action>/",
        views_frameworks.node_action,
        name="node_action",
    ),
    path("doi-chieu/<int:pk>/", views.mapping, name="mapping"),
]
