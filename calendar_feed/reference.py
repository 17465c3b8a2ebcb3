"""The events.yaml reference, written from the declaration of every key in model.py.

Pure functions, no I/O: docs/user-guide/events-yaml.md carries
:func:`reference_markdown` in its generated region ``events-yaml``, which
``python docs/generate.py`` rewrites; tests/test_docs.py fails when it is stale.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable

from .fields import CALENDAR, DETAILS, TIMING, settings_of
from .model import SCHEDULE, FieldRule, Kind, SettingRule, Timing
from .site.site_file import ENTRY, SITE

_CODE = re.compile(r"(`+)(.+?)\1")

Rule = SettingRule | FieldRule


def session_keys() -> tuple[tuple[str, Rule], ...]:
    """A session's keys as the reference lists them: its schedule keys, the keys of
    ``defaults:`` (one row, Timing.IN_SESSION) and its details."""
    timing = tuple(
        (
            name,
            dataclasses.replace(rule, help="" if index else Timing.IN_SESSION, joins_row=index > 0),
        )
        for index, (name, rule) in enumerate(TIMING)
    )
    return (*SCHEDULE, *timing, *DETAILS)


SECTIONS: tuple[tuple[str, str, tuple[tuple[str, Rule], ...]], ...] = (
    ("calendar", "", CALENDAR),
    ("defaults", "", TIMING),
    ("sessions", "Each entry is one date.", session_keys()),
)
"""(top-level key, the sentence before its table, its keys) for each part of the file."""


def reference_markdown() -> str:
    """A ``##`` section per part of events.yaml: its table of field, required and meaning."""
    parts = []
    for top, lead, keys in SECTIONS:
        parts.append(f"## `{top}`\n")
        if lead:
            parts.append(f"{lead}\n")
        parts.append(table(keys))
    return "\n".join(parts)


def site_reference_markdown() -> str:
    """The table of ``site:`` keys (a section's keys as ``embed.frame_ancestors``) and the
    table of a ``series:`` entry's keys, for the departments page."""
    keys: list[tuple[str, Rule]] = []
    for name, rule in SITE:
        if rule.kind is Kind.SECTION:
            assert rule.section is not None
            keys += [(f"{name}.{inner}", r) for inner, r in settings_of(rule.section)]
        else:
            keys.append((name, rule))
    entry = "An entry of `series:` is a file name, or a mapping of these keys:\n"
    return "\n".join(["## `site`\n", table(keys), "## `series`\n", entry, table(ENTRY)])


def table(keys: Iterable[tuple[str, Rule]]) -> str:
    """One row per key, or per run of keys that share one (``joins_row``)."""
    rows: list[tuple[list[str], bool, str]] = []
    for name, rule in keys:
        required = isinstance(rule, SettingRule) and rule.required
        if not rule.joins_row:
            rows.append(([name], required, rule.help))
        elif not rows or rule.help or rows[-1][1] != required:
            raise ValueError(
                f"`{name}` joins the row above: it needs one, the same `required` and no help"
            )
        else:
            rows[-1][0].append(name)
    lines = ["| field | required | meaning |", "| --- | --- | --- |"]
    for names, required, meaning in rows:
        if not meaning.strip():
            raise ValueError(f"`{names[0]}` has no help text; declare it in calendar_feed/model.py")
        field = ", ".join(f"`{name}`" for name in names)
        lines.append(f"| {field} | {'yes' if required else 'no'} | {cell(meaning)} |")
    return "\n".join(lines) + "\n"


def cell(text: str) -> str:
    """Markdown for one table cell: on one line, and no ``|`` that would end the cell.

    A pipe in code is written ``<code>&#124;</code>``: GitHub needs the pipe escaped even
    in code, where Python-Markdown (MkDocs) would show the backslash.
    """
    text = " ".join(text.split())
    pieces = []
    done = 0
    for match in _CODE.finditer(text):
        pieces.append(text[done : match.start()].replace("|", "\\|"))
        code = match.group(0)
        if "|" in code:
            code = f"<code>{html.escape(match.group(2)).replace('|', '&#124;')}</code>"
        pieces.append(code)
        done = match.end()
    pieces.append(text[done:].replace("|", "\\|"))
    return "".join(pieces)
