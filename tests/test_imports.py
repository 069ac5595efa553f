"""No import circles: no module of etl/, monitor/ or ui/ imports one that imports it back (issue #11).

The imports are read from the source (ast), at module level and inside functions alike: an import deferred into a
function hides a circle from Python at start-up, not from the next reader of the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("etl", "monitor", "ui")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name → file, for every module of the packages (a package is its ``__init__``)."""
    out = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports anywhere in its file (``from . import x`` resolved to ``pkg.x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    assert len(graph) > 40, "the walk found the modules"
    found = cycles(graph)
    described = [" ↔ ".join(c) + ": " + "; ".join(f"{m} imports {sorted(graph[m] & set(c))}" for m in c)
                 for c in found]
    assert found == [], described


def test_the_walk_sees_function_level_and_relative_imports(tmp_path):
    (tmp_path / "etl").mkdir()
    (tmp_path / "monitor").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "etl" / "__init__.py").write_text("")
    (tmp_path / "etl" / "a.py").write_text("from . import b\n")
    (tmp_path / "etl" / "b.py").write_text("def f():\n    from .c import thing\n")
    (tmp_path / "etl" / "c.py").write_text("import etl.a\n")
    (tmp_path / "monitor" / "d.py").write_text("from etl import a\n")
    graph = import_graph(tmp_path)
    assert graph["etl.a"] == {"etl.b"} and graph["etl.b"] == {"etl.c"} and graph["monitor.d"] == {"etl.a"}
    assert cycles(graph) == [["etl.a", "etl.b", "etl.c"]]
