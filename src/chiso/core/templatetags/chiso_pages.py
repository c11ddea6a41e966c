"""What every page may need: the way back of the error pages; a criterion's code as people see it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import url_has_allowed_host_and_scheme

from chiso.engine.names import shown_code

register = template.Library()


@register.filter(name="shown_code")
def shown_code_filter(code: str) -> str:
    """`{{ row.code|shown_code }}`: an official numbering ("d8", "1.2.3"), never a machine key
    ("entry_costs", "total"), which shows as nothing (`chiso.engine.names.shown_code`)."""
    return shown_code(str(code or ""))


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


@register.filter
def sentence(value: object) -> str:
    """A text ending a sentence: one full stop, never two ("… chép nguyên văn." stays as it is)."""
    text = str(value or "").rstrip()
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."
