"""One valid events.yaml, rendered: every response body the live server can send for it.

Bodies come from the same renderer as ``calendar-feed build`` (``render_site``)
and are made once per version: the whole site up front, with gzip copies and
ETags; feed variants and listings (which depend on the request's site URL and
the day) on first use, in small bounded caches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import pytz

from ..errors import Problem
from ..model import Session
from ..publish.build import BuildResult
from ..render.ical import FeedOptions, render_calendar
from ..render.listing import PageContext, render_listing
from ..render.poster import render_poster
from ..render.qr import feed_qr_svg
from ..reuse import NO_REUSE, Reuse
from ..urls import FEED_FILE, session_file

GZIP_MIN_BYTES = 256
"""Below this, gzip saves too little to be worth a second copy."""
LISTING_CACHE = 16
FEED_CACHE = 32

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
    """One valid events.yaml and everything rendered from it; read-only once made."""

    def __init__(
        self,
        result: BuildResult,
        sha256: str,
        modified: dt.datetime,
        loaded_at: dt.datetime,
        reuse: Reuse = NO_REUSE,
    ):
        self.schedule = result.schedule
        self.release = result.release
        """What the revision history adds: SEQUENCE, LAST-MODIFIED, removed sessions, news."""
        self.warnings = result.warnings
        self.sha256 = sha256
        self.modified = modified
        """When the file was last changed: Last-Modified for everything from this version."""
        self.loaded_at = loaded_at
        # No index.html: the listing depends on the request's site URL and day (listing()).
        self.files = {path: Asset.of(body, modified) for path, body in result.files.items()}
        self._sessions = {session.key: session for session in self.schedule.sessions}
        self._listings: Lru[tuple[Any, ...], Asset] = Lru(LISTING_CACHE)
        self._feeds: Lru[FeedOptions, Asset] = Lru(FEED_CACHE)
        self._posters: Lru[str, Asset] = Lru(LISTING_CACHE)
        self._reuse = reuse
        """Events and page items of this and the last version, so a new day, site URL or
        version renders only the sessions it has not seen."""

    def session(self, key: str) -> tuple[Session, Asset] | None:
        """A session and its .ics by id, looked up in the schedule, never on disk."""
        session = self._sessions.get(key)
        return (session, self.files[session_file(session)]) if session else None

    def feed(self, options: FeedOptions) -> Asset:
        if options == FeedOptions():
            return self.files[FEED_FILE]

        def render() -> Asset:
            body = render_calendar(
                self.schedule,
                options,
                revisions=self.release.revisions,
                extra_sessions=self.release.removed,
                reuse=self._reuse,
            )
            return Asset.of(body, self.modified)

        return self._feeds.get(options, render)

    def listing(
        self,
        site_url: str,
        today: dt.date,
        problems: tuple[Problem, ...] = (),
        since: dt.datetime | None = None,
    ) -> Asset:
        """The listing as seen from ``site_url`` (unless a base URL is configured) on ``today``.

        Cached per site URL because without a configured base URL the links and
        the QR code are built from the request's host.
        """
        site_url = self.schedule.series.base_url or site_url
        key = (site_url, today, problems, since)

        def render() -> Asset:
            context = PageContext(
                today=today,
                site_url=site_url,
                qr_svg=feed_qr_svg(site_url + FEED_FILE) if site_url else "",
                problems=problems,
                live=True,
            )
            zone = pytz.timezone(self.schedule.series.timezone)
            midnight = zone.localize(dt.datetime.combine(today, dt.time())).astimezone(dt.UTC)
            changed = max(self.modified, midnight, since or self.modified)
            body = render_listing(self.schedule, context, self._reuse).encode("utf-8")
            return Asset.of(body, changed)

        return self._listings.get(key, render)

    def poster(self, site_url: str) -> Asset:
        """poster.html as the build writes it, its subscribe URL and QR code from ``site_url``."""
        site_url = self.schedule.series.base_url or site_url

        def render() -> Asset:
            qr_svg = feed_qr_svg(site_url + FEED_FILE) if site_url else ""
            context = PageContext(today=dt.date.min, site_url=site_url, qr_svg=qr_svg)
            body = render_poster(self.schedule, context, self._reuse).encode("utf-8")
            return Asset.of(body, self.modified)

        return self._posters.get(site_url, render)
