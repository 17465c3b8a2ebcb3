"""The output registry is the list of what a site publishes: the build writes exactly its
files, the server's media types and init's README come from it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from calendar_feed.organize import init_project
from calendar_feed.publish.build import build_site
from calendar_feed.render.outputs import OUTPUTS, Sites, described
from tests.helpers import DEPARTMENT, SHIPPED


def _pattern(path: str) -> re.Pattern[str]:
    """A declared path as shown to people (SERIES/, TERM, SESSION, TAG) -> a regex."""
    parts = re.split(r"(SERIES/|TERM|SESSION|TAG)", path)
    regex = "".join(
        {"SERIES/": r"[^/]+/", "TERM": r"[^/]+", "SESSION": r"[^/]+", "TAG": r"[^/]+"}.get(
            part, re.escape(part)
        )
        for part in parts
    )
    return re.compile(regex)


@pytest.mark.parametrize(
    ("source", "kind"),
    [(SHIPPED, Sites.ONE), (DEPARTMENT / "site.yaml", Sites.SEVERAL)],
    ids=["one", "several"],
)
def test_a_build_writes_exactly_the_declared_outputs(
    source: Path, kind: Sites, tmp_path: Path
) -> None:
    if kind is Sites.ONE:  # with a month's window, its four months have archive pages by year
        text = source.read_text(encoding="utf-8")
        source = tmp_path / "events.yaml"
        source.write_text(text.replace("calendar:\n", "calendar:\n  feed_window: 30\n", 1))
    files = build_site(source, None, history=None, today=dt.date(2025, 3, 1)).files
    declared = [(path, _pattern(path)) for path, _, _ in described(kind)]
    used = set()
    for built in files:
        matches = [path for path, regex in declared if regex.fullmatch(built)]
        assert matches, f"{built} is not declared in render/outputs.py"
        used.add(matches[0])
    assert used == {path for path, _ in declared}, "declared outputs the build did not write"


def test_every_output_says_what_it_is() -> None:
    assert all(output.about for output in OUTPUTS)


def test_init_readme_lists_what_the_site_holds() -> None:
    readme = init_project.readme()
    listed = readme.split("## What the site holds\n\n", 1)[1]
    assert listed == "".join(f"- `{path}`: {about}\n" for path, _, about in described(Sites.ONE))
    assert "- `calendar.ics`: the series' subscription feed\n" in listed
