"""The events.yaml reference is written from model.py's declarations: every key the validator
accepts, each with its meaning (docs/user-guide/events-yaml.md shows it; tests/test_docs.py
keeps that page current)."""

from __future__ import annotations

import re

import pytest

from calendar_feed.errors import ValidationError
from calendar_feed.model import FieldRule, SettingRule
from calendar_feed.reference import (
    SECTIONS,
    cell,
    reference_markdown,
    site_reference_markdown,
    table,
)
from calendar_feed.site.site_file import read_site_file
from calendar_feed.source.validation import load_schedule_bytes


def reference_keys(markdown: str) -> dict[str, list[str]]:
    """Top-level key -> the keys its table lists, read back from the Markdown."""
    found: dict[str, list[str]] = {}
    section = ""
    for line in markdown.splitlines():
        heading = re.fullmatch(r"## `(\w+)`", line)
        if heading:
            section = heading[1]
            found[section] = []
        elif line.startswith("| `"):
            first = line.split(" | ")[0].removeprefix("| ")
            found[section] += re.findall(r"`([\w.]+)`", first)
    return found


def known_to_the_validator(section: str) -> list[str]:
    """The keys validation accepts in one part of the file, from its own message."""
    unknown = "qqq_not_a_key"
    parts = {
        "calendar": f"calendar:\n  id: x\n  name: X\n  timezone: UTC\n  {unknown}: 1\n",
        "defaults": f"defaults:\n  {unknown}: 1\n",
        "sessions": f'sessions:\n  - date: 2024-09-11\n    start: "12:00"\n    {unknown}: 1\n',
    }
    with pytest.raises(ValidationError) as raised:
        load_schedule_bytes(parts[section].encode(), "events.yaml")
    [message] = [str(p) for p in raised.value.problems if unknown in str(p)]
    listed = re.search(r"\(known fields: ([^)]*)\)$", message)
    assert listed, message
    return listed[1].split(", ")


@pytest.mark.parametrize("section", ["calendar", "defaults", "sessions"])
def test_every_key_validation_accepts_is_in_the_reference_and_back(section):
    listed = reference_keys(reference_markdown())
    assert list(listed) == ["calendar", "defaults", "sessions"]
    assert listed[section] == known_to_the_validator(section)


def test_every_declared_key_has_a_meaning():
    for _, _, keys in SECTIONS:
        for name, rule in keys:
            assert rule.help.strip() or rule.joins_row, name


def test_keys_sharing_a_row_are_listed_together():
    rows = [line for line in reference_markdown().splitlines() if line.startswith("| `")]
    assert "| `speaker`, `affiliation`, `title` | no | Who speaks and about what." in "\n".join(
        rows
    )
    assert "| `start`, `end`, `duration`, `location` | no | Override the defaults" in "\n".join(
        rows
    )
    assert "| `date` | yes | `YYYY-MM-DD`. |" in rows
    assert "| `timezone` | yes | IANA timezone name" in "\n".join(rows)


def test_a_key_without_help_is_refused_with_where_to_add_it():
    with pytest.raises(ValueError, match="`website` has no help text; declare it in"):
        table([("website", SettingRule())])
    with pytest.raises(ValueError, match="`bio` joins the row above"):
        table([("bio", FieldRule(joins_row=True))])
    with pytest.raises(ValueError, match="`b` joins the row above"):
        table([("a", SettingRule(help="A.")), ("b", SettingRule(required=True, joins_row=True))])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("use `|` block scalars", "use <code>&#124;</code> block scalars"),
        ("a | b", "a \\| b"),
        ("`a<b|c`", "<code>a&lt;b&#124;c</code>"),
        ("two\n  lines", "two lines"),
        ("`kept` as is", "`kept` as is"),
    ],
)
def test_a_cell_never_ends_early(text, expected):
    assert cell(text) == expected


def test_every_site_key_the_site_reader_accepts_is_in_the_reference(tmp_path):
    """site: keys (a section's as ``embed.frame_ancestors``) and series: entry keys."""
    site = tmp_path / "site.yaml"
    site.write_text(
        "site:\n  name: X\n  qqq: 1\n  embed: {qqq: 1}\nseries:\n  - {file: a.yaml, qqq: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as raised:
        read_site_file(site)
    known = {}
    for problem in raised.value.problems:
        where = problem.path.rpartition(".")[0]
        listed = re.search(r"\(known fields: ([^)]*)\)$", problem.message)
        assert listed, problem
        known[where] = listed[1].split(", ")
    accepted = [key for key in known["site"] if key != "embed"]
    accepted += [f"embed.{key}" for key in known["site.embed"]]
    listed = reference_keys(site_reference_markdown())
    assert listed == {"site": accepted, "series": known["series[0]"]}
