"""The method that produced a set of figures, stored with them: one definition for result sets and
cycles (as `SurveyResult.method` stores the survey method with each estimate).

A method is plain JSON:

- `framework`, `framework_version`, `framework_sha256`: the framework's code, its version and the
  SHA-256 of its content *as used* (the canonical JSON of its dictionary form with the ranking
  precision and groups it inherits from its index written in), so that a change of the framework,
  or of what it inherits, gives another hash;
- `index`, `level`: the index and the level of the units it ranks (the peer set of a result set);
- `precision`, `display_precision`, `peers` (what N counts), `groups` (the group rule),
  `aggregation`: the ranking and the tree arithmetic;
- `code_version`: the version of chiso that recorded it, and `recorded` ("write", "create",
  "publish" or "migration": a row that existed before methods were stored got its method from its
  framework when the migration ran).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from typing import Any

import chiso
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.frameworks import (
    GroupRule,
    framework_from_dict,
    framework_to_dict,
    group_rule_from_dict,
    group_rule_to_dict,
)
from chiso.engine.indices import NO_GROUPS, IndexDefaults, apply_index_defaults, no_groups

# The keys that decide figures: two methods that agree on them give the same figures from the
# same stored values.
FIGURE_KEYS = ("framework", "framework_sha256", "level", "precision", "peers", "groups", "aggregation")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical_json(data: Any) -> str:
    """`data` as canonical JSON text (sorted keys, no spaces, numbers in Decimal as text): the same
    content always gives the same text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)


def effective(framework: EngineFramework) -> EngineFramework:
    """The framework as used, with what it inherits from its index written in (nothing left out)."""
    return dataclasses.replace(
        framework, ranking=dataclasses.replace(framework.ranking, inherited=frozenset())
    )


def content_sha256(framework: EngineFramework) -> str:
    """The SHA-256 of a framework's content as used (after `apply_index_defaults`)."""
    text = canonical_json(framework_to_dict(effective(framework)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def engine_method(framework: EngineFramework, level: str, recorded: str) -> dict[str, Any]:
    """The method of figures computed on `framework` (as used) for units of `level`."""
    return {
        "framework": framework.code,
        "framework_version": framework.version,
        "framework_sha256": content_sha256(framework),
        "index": framework.index,
        "level": level,
        "precision": framework.ranking.precision,
        "display_precision": framework.display_precision,
        "peers": framework.ranking.of,
        "groups": group_rule_to_dict(framework.ranking.groups),
        "aggregation": framework.aggregation,
        "code_version": chiso.__version__,
        "recorded": recorded,
    }


def group_rule_of(data: dict[str, Any] | None) -> GroupRule:
    """An index's stored group rule (`Index.groups`) as the engine reads it: none when it defines none."""
    data = data or {"method": NO_GROUPS}
    if data.get("method") == NO_GROUPS:
        return no_groups()
    return group_rule_from_dict(data)


def method_from_data(
    definition: dict[str, Any],
    precision: int,
    groups: dict[str, Any] | None,
    level: str,
    recorded: str,
) -> dict[str, Any]:
    """The method from a stored framework definition and its index's precision, group rule and
    ranked level, as plain values (what a data migration reads from its historical models)."""
    framework = framework_from_dict(definition)
    if framework.ranking.inherited:
        framework = apply_index_defaults(framework, IndexDefaults(precision, group_rule_of(groups)))
    return engine_method(framework, level, recorded)


def method_of(framework: Any, recorded: str, level: str | None = None) -> dict[str, Any]:
    """The method of figures computed now on the stored framework `framework`
    (`chiso.frameworks.models.Framework`) for units of `level` (the index's ranked level by default)."""
    return engine_method(framework.to_engine(), level or framework.index.unit_level, recorded)


def differences(stored: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The keys deciding figures (`FIGURE_KEYS`) on which two methods differ."""
    return [key for key in FIGURE_KEYS if stored.get(key) != current.get(key)]
