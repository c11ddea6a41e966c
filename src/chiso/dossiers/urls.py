from django.urls import path

from chiso.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("chi-so-766/", views.month, name="month"),
    path("chi-so-766/nhap/", views.upload, name="upload"),
    path("chi-so-766/tinh/", views.run, name="compute"),
    path("chi-so-766/giao-khac-phuc/", views.assign, name="assign"),
]
