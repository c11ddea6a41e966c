"""What every page may need: the way back of the error pages; a criterion's code as people see it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

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


# -- the parts of a page a page cache keeps (`chiso.core.pagecache`) ---------------------------
#
# base.html wraps its title, content and footer blocks in `{% page_part %}`: while a cached view
# renders (the request has a `page_parts` dict), each part's HTML is also kept there, so that the
# next request renders only the page's shell (header, menu, messages, CSRF token: per user) around
# them. `{% live_part %}` marks what must be rendered anew for every request inside a kept part
# (the panels of one user): kept as a slot the cached view fills on each request.

LIVE_OPEN, LIVE_CLOSE, LIVE_END = "\ue000", "\ue001", "\ue002"  # private-use characters: never in text


def live_slot(name: str) -> str:
    """What stands in a kept part for the live part `name`."""
    return f"{LIVE_OPEN}{name}{LIVE_CLOSE}"


class PagePartNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context: template.Context) -> str:
        output = self.nodelist.render(context)
        parts = getattr(context.get("request"), "page_parts", None)
        if parts is None or LIVE_OPEN not in output:
            if parts is not None:
                parts[self.name] = str(output)
            return output
        kept, shown, rest = [], [], str(output)
        while LIVE_OPEN in rest:  # "…\ue000name\ue001inner\ue002…": the slot kept, the inner shown
            before, _, rest = rest.partition(LIVE_OPEN)
            name, _, rest = rest.partition(LIVE_CLOSE)
            inner, _, rest = rest.partition(LIVE_END)
            kept += [before, live_slot(name)]
            shown += [before, inner]
        parts[self.name] = "".join([*kept, rest])
        return mark_safe("".join([*shown, rest]))


class LivePartNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context: template.Context) -> str:
        output = self.nodelist.render(context)
        if getattr(context.get("request"), "page_parts", None) is None:
            return output
        return mark_safe(f"{LIVE_OPEN}{self.name}{LIVE_CLOSE}{output}{LIVE_END}")


def _named_block(parser: template.base.Parser, token: template.base.Token, end: str) -> tuple[str, Any]:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name")
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    return bits[1][1:-1], nodelist


@register.tag
def page_part(parser: template.base.Parser, token: template.base.Token) -> PagePartNode:
    """`{% page_part "content" %}…{% end_page_part %}`: a part of the page a page cache may keep."""
    return PagePartNode(*_named_block(parser, token, "end_page_part"))


@register.tag
def live_part(parser: template.base.Parser, token: template.base.Token) -> LivePartNode:
    """`{% live_part "panels" %}…{% end_live_part %}`: rendered anew for every request, even when
    the page part around it is kept."""
    return LivePartNode(*_named_block(parser, token, "end_live_part"))
