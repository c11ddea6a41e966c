"""The one way chiso reads YAML (framework files, index files, the built-in data).

A `yaml.SafeLoader` that also refuses, naming the line:

- a key written twice in one mapping (PyYAML keeps the last one silently);
- nesting deeper than `MAX_DEPTH` (Python's recursion limit would otherwise end the request);
- a document that aliases expand beyond `MAX_NODES` nodes, or an alias inside itself (the YAML
  "billion laughs");
- control characters in text (PostgreSQL refuses NUL, a workbook cannot hold the others).

`load_yaml(text, decimals=True)` reads floats as `Decimal` from their text, never through float,
so "7.5" stays exactly 7.5 points. Every refusal is a `YamlRefused`, a `yaml.YAMLError`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from chiso.core.uploads import control_character
from chiso.engine.i18n import gettext as _

MAX_DEPTH = 64
MAX_NODES = 1_000_000
_MERGE = "tag:yaml.org,2002:merge"


class YamlRefused(yaml.YAMLError):
    """A YAML text chiso does not read; the message names the line."""


class StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, deep nesting, alias bombs and control characters."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    _("dòng {row}: lồng nhau quá {limit} cấp").format(row=mark.line + 1, limit=MAX_DEPTH)
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            _expanded_size(node, {}, set())
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class says so
                break
            line = key_node.start_mark.line + 1
            if first is not None:
                raise YamlRefused(
                    _("dòng {row}: khóa {key!r} lặp lại (đã có ở dòng {first})").format(
                        row=line, key=key, first=first
                    )
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_str(self, node: ScalarNode) -> str:
        value = super().construct_yaml_str(node)
        found = control_character(value)
        if found is not None:
            raise YamlRefused(
                _("dòng {row}: có ký tự điều khiển {char}").format(row=node.start_mark.line + 1, char=found)
            )
        return value


StrictLoader.add_constructor("tag:yaml.org,2002:str", StrictLoader.construct_yaml_str)


class DecimalLoader(StrictLoader):
    """`StrictLoader` reading floats as Decimal from their text."""

    def construct_decimal(self, node: ScalarNode) -> Decimal:
        text = self.construct_scalar(node).replace("_", "")
        try:
            value = Decimal(text)
        except ArithmeticError:
            value = Decimal("NaN")
        if not value.is_finite():  # .inf, .nan
            raise YamlRefused(
                _("dòng {row}: {value!r} không phải số").format(row=node.start_mark.line + 1, value=text)
            )
        return value


DecimalLoader.add_constructor("tag:yaml.org,2002:float", DecimalLoader.construct_decimal)


def load_yaml(text: str, *, decimals: bool = False) -> Any:
    """The data of a YAML text, or `YamlRefused` / `yaml.YAMLError` naming the line."""
    try:
        return yaml.load(text, Loader=DecimalLoader if decimals else StrictLoader)
    except RecursionError:
        raise YamlRefused(_("lồng nhau quá sâu")) from None


def _expanded_size(node: Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many nodes `node` stands for once every alias is written out; refuses alias bombs."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise YamlRefused(
            _("dòng {row}: một bí danh (alias) nằm trong chính nó").format(row=node.start_mark.line + 1)
        )
    open_nodes.add(key)
    size = 1
    if isinstance(node, SequenceNode):
        size += sum(_expanded_size(child, sizes, open_nodes) for child in node.value)
    elif isinstance(node, MappingNode):
        size += sum(
            _expanded_size(k, sizes, open_nodes) + _expanded_size(v, sizes, open_nodes) for k, v in node.value
        )
    open_nodes.discard(key)
    if size > MAX_NODES:
        raise YamlRefused(
            _("dòng {row}: các bí danh (alias) mở ra hơn {limit} phần tử").format(
                row=node.start_mark.line + 1, limit=MAX_NODES
            )
        )
    sizes[key] = size
    return size
