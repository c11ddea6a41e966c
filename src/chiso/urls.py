"""URL configuration. The web application grows here (issue: web app and assessment cycle)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
