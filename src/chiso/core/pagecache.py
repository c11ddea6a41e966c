"""The public results pages kept as rendered HTML, per published-data generation.

A public page of published figures (the home, a ranking, a profile, a province's points lost) is
the same for everyone who asks for it in the same language: only the page's shell differs — the
header with the signed-in user's menu, the messages, the CSRF token. So `cached_page` keeps the
parts of the page that base.html marks (`{% page_part %}`: the title, the content and the footer)
in Django's cache, and the next request renders only the shell around them
(`_cached_page.html`): no query for the figures, no template of the content.

The key names everything the parts depend on:

- the *generation* (`chiso.core.generation`), renewed whenever a row of the units, frameworks or
  results apps changes (an import, a publication or its withdrawal, a new unit name …): a new key
  at once, in every worker process;
- the language, and the whole path with its query string (page, region, map colouring);
- the code: a hash of chiso's sources, templates and translations (a new version never serves
  pages rendered by the old one).

What a page shows per user inside its content is marked `{% live_part "name" %}` in its template
and rendered for every request by the callable given in `live` (the plans panels of a province's
points lost). Nothing is kept while the connection holds uncommitted changes of those apps, for
htmx requests (fragments), for anything but GET and HEAD, or for a page that is not a plain 200.
Entries also expire after `TIMEOUT`, a bound on anything the generation would not have seen.
CHISO_PAGE_CACHE=0 turns it off (every page rendered afresh; the analyses stay cached).

A kept part may hold forms: the tokens drawn for one request (the CSRF token, a form's one-time
token of `chiso.core.once`) are kept as blanks and drawn afresh for every request that is served
the part (`_blank_tokens`, `_fill_tokens`), so a kept form posts like a freshly rendered one.
A view may refuse to have a response kept (`not_kept(response)`: a page showing figures that are
being computed, which will change without a new key).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from chiso.core import generation, once
from chiso.core.templatetags.chiso_pages import live_slot

logger = logging.getLogger("chiso.cache")

TIMEOUT = 24 * 3600  # seconds a kept page lives at most (a new generation replaces it anyway)
SHELL = "_cached_page.html"
stats = {"hit": 0, "kept": 0, "bypassed": 0}  # benchmarks and tests

LiveParts = dict[str, Callable[[HttpRequest, dict[str, Any]], str]]


def _code_version() -> str:
    """A hash of what renders the pages: chiso's Python sources, templates and translations."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".mo"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


# The per-request tokens of a form, as `{% csrf_token %}` and `{% once_token %}` draw them.
_TOKENS = re.compile(
    r'(<input type="hidden" name="(csrfmiddlewaretoken|' + re.escape(once.FIELD) + r')" value=")[^"]*(">)'
)
_BLANK = {"csrfmiddlewaretoken": "\ue003csrf\ue004", once.FIELD: "\ue003once\ue004"}
_NOT_KEPT = "_chiso_not_kept"


def _blank_tokens(html: str) -> str:
    return _TOKENS.sub(lambda m: m.group(1) + _BLANK[m.group(2)] + m.group(3), html)


def _fill_tokens(request: HttpRequest, html: str) -> str:
    """The kept part with tokens of this request: the CSRF token, a new one-time token per form."""
    if _BLANK["csrfmiddlewaretoken"] in html:
        html = html.replace(_BLANK["csrfmiddlewaretoken"], get_token(request))
    while _BLANK[once.FIELD] in html:
        html = html.replace(_BLANK[once.FIELD], once.new_token(), 1)
    return html


def fields_of(instance: Model) -> tuple[str, ...]:
    """A model instance's own column values, in order: what it shows of itself, for a page's key."""
    return tuple(str(getattr(instance, f.attname)) for f in instance._meta.concrete_fields)


def not_kept(response: HttpResponse) -> HttpResponse:
    """Mark a response its page cache must not keep (it shows what will change under the same key)."""
    setattr(response, _NOT_KEPT, True)
    return response


def page_key(generation: str, language: str, full_path: str, parts: tuple[Any, ...] = ()) -> str:
    text = repr((CODE_VERSION, generation, language, full_path, *parts))
    return "chiso:page:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _keepable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.headers.get("HX-Request")


def cached_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    live: LiveParts | None = None,
    when: Callable[[dict[str, Any]], bool] | None = None,
    query: tuple[str, ...] = (),
) -> Any:
    """Decorate a public view whose content is the same for everyone (but its `live` parts): its
    parts are kept per generation, language and path, and served from the cache. `when(kwargs)`
    says which of the view's routes are kept (all when not given); `query`, the parameters of the
    address the view reads (an address with any other is rendered, never kept)."""
    if view is None:
        return functools.partial(cached_page, live=live, when=when, query=query)
    live_parts = live or {}

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if when is not None and not when(kwargs):
            return view(request, *args, **kwargs)
        return kept_page(request, (), lambda: view(request, *args, **kwargs), live_parts, kwargs, query)

    return wrapped


def kept_page(
    request: HttpRequest,
    parts: tuple[Any, ...],
    render_page: Callable[[], HttpResponse],
    live: LiveParts | None = None,
    kwargs: dict[str, Any] | None = None,
    query: tuple[str, ...] = (),
) -> HttpResponse:
    """The page `render_page` renders, kept per generation, language, path and `parts` (what else
    its content depends on: a survey's results version, whether the user may manage it …): for a
    view that checks who may see the page first, then calls this. Only addresses whose parameters
    are all in `query` are kept: made-up ones would fill the cache (and evict what is used)."""
    if not settings.CHISO_PAGE_CACHE or not _keepable(request) or not set(request.GET) <= set(query):
        return render_page()
    current = generation.current()
    if current is None or generation.pending():
        stats["bypassed"] += 1
        return render_page()
    key = page_key(current, get_language() or "", request.get_full_path(), parts)
    kept = _get(key)
    if kept is not None:
        stats["hit"] += 1
        return _serve(request, kept, live or {}, kwargs or {})
    request.page_parts = {}  # type: ignore[attr-defined]  # filled by base.html's page parts
    try:
        response = render_page()
    finally:
        kept = request.page_parts  # type: ignore[attr-defined]
        del request.page_parts  # type: ignore[attr-defined]
    if (
        response.status_code == 200
        and not response.streaming
        and "content" in kept
        and not response.cookies  # a page that sets a cookie is someone's own
        and not getattr(response, _NOT_KEPT, False)
        and not generation.pending()
    ):
        stats["kept"] += 1
        _set(key, kept)
    return response


def _serve(
    request: HttpRequest, parts: dict[str, str], live: LiveParts, kwargs: dict[str, Any]
) -> HttpResponse:
    shown = {}
    for name, html in parts.items():
        html = _fill_tokens(request, html)
        for slot_name, fill in live.items():
            slot = live_slot(slot_name)
            if slot in html:
                html = html.replace(slot, fill(request, kwargs))
        shown[name] = mark_safe(html)  # rendered, escaped HTML of this same page
    return render(request, SHELL, {"page_parts": shown})


def _get(key: str) -> dict[str, str] | None:
    try:
        found = cache.get(key)
    except Exception:  # an unreadable entry or an unreachable cache is a miss
        logger.warning("unreadable cached page %s", key, exc_info=True)
        return None
    return found if isinstance(found, dict) else None


def _set(key: str, parts: dict[str, str]) -> None:
    try:
        cache.set(key, {name: _blank_tokens(str(html)) for name, html in parts.items()}, timeout=TIMEOUT)
    except Exception:  # a full disk or an unreachable Redis slows pages down; it never breaks them
        logger.warning("could not keep page %s", key, exc_info=True)
