"""What a site is made of: a site file (SITE.yaml) or a single events file.

A site file names the department, its base URL, limits and its list of events
files; an events file is a site of one series. The two are told apart here, once,
by a top-level ``site:`` key, so every command takes either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import Position, ValidationError
from ..files import read_regular_file
from ..source.loading import DEFAULT_MAX_BYTES, Mapping, Node, Scalar, Sequence, read_events_file
from ..source.parsers import FieldParser, Missing, describe
from ..urls import normalize_base_url

TOP_KEYS = ("site", "series")
SITE_KEYS = ("name", "base_url", "feed_window", "embed")
ENTRY_KEYS = ("file", "feed_window")
EMBED_KEYS = ("frame_ancestors",)
RESERVED_IDS = frozenset({"tags", "events", "embed", "talks", "healthz", "style.css"})
"""Names the department uses at the top of the site; a series id may not take them."""
_SOURCE_RE = re.compile(r"^(?:'self'|https?://[A-Za-z0-9.*-]+(?::[0-9]{1,5})?)$")


@dataclass(frozen=True)
class SeriesFile:
    """One events file listed under ``series:`` (a term of a series, or a whole one)."""

    path: Path
    position: Position
    feed_window: int | None = None


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    name: str
    base_url: str = ""
    feed_window: int | None = None
    """Days of past sessions kept in subscription feeds; None keeps them all."""
    frame_ancestors: tuple[str, ...] = ()
    """Origins allowed to show /embed in a frame; empty: none (as every other page)."""
    files: tuple[SeriesFile, ...] = ()
    one_series: bool = False
    """Made from one events file: the series is the whole site, its files at the top."""


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


class _SiteReader(FieldParser):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def config(self, root: Mapping) -> SiteConfig | None:
        top = self.mapping(root, "", TOP_KEYS)
        assert top is not None
        site = top.get("site")
        fields = self.mapping(site, "site", SITE_KEYS) if site is not None else None
        if fields is None or site is None:
            return None
        name = self.require(fields, "name", "site", site, self.text)
        base_url = self.get(fields, "base_url", "site", self.url)
        window = self.get(fields, "feed_window", "site", self.window)
        ancestors = self.embed(fields.get("embed"))
        files = self.files(top.get("series"), root)
        if name is None or base_url is None or window is None:
            return None
        return SiteConfig(
            path=self.path,
            name=name,
            base_url=normalize_base_url(base_url) if isinstance(base_url, str) else "",
            feed_window=window if isinstance(window, int) else None,
            frame_ancestors=ancestors,
            files=files,
        )

    def window(self, node: Node, path: str) -> int | None:
        """``feed_window: 180``: days of past sessions a subscription feed keeps."""
        return self.positive_int(node, path)

    def embed(self, node: Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        fields = self.mapping(node, "site.embed", EMBED_KEYS)
        if not fields:
            return ()
        sources = self.get(fields, "frame_ancestors", "site.embed", self.text_list)
        if not isinstance(sources, tuple):
            return ()
        for index, source in enumerate(sources):
            if not _SOURCE_RE.match(source):
                self.error(
                    fields["frame_ancestors"].position,
                    f"site.embed.frame_ancestors[{index}]",
                    f"\"{source}\" is not an origin like https://math.example.edu or 'self'",
                )
        return sources

    def files(self, node: Node | None, root: Mapping) -> tuple[SeriesFile, ...]:
        if node is None or not isinstance(node, Sequence) or not node.items:
            where = root.position if node is None else node.position
            got = "nothing" if node is None else describe(node)
            self.error(where, "series", f"expected a list of events files, got {got}")
            return ()
        result = []
        for index, item in enumerate(node.items):
            entry = self.entry(item, f"series[{index}]")
            if entry is not None:
                result.append(entry)
        return tuple(result)

    def entry(self, item: Node, path: str) -> SeriesFile | None:
        """``- lunch/2024-autumn.yaml`` or ``- {file: analysis.yaml, feed_window: 365}``."""
        window: int | Missing | None = None
        if isinstance(item, Scalar):
            name = self.text(item, path)
        else:
            fields = self.mapping(item, path, ENTRY_KEYS)
            if fields is None:
                return None
            name = self.require(fields, "file", path, item, self.text)
            window = self.get(fields, "feed_window", path, self.window)
        if name == "":
            self.error(item.position, path, "empty file name")
        if not name:
            return None
        days = window if isinstance(window, int) else None
        return SeriesFile(self.path.parent / name, item.position, days)
