from __future__ import annotations

from django.urls import path

from chiso.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<uuid:pk>/", views.job, name="job"),
    path("<uuid:pk>/tep/", views.job_file, name="file"),
]
