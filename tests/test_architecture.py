"""The layers, checked on the source: the engine is pure, no app imports the command line, and the
top-level packages import each other without a cycle.

Every ``import`` statement counts, at module level or inside a function (a lazy import is still a
dependency). Test modules are left out: a test may import whatever it tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import chiso

SRC = Path(chiso.__file__).resolve().parent

# The engine computes; it reads and writes nothing. These modules exist to reach files, processes,
# the network or a database.
IO_MODULES = {
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "sqlite3",
    "dbm",
    "shelve",
    "pickle",
    "socket",
    "ssl",
    "http",
    "urllib",
    "requests",
    "subprocess",
    "fileinput",
    "zipfile",
    "tarfile",
    "gzip",
    "bz2",
    "lzma",
    "csv",
    "logging",
}
IO_BUILTINS = {"open", "input", "print", "exec", "eval", "__import__"}
# Methods that read or write a file whatever object they are called on (pathlib, polars, pandas).
IO_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "open", "touch", "unlink", "mkdir"}
IO_METHOD_PREFIXES = ("read_", "scan_")  # polars/pandas readers: read_csv, scan_parquet, …
IO_WRITER_PREFIXES = ("write_", "sink_", "to_")  # writers: I/O only when given a destination


@dataclass(frozen=True)
class Import:
    """One imported module, where the import statement is."""

    module: str
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path.relative_to(SRC.parent)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test_module(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return "tests" in parts[:-1] or parts[-1].startswith("test_") or parts[-1] == "conftest.py"


def source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if not is_test_module(p))


def imports_of(path: Path, tree: ast.AST | None = None) -> Iterator[Import]:
    """Every module an ``import`` or ``from … import`` in the file names, relative ones resolved.

    ``from package import name`` also yields ``package.name``, which is a module when `name` is one.
    """
    tree = tree or ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield Import(module, path, node.lineno)
            for alias in node.names:
                yield Import(f"{module}.{alias.name}", path, node.lineno)


def top_level(module: str) -> str | None:
    """`chiso.results.services` → "results"; None outside chiso."""
    parts = module.split(".")
    if parts[0] != "chiso" or len(parts) < 2:
        return None
    return parts[1]


def _io_calls(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in IO_BUILTINS:
            yield node.lineno, f"{func.id}()"
        elif isinstance(func, ast.Attribute):
            name = func.attr
            given_a_destination = bool(node.args) or any(k.arg in ("file", "path") for k in node.keywords)
            if (
                name in IO_METHODS
                or name.startswith(IO_METHOD_PREFIXES)
                or (name.startswith(IO_WRITER_PREFIXES) and given_a_destination and name != "to_engine")
            ):
                yield node.lineno, f".{name}()"


def engine_violations() -> list[str]:
    found = []
    for path in (SRC / "engine").rglob("*.py"):
        if is_test_module(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for imp in imports_of(path, tree):
            root = imp.module.split(".")[0]
            if root == "django":
                found.append(f"{imp.where()}: the engine imports Django ({imp.module})")
            elif root == "chiso" and not (
                imp.module == "chiso.engine" or imp.module.startswith("chiso.engine.")
            ):
                found.append(f"{imp.where()}: the engine imports {imp.module}, outside chiso.engine")
            elif root in IO_MODULES:
                found.append(f"{imp.where()}: the engine imports {imp.module} (input/output)")
        for line, call in _io_calls(tree):
            rel = path.relative_to(SRC.parent)
            found.append(f"{rel}:{line}: the engine calls {call} (input/output)")
    return sorted(set(found))


def test_the_engine_imports_no_django_no_app_and_does_no_io():
    problems = engine_violations()
    assert not problems, "The engine must stay pure:\n" + "\n".join(problems)


def test_no_app_imports_the_command_line():
    problems = sorted(
        {
            f"{imp.where()}: imports {imp.module}"
            for path in source_files()
            if top_level(module_name(path)) != "cli"
            for imp in imports_of(path)
            if imp.module == "chiso.cli" or imp.module.startswith("chiso.cli.")
        }
    )
    assert not problems, "Only chiso.cli may import chiso.cli:\n" + "\n".join(problems)


def package_graph() -> dict[str, dict[str, Import]]:
    """Top-level package → the packages it imports, each with one import statement as evidence."""
    graph: dict[str, dict[str, Import]] = {}
    for path in source_files():
        source = top_level(module_name(path))
        if source is None:
            continue
        edges = graph.setdefault(source, {})
        for imp in imports_of(path):
            target = top_level(imp.module)
            if target is None or target == source:
                continue
            if (SRC / target).is_dir() or (SRC / f"{target}.py").exists():
                edges.setdefault(target, imp)
    return graph


def cycle_groups(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """The groups of packages that import each other, directly or not (Tarjan's strongly connected
    components of more than one package), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """One cycle through every group of packages that import each other, as a list of packages."""
    return [_one_cycle(graph, group) for group in cycle_groups(graph)]


def _one_cycle(graph: dict[str, dict[str, Import]], group: list[str]) -> list[str]:
    """The shortest cycle from the group's first package back to itself, inside the group."""
    start = group[0]
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for target in sorted(graph.get(path[-1], {})):
            if target == start:
                return [*path, start]
            if target in group and target not in path:
                paths.append([*path, target])
    raise AssertionError(f"no cycle in {group}")  # pragma: no cover - a group always has one


def test_no_import_cycle_between_packages():
    graph = package_graph()
    found = cycle_groups(graph)
    lines = []
    for group in found:
        cycle = _one_cycle(graph, group)
        lines.append(f"{', '.join(group)} import each other; one cycle: " + " → ".join(cycle))
        for source, target in pairwise(cycle):
            imp = graph[source][target]
            lines.append(f"    {source} → {target}: {imp.where()} imports {imp.module}")
    assert not found, "Import cycles between chiso's packages:\n" + "\n".join(lines)


# -- the checks themselves -------------------------------------------------------------------------


def test_cycles_are_found_and_reported_as_a_path():
    graph = {
        "a": {"b": None},
        "b": {"c": None},
        "c": {"a": None},
        "d": {"a": None},
    }
    assert cycles(graph) == [["a", "b", "c", "a"]]  # type: ignore[arg-type]
    assert cycles({"a": {"b": None}, "b": {}}) == []  # type: ignore[dict-item]


def test_function_level_and_relative_imports_count(tmp_path):
    module = SRC / "results" / "example.py"  # only its name is used to resolve relative imports
    tree = ast.parse(
        "from .services import analyse\n"
        "def f():\n"
        "    import chiso.cli.main\n"
        "    from ..units import registry\n"
    )
    found = {imp.module for imp in imports_of(module, tree)}
    assert {"chiso.results.services", "chiso.cli.main", "chiso.units", "chiso.units.registry"} <= found


def test_io_calls_are_seen():
    tree = ast.parse(
        "open('x')\n"
        "p.read_text()\n"
        "pl.read_csv(path)\n"
        "frame.write_csv('out.csv')\n"
        "text = frame.write_csv()\n"
        "framework.to_engine()\n"
    )
    assert [call for _, call in _io_calls(tree)] == ["open()", ".read_text()", ".read_csv()", ".write_csv()"]
