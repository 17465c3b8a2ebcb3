"""The package's shape: no import circles (lazy imports inside functions count too), no
private name taken from another module, and Flask and icalendar each kept to one place."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "calendar_feed"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in PACKAGE.rglob("*.py")}


def _imports(module: str) -> Iterator[tuple[ast.ImportFrom | ast.Import, str]]:
    """Each import statement of ``module`` outside ``if TYPE_CHECKING:``, with the module it
    names (for ``from .x import y``, the submodule ``x.y`` where y is one)."""
    path = MODULES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]

    def walk(node: ast.AST) -> Iterator[ast.AST]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                continue
            yield child
            yield from walk(child)

    for node in walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield node, sub if sub in MODULES else target


def _graph() -> dict[str, set[str]]:
    return {
        module: {target for _, target in _imports(module) if target in MODULES} - {module}
        for module in MODULES
    }


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others."""
    reach = {module: _reachable(graph, module) for module in graph}
    circles = {
        frozenset({module, *(other for other in reach[module] if module in reach[other])})
        for module in graph
        if module in reach[module]
    }
    return sorted(sorted(circle) for circle in circles)


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    assert _circles(_graph()) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    taken = [
        f"{module}: {alias.name} from {target}"
        for module in MODULES
        for node, target in _imports(module)
        if isinstance(node, ast.ImportFrom) and target.startswith("calendar_feed")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert taken == []


def _importers(library: str) -> set[str]:
    return {
        module
        for module in MODULES
        for _, target in _imports(module)
        if target == library or target.startswith(f"{library}.")
    }


def test_each_heavy_library_has_one_home() -> None:
    # Writing feeds has one home; reading a calendar file to import it has another.
    assert _importers("icalendar") == {
        "calendar_feed.render.components",
        "calendar_feed.importing.calendar_file",
    }
    assert _importers("markdown_it") <= {
        "calendar_feed.importing.markdown_page",
        "calendar_feed.importing.inline",
    }
    assert _importers("openpyxl") == {"calendar_feed.importing.sheet"}
    assert _importers("flask") <= {
        module for module in MODULES if module.startswith("calendar_feed.server.")
    }
    assert _importers("yaml") <= {
        module for module in MODULES if module.startswith("calendar_feed.source.")
    }
