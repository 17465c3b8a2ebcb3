"""Rewrite the generated regions of the manual from the code: ``python docs/generate.py``.

A generated region is the text between ``<!-- generated: NAME -->`` and
``<!-- end generated -->`` in any Markdown page under docs/. ``GENERATORS`` maps each
NAME to the function that writes its text from the repository's root; to add a region,
write such a function, register it under a new name, and put the two markers in a page.

``python docs/generate.py --check`` changes nothing and exits with status 1 when a page
differs from what the generators make; tests/test_docs.py checks the same.
The layout needs only the standard library; regions drawn from declarations in the
package (the outputs) import it, so run this with calendar-feed installed.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "calendar_feed"
END = "<!-- end generated -->"
REGION = re.compile(r"(<!-- generated: ([\w.-]+) -->\n)(.*?)(" + re.escape(END) + ")", re.DOTALL)


def module_layout(root: Path) -> str:
    """One line per module of the package: its path and the first line of its docstring."""
    package = root / PACKAGE
    modules = sorted(
        package.rglob("*.py"),
        key=lambda path: (path.parent.relative_to(root).parts, path.name != "__init__.py", path),
    )
    lines = []
    for path in modules:
        source = path.read_text(encoding="utf-8")
        if path.name == "__init__.py" and not source.strip():
            continue
        docstring = ast.get_docstring(ast.parse(source, filename=str(path)))
        summary = docstring.strip().splitlines()[0] if docstring else "(no module docstring)"
        lines.append(f"- `{path.relative_to(root).as_posix()}`: {summary}")
    return "\n".join(lines) + "\n"


def _package(root: Path, module: str) -> Any:
    """A module of the calendar-feed found at ``root`` (the one these pages describe)."""
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"{PACKAGE}.{module}")
    finally:
        sys.path.pop(0)


def site_outputs(root: Path) -> str:
    """The files of each kind of site, from the output registry (render/outputs.py)."""
    outputs = _package(root, "render.outputs")
    parts = []
    for kind, title in (
        (outputs.Sites.ONE, "An events file"),
        (outputs.Sites.SEVERAL, "A site file"),
    ):
        parts += [
            f"**{title}** ({kind.value}):",
            "",
            "| file | media type | what it is |",
            "| --- | --- | --- |",
        ]
        parts += [
            f"| `{path}` | `{media}` | {about} |" for path, media, about in outputs.described(kind)
        ]
        parts.append("")
    return "\n".join(parts)


def reserved_ids(root: Path) -> str:
    """The series ids a site file refuses, from the output registry (render/outputs.py)."""
    names = ", ".join(f"`{name}`" for name in sorted(_package(root, "render.outputs").RESERVED_IDS))
    return (
        "A series id may not be a name the site uses at its top, where each series' folder "
        f"sits: {names} (`validate` says so at the site file's line).\n\n"
    )


GENERATORS: dict[str, Callable[[Path], str]] = {
    "layout": module_layout,
    "outputs": site_outputs,
    "reserved-ids": reserved_ids,
    "events-yaml": lambda root: _package(root, "reference").reference_markdown(),
    "site-yaml": lambda root: _package(root, "reference").site_reference_markdown(),
}
"""Marker name -> the function that writes that region (given the repository's root)."""


def regenerate(text: str, root: Path = ROOT) -> str:
    """``text`` with every generated region rewritten; an unknown name is an error."""

    def fill(match: re.Match[str]) -> str:
        start, name, _, end = match.groups()
        if name not in GENERATORS:
            known = ", ".join(sorted(GENERATORS))
            raise KeyError(f"unknown generated region {name!r} (known: {known})")
        return start + GENERATORS[name](root) + end

    return REGION.sub(fill, text)


def pages(root: Path = ROOT) -> dict[Path, tuple[str, str]]:
    """Every page with a generated region: (its text now, the text it should have)."""
    found = {}
    for page in sorted((root / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if REGION.search(text):
            found[page] = (text, regenerate(text, root))
    return found


def stale(root: Path = ROOT) -> list[Path]:
    """The pages that differ from what the generators make."""
    return [page for page, (now, wanted) in pages(root).items() if now != wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a page is out of date"
    )
    options = parser.parse_args(argv)
    status = 0
    for page, (now, wanted) in pages().items():
        if now == wanted:
            continue
        name = page.relative_to(ROOT).as_posix()
        if options.check:
            print(f"{name}: out of date; run `python docs/generate.py`", file=sys.stderr)
            status = 1
        else:
            page.write_text(wanted, encoding="utf-8")
            print(f"rewrote {name}")
    return status


if __name__ == "__main__":
    sys.exit(main())
