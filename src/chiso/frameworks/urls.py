"""The framework pages, under the officer's /dieu-hanh/ like the dashboard (the paths are public)."""

from django.urls import path

from chiso.frameworks import views, views_editor, views_indices

app_name = "frameworks"

urlpatterns = [
    path("khung/", views.frameworks, name="list"),
    path("khung/<slug:code>/tai-ve.<str:fmt>", views.framework_download, name="download"),
    path("khung/<slug:code>/sao-chep/", views.framework_copy, name="copy"),
    path("khung/tao-moi/", views.framework_new, name="new"),
    path("khung/<slug:code>/sua/", views_editor.framework_edit, name="edit"),
    path("khung/<slug:code>/thong-tin/", views.framework_settings, name="settings"),
    path("khung/<slug:code>/nut/<str:node>/sua/", views_editor.node_edit, name="node_edit"),
    path("khung/<slug:code>/nut/<str:node>/quy-tac/", views_editor.node_rule, name="node_rule"),
    path("khung/<slug:code>/nut/<str:node>/<slug:action>/", views_editor.node_action, name="node_action"),
    path("doi-chieu/<int:pk>/", views.mapping, name="mapping"),
    path("chi-so/", views_indices.indices, name="indices"),
    path("chi-so/tao-moi/", views_indices.index_new, name="index_new"),
    path("chi-so/<slug:code>/sua/", views_indices.index_edit, name="index_edit"),
]
