"""Test set-up shared by every test module: the built-in data is loaded once per test database."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest


def pytest_configure(config):
    """Under pytest-xdist (`-n 2`), each worker keeps its own data folder inside $CHISO_HOME: its
    own file cache (the shared analyses and their generation, `chiso.results.cache`), uploads and
    static folder, so that one worker's `cache.clear()` or upload never reaches another's test.
    The settings were read before this hook (pytest-django loads them first), but no cache, upload
    or subprocess has used them yet; the subprocesses started by tests inherit the new CHISO_HOME."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings

    home = Path(settings.DATA_DIR) / f"worker-{worker}"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["CHISO_HOME"] = str(home)
    settings.DATA_DIR = home
    settings.MEDIA_ROOT = home / "media"
    settings.STATIC_ROOT = home / "static"
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("FileBasedCache") and not os.environ.get("CHISO_CACHE_URL"):
        cache["LOCATION"] = str(home / "cache")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the test database (pytest-django), then load units, frameworks and public results."""
    from chiso.bootstrap import ensure_ready

    with django_db_blocker.unblock():
        ensure_ready(out=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def flush_empties_the_change_log_too():
    """Transactional tests (the browser tests) end with Django's `flush`, which empties every table;
    the change log's append-only triggers let it through only then (`emptying_the_database`)."""
    from django.core.management.commands import flush

    from chiso.core.changelog import emptying_the_database

    original = flush.Command.handle

    def handle(self, **options):
        with emptying_the_database(options.get("database") or "default"):
            return original(self, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def tasks_run_in_the_request(settings):
    """Background tasks run at once, inside the request that queues them (the database backend and
    its worker are tested on their own, in chiso.jobs)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fresh_analyses():
    """Each test starts without cached analyses (`chiso.results.cache`): a figure kept by one test
    is never served to the next, whose rows may have the same ids."""
    from chiso.results import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages rendered afresh (their `response.context` read by the tests, and settings changed
    inside a test); the tests of `chiso.core.pagecache` turn the page cache on."""
    settings.CHISO_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM = os.environ.get("CHISO_CHROMIUM", "/usr/bin/chromium")


class WatchedBrowser:
    """Playwright's browser, whose every page reports to `violations` each Content Security Policy
    violation (Chromium's console message, and the page's `securitypolicyviolation` events) and
    each uncaught script error. `no_csp_violation` fails the test that caused one."""

    REPORT = (
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(self.REPORT)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.violations.append(f"script error: {error.error}"))
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.add_init_script(self.REPORT)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.violations.append(f"script error: {error}"))
        return page

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.text} ({message.location.get('url', '')})")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (browser downloads are impossible here), for the
    tests marked `browser`. Skipped when Playwright or chromium is missing."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls made by the
    # fixtures are still synchronous, which Django would otherwise refuse.
    # Restored afterwards: a later test that starts a process (the deploy check) must not inherit it.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield WatchedBrowser(instance)
            instance.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """A browser test fails when a page it opened broke the Content Security Policy or raised a
    script error (inline scripts and event handlers are refused: they belong in static files)."""
    yield
    if "browser" not in request.fixturenames:
        return
    browser = request.getfixturevalue("browser")
    found, browser.violations[:] = list(browser.violations), []
    assert not found, "\n".join(found)
