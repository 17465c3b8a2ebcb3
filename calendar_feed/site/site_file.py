"""What a site is made of: a site file (SITE.yaml) or a single events file.

A site file names the department, its base URL, limits and its list of events
files; an events file is a site of one series. The two are told apart here, once,
by a top-level ``site:`` key, so every command takes either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import Position, ValidationError
from ..fields import settings_of
from ..files import read_regular_file
from ..model import Kind, SettingRule, setting
from ..source.loading import DEFAULT_MAX_BYTES, Mapping, Node, Scalar, Sequence, read_events_file
from ..source.parsers import describe
from ..source.vocabulary import VocabularyParser

TOP_KEYS = ("site", "series")


@dataclass(frozen=True)
class Embed:
    """The keys of ``site.embed:``."""

    frame_ancestors: tuple[str, ...] = setting(
        SettingRule(
            Kind.ORIGINS,
            help="Origins (`https://host[:port]` or `'self'`) allowed to frame `/embed`; every "
            "other page keeps `frame-ancestors 'none'`.",
        ),
        default=(),
    )


@dataclass(frozen=True)
class SeriesEntry:
    """The keys of a ``series:`` entry written as a mapping (declaration only)."""

    file: str = setting(
        SettingRule(Kind.TEXT, required=True, help="The events file, relative to the site file.")
    )
    feed_window: int | None = setting(
        SettingRule(Kind.DAYS, help="This series' own `feed_window` (see `site.feed_window`)."),
        default=None,
    )


@dataclass(frozen=True)
class SeriesFile:
    """One events file listed under ``series:`` (a term of a series, or a whole one)."""

    path: Path
    position: Position
    feed_window: int | None = None


@dataclass(frozen=True)
class SiteConfig:
    """A site: its keys under ``site:`` (each declared with its rule) and its files."""

    path: Path
    name: str = setting(
        SettingRule(
            Kind.TEXT,
            required=True,
            help="The department's name: page title and the combined feed's name.",
        )
    )
    base_url: str = setting(
        SettingRule(
            Kind.BASE_URL,
            help="Where the site is published; each series lives at `base_url` + its id + `/` "
            "(this replaces the files' own `calendar.base_url`).",
        ),
        default="",
    )
    feed_window: int | None = setting(
        SettingRule(
            Kind.DAYS,
            help="Days of past sessions that subscription feeds and `events.json` keep (all "
            "upcoming ones always stay). Per series: the `feed_window` of a `{file: …}` entry. "
            "Without it, each series' own `calendar.feed_window`, else 365.",
        ),
        default=None,
    )
    embed: Embed = setting(
        SettingRule(Kind.SECTION, help="What other sites may do with `/embed`.", section=Embed),
        default=Embed(),
    )
    files: tuple[SeriesFile, ...] = ()
    one_series: bool = False
    """Made from one events file: the series is the whole site, its files at the top."""

    @property
    def frame_ancestors(self) -> tuple[str, ...]:
        """Origins allowed to show /embed in a frame; empty: none (as every other page)."""
        return self.embed.frame_ancestors


SITE = settings_of(SiteConfig)
"""(name, rule) for each key of ``site:``."""
ENTRY = settings_of(SeriesEntry)
"""(name, rule) for each key of a ``series:`` entry."""


class EventsBytes(NamedTuple):
    """An events file already read into memory (the live server reads it itself)."""

    data: bytes
    name: str


def read_site_config(
    source: str | Path | EventsBytes, max_bytes: int = DEFAULT_MAX_BYTES
) -> SiteConfig:
    """The site ``source`` describes: a site file's, or a site of the one series in it.

    A site of one series is named after its series once that is loaded. Raises
    ValidationError for a site file with problems.
    """
    if isinstance(source, EventsBytes) or not is_site_file(source):
        path = Path(source.name if isinstance(source, EventsBytes) else source)
        return SiteConfig(path, "", files=(SeriesFile(path, Position(str(path))),), one_series=True)
    return read_site_file(source, max_bytes)


def is_site_file(path: str | Path) -> bool:
    """True when ``path`` starts with a top-level ``site:`` key (cheap: no YAML parse)."""
    try:  # never blocks: a FIFO or device in its place is not a site file
        head = read_regular_file(path, limit=64 * 1024)
    except OSError:
        return False
    return re.search(rb"^site:", head, re.MULTILINE) is not None


def read_site_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SiteConfig:
    """Read and check SITE.yaml; raise ValidationError listing every problem in it."""
    root = read_events_file(path, max_bytes=max_bytes)
    reader = _SiteReader(Path(path))
    config = reader.config(root)
    if reader.problems or config is None:
        raise ValidationError(reader.problems)
    return config


class _SiteReader(VocabularyParser):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def config(self, root: Mapping) -> SiteConfig | None:
        top = self.mapping(root, "", TOP_KEYS)
        assert top is not None
        site = top.get("site")
        values = self.section(site, "site", SiteConfig) if site is not None else None
        files = self.files(top.get("series"), root)
        if values is None:
            return None
        return SiteConfig(path=self.path, **values, files=files)

    def files(self, node: Node | None, root: Mapping) -> tuple[SeriesFile, ...]:
        if node is None or not isinstance(node, Sequence) or not node.items:
            where = root.position if node is None else node.position
            got = "nothing" if node is None else describe(node)
            self.error(where, "series", f"expected a list of events files, got {got}")
            return ()
        result: dict[Path, SeriesFile] = {}
        for index, item in enumerate(node.items):
            entry = self.entry(item, f"series[{index}]")
            if entry is None:
                continue
            same = entry.path.resolve()  # ./x.yaml, x.yaml and a link to it are one file
            if same in result:
                first = result[same].position
                self.error(
                    item.position,
                    f"series[{index}]",
                    f"{entry.path} is listed twice (first at line {first.line}); a file is "
                    "listed once: remove this entry",
                )
                continue
            result[same] = entry
        return tuple(result.values())

    def entry(self, item: Node, path: str) -> SeriesFile | None:
        """``- lunch/2024-autumn.yaml`` or ``- {file: analysis.yaml, feed_window: 365}``."""
        if isinstance(item, Scalar):
            values: dict[str, Any] | None = {"file": self.text(item, path)}
        else:
            values = self.section(item, path, SeriesEntry)
        name = values.get("file") if values else None
        if name == "":
            self.error(item.position, path, "empty file name")
        if not name or values is None:
            return None
        return SeriesFile(self.path.parent / name, item.position, values.get("feed_window"))
