"""The units pages, under the officer's /dieu-hanh/ like the dashboard."""

from django.urls import path

from chiso.units import views

app_name = "units"

urlpatterns = [
    path("don-vi/", views.units, name="list"),
]
