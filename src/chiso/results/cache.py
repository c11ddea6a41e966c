"""Published analyses computed once per result-set version, and never served stale.

`analyse()` of an index-year reads two years of results (about 20,000 model instances for six
indices on the public home) and ranks them; the figures only change when what they are made of
changes. So an analysis is kept, in two layers:

1. in this process, the `YearAnalysis` itself (an LRU of `MAX_IN_PROCESS` analyses, with the
   rankings it has already computed), and
2. in Django's cache (`settings.CACHES["default"]`: a file cache in the data folder, shared by the
   server's worker processes, or Redis with CHISO_CACHE_URL), the engine inputs it is built from
   (`YearResults` of the year and the year before), so that another worker, or this one after a
   restart, builds it without reading the database.

The key names everything the figures depend on:

- the period (the whole year, or a month or quarter of the 766) and the result sets read: for the
  year and the year before (the period and the one before), the id, version and status of the one
  shown (published, or the draft of an officer's preview) — a new import, a new version, a
  publication or a replaced built-in table is a new key at once, in every process;
- a *generation* kept in the shared cache, renewed whenever anything of the units, frameworks or
  results apps is saved, deleted or bulk-written (units and their names, lineage and blocks; indices,
  frameworks and their ranking rules; result sets, their method, values and published figures):
  `bump()`, connected in `ResultsConfig.ready()` — at once, or when the transaction that changed
  them commits;
- the code: a hash of the engine's and this app's sources (a new version never reads old entries).

What is not language-dependent is cached: engine objects carry both names and localize on display.
While the current connection holds uncommitted changes of those apps (inside `write_result_set`,
or in a test), nothing is stored: the analysis is built and served, never kept.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import cache

from chiso.core import generation as data_generation
from chiso.engine.analysis import YearAnalysis, YearResults

logger = logging.getLogger("chiso.cache")

# The apps whose rows the published figures are made of.
WATCHED_APPS = frozenset({"units", "frameworks", "results"})
MAX_IN_PROCESS = 24  # analyses kept per worker process (one index-year each)
TIMEOUT = 30 * 24 * 3600  # seconds an entry stays in the shared cache (a new key replaces it anyway)


def _code_version() -> str:
    """A hash of the sources the cached objects come from: the engine and this app."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for folder in (here.parent / "engine", here):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


class _LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_in_process = _LRU(MAX_IN_PROCESS)
stats = {"built": 0, "shared": 0, "memory": 0}  # how each analysis was found (benchmarks, tests)


# -- the generation (`chiso.core.generation`: the page cache reads it too) ----------------------

generation = data_generation.current
bump = data_generation.bump


def changed(sender: Any, **kwargs: Any) -> None:
    """Receiver of post_save, post_delete and m2m_changed: a row of a watched app changed."""
    if sender._meta.app_label in WATCHED_APPS:
        bump()


def logged(sender: type, instance: Any, **kwargs: Any) -> None:
    """Receiver of the change log's entries (post_save of auditlog's LogEntry, and the bulk writes
    `chiso.core.changelog` logs): a bulk write of a watched app sends no other signal."""
    content_type = getattr(instance, "content_type", None)
    if content_type is not None and content_type.app_label in WATCHED_APPS:
        bump()


def bulk_logged(sender: Any, **kwargs: Any) -> None:
    """Receiver of `chiso.core.changelog.bulk_logged`: rows of `sender` written by `bulk_create`."""
    if sender._meta.app_label in WATCHED_APPS:
        bump()


def clear() -> None:
    """Forget every analysis: this process's and the shared ones (a new generation)."""
    _in_process.clear()
    _registries.clear()
    _objects.clear()
    data_generation.renew()


# -- the analyses -----------------------------------------------------------------------------------


def key_of(parts: tuple[Any, ...], generation: str) -> str:
    text = repr((CODE_VERSION, generation, *parts))
    return "chiso:analyses:" + hashlib.sha256(text.encode()).hexdigest()[:32]


Inputs = tuple[YearResults, YearResults | None, int | None]


def cached_analysis(parts: tuple[Any, ...], build: Callable[[], Inputs]) -> YearAnalysis:
    """The analysis named by `parts` (what it is computed from, see the module's docstring): from
    this process, else from the shared cache, else built by `build` and kept in both."""
    current = generation()
    if (
        current is None or data_generation.pending()
    ):  # no shared cache, or built from uncommitted rows: never kept
        stats["built"] += 1
        return YearAnalysis(*build())
    key = key_of(parts, current)
    found = _in_process.get(key)
    if found is not None:
        stats["memory"] += 1
        return found
    inputs = _shared_get(key)
    if inputs is not None:
        stats["shared"] += 1
    else:
        stats["built"] += 1
        inputs = build()
        _shared_set(key, inputs)
    analysis = YearAnalysis(*inputs)
    _in_process.put(key, analysis)
    return analysis


def _shared_get(key: str) -> Inputs | None:
    try:
        data = cache.get(key)
        return pickle.loads(data) if data is not None else None
    except Exception:  # an unreadable entry (another version's objects, a torn file) is a miss
        logger.warning("unreadable cached analysis %s", key, exc_info=True)
        return None


def _shared_set(key: str, inputs: Inputs) -> None:
    try:
        cache.set(key, pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL), timeout=TIMEOUT)
    except Exception:  # a full disk or an unreachable Redis slows pages down; it never breaks them
        logger.warning("could not keep analysis %s", key, exc_info=True)


# -- the unit registry ------------------------------------------------------------------------------

_registries: dict[tuple[str, tuple[str, ...]], Any] = {}


def cached_registry(levels: tuple[str, ...]) -> Any:
    """`chiso.units.registry.registry(levels)` kept in this process for the current generation (a
    unit or lineage change bumps it): the public profile and loss pages looked one unit up in a
    registry rebuilt on every request (about 20 ms of CPU). Read only; never kept when it could not
    be invalidated (no shared cache, or built from uncommitted rows)."""
    from chiso.units.registry import registry

    current = generation()
    if current is None or data_generation.pending():
        return registry(levels)
    key = (current, tuple(levels))
    found = _registries.get(key)
    if found is None:
        found = registry(levels)
        for old in [k for k in _registries if k[0] != current]:  # only this generation's are kept
            del _registries[old]
        _registries[key] = found
    return found


# -- other read-only objects of the published data ----------------------------------------------------

_objects = _LRU(256)


def kept_in_process(parts: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """`build()` kept in this process for the current generation, under `parts` (what it is built
    from): an object made only of the units, frameworks and results (a kept page's subject). Read
    only; never kept when it could not be invalidated; an exception of `build` is not kept."""
    current = generation()
    if current is None or data_generation.pending():
        return build()
    key = repr((CODE_VERSION, current, *parts))
    found = _objects.get(key)
    if found is None:
        found = build()
        _objects.put(key, found)
    return found
