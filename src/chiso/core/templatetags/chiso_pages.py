"""What every page may need from its request: the way back of the error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def back_url(context) -> str:
    """The page the visitor came from (the Referer), when it is a page of this site other than this
    one; else "" (typed address, another site, a request without its host)."""
    request = context.get("request")
    if request is None:
        return ""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(referer, {host}, require_https=request.is_secure()):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer
