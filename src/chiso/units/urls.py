"""The units pages, under the officer's /dieu-hanh/ like the dashboard."""

from django.urls import path

from chiso.units import views, views_organisers

app_name = "units"

urlpatterns = [
    path("don-vi/", views.units, name="list"),
    path("don-vi/nap-huyen/", views.load_districts, name="load_districts"),
    path("don-vi-to-chuc/", views_organisers.organisers, name="organisers"),
    path("don-vi-to-chuc/<slug:code>/", views_organisers.organiser, name="organiser"),
]
