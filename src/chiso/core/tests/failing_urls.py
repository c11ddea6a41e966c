"""The site's addresses and one that fails: the server error page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chiso.urls import urlpatterns as site


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [*site, path("loi-thu/", fail)]
