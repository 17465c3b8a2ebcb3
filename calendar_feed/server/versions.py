"""One valid site, rendered: every response body the live server can send for it.

Bodies come from the same renderer as ``calendar-feed build`` (the output registry,
``render.outputs``) and are made once per version: the built files up front, with
gzip copies and ETags; feed variants and pages (which depend on the day, the
problems on disk and, for one series, the request's address) on first use, in
small bounded caches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, Generic, TypeVar

from .. import zones
from ..errors import Problem
from ..model import Schedule
from ..publish.build import BuildResult
from ..render.ical import FeedOptions
from ..render.listing import PageContext
from ..render.outputs import site_index
from ..render.qr import feed_qr_svg
from ..reuse import reusing
from ..site.feeds import FeedQuery
from ..site.merge import Site
from ..urls import FEED_FILE

GZIP_MIN_BYTES = 256
"""Below this, gzip saves too little to be worth a second copy."""
PLAIN = FeedOptions()
PAGE_CACHE = 16
FEED_CACHE = 32
SITE_MAX_AGE = 3600
"""Cache lifetime of a department's files (its series may refresh at different intervals)."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A small thread-safe LRU map whose values are made at most once per key.

    The lock is held while a value is made, so concurrent requests for the
    same page share one render instead of each doing their own.
    """

    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            value = make()
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._items)


@dataclasses.dataclass(frozen=True)
class Asset:
    """One response body, ready to send: bytes, a gzip copy and validators for both."""

    body: bytes
    etag: str
    last_modified: dt.datetime
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, last_modified: dt.datetime) -> Asset:
        packed = gzip.compress(body, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
        if packed is not None and len(packed) >= len(body):
            packed = None
        return cls(body, hashlib.sha256(body).hexdigest()[:32], last_modified, packed)

    @property
    def gzip_etag(self) -> str:
        """A different representation needs a different strong ETag (RFC 9110 8.8.3)."""
        return f"{self.etag}-gzip"


def utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(microsecond=0)


class Version:
    """One valid site (one series or several) and every body rendered from it; read-only once made.

    The files of the build are ready in ``files``; pages are made per request, as they
    show the day, the problems of the files on disk and (on a site of one series
    without a base URL) the request's address; feed variants on first use.
    """

    def __init__(
        self,
        result: BuildResult,
        *,
        sha256: str,
        modified: dt.datetime,
        loaded_at: dt.datetime,
        today: dt.date,
        pieces: MutableMapping[bytes, Any] | None = None,
    ):
        self.site: Site = result.site
        self.releases = result.releases
        """What the revision histories add: SEQUENCE, LAST-MODIFIED, removed sessions, news."""
        self.warnings = result.warnings
        self.sha256 = sha256
        """The events file's digest; for several files, a digest of theirs."""
        self.today = today
        """The day the files were made for (feeds keep a feed_window of past days)."""
        self.follows_day = bool(result.cuts) or any(
            group.window_moves(today) for group in self.site.groups
        )
        """The files change with the day (a feed's window, or the sessions nearest today
        that the byte budget keeps): a new day needs a new version."""
        self.modified = max(modified, self.midnight(today)) if self.follows_day else modified
        """When the files last changed: Last-Modified for everything from this version."""
        self.loaded_at = loaded_at
        self.by_address = self.site.one_series and not self.site.config.base_url
        """A single series' page links and QR code follow the request's address (page())."""
        self._pieces = pieces
        """Events and page items of this and the last version, so a new day, site URL or
        version renders only the sessions it has not seen."""
        context = PageContext(today=today, budget=result.budget)
        self.paths = site_index(self.site, self.releases, context, result.archives)
        self.files = {path: Asset.of(body, self.modified) for path, body in result.files.items()}
        pages = sum(1 for output, _ in self.paths.values() if output.page)
        self._pages: Lru[tuple[Any, ...], Asset] = Lru(max(PAGE_CACHE, 2 * pages))
        """Room for every page twice (a new day or banner), and for PAGE_CACHE request
        addresses of a single series' pages (a flood of Host headers evicts its own)."""
        self._feeds: Lru[FeedQuery, Asset] = Lru(FEED_CACHE)

    @property
    def schedule(self) -> Schedule:
        """The (first) series' schedule: all of a site of one series."""
        return self.site.groups[0].schedule

    @property
    def sessions(self) -> int:
        return sum(len(group.schedule.sessions) for group in self.site.groups)

    @property
    def max_age(self) -> int:
        """How long a feed (or any data file) may be cached: as long as a single series' feed
        tells calendar apps to wait between refreshes; an hour for a department."""
        if self.site.one_series:
            return self.schedule.series.refresh_hours * 3600
        return SITE_MAX_AGE

    def feed_name(self, path: str) -> str:
        """The file name a feed is saved under: a single series' after the series."""
        return f"{self.schedule.series.id}.ics" if self.site.one_series else path.replace("/", "-")

    def midnight(self, day: dt.date) -> dt.datetime:
        return zones.midnight(day, self.site.groups[0].series.timezone).astimezone(dt.UTC)

    def feed(
        self,
        options: FeedOptions,
        path: str = FEED_FILE,
        series: frozenset[str] | None = None,
        tag: str | None = None,
    ) -> Asset:
        """The feed at ``path`` narrowed to a subscriber's choices; the built file if none."""
        if series is None and tag is None and options == PLAIN:
            return self.files[path]
        output, target = self.paths[path]
        assert target.query is not None, f"{path} is not a feed"
        query = target.query.narrowed(series, tag, options)
        if query == target.query:
            return self.files[path]

        def render() -> Asset:
            with reusing(self._pieces):
                body = output.render(dataclasses.replace(target, query=query))
            return Asset.of(body, self.modified)

        return self._feeds.get(query, render)

    def page(
        self,
        path: str,
        site_url: str,
        today: dt.date,
        problems: tuple[Problem, ...] = (),
        since: dt.datetime | None = None,
    ) -> Asset:
        """The page at ``path`` on ``today``, with a banner naming ``problems``.

        ``site_url`` is the request's address, used when ``by_address`` (else "").
        """
        site = self.site
        site_url = site.config.base_url or site_url
        key = (path, site_url, today, problems, since)

        def render() -> Asset:
            qr_svg = feed_qr_svg(site_url + FEED_FILE) if site_url and site.one_series else ""
            context = PageContext(today, site_url, qr_svg, problems=problems, live=True)
            output, target = self.paths[path]
            with reusing(self._pieces):
                body = output.render(dataclasses.replace(target, context=context))
            changed = max(self.modified, self.midnight(today), since or self.modified)
            return Asset.of(body, changed)

        return self._pages.get(key, render)
