"""The department on the live server: each events file reloaded on its own, never lost.

Every listed file keeps its last good version: an edit that breaks one file (or
makes its dates clash with another term) is reported on /healthz and on the
pages, and every series goes on being served as it last was valid. Kept free of
Flask, as server.live is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Position, Problem, ValidationError
from ..history import DEFAULT_KEEP_REMOVED_DAYS
from ..publish.build import BuildResult, publish_site
from ..render.listing import PageContext
from ..render.outputs import render_pages
from ..site.feeds import FeedQuery, render_query
from ..site.merge import Site, assemble
from ..site.site_file import SiteConfig, read_site_file
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS, Loaded, load_schedule_bytes
from ..urls import normalize_base_url
from .versions import Asset, Lru, utc
from .watching import DueCheck, Signature, read_bytes, stat_signature

log = logging.getLogger(__name__)
FEED_CACHE = 64


@dataclasses.dataclass
class FileState:
    """One events file: what was last seen on disk and the last version that was good."""

    signature: Signature | None = None
    good: Loaded | None = None
    sha256: str = ""
    problems: tuple[Problem, ...] = ()
    loaded_at: dt.datetime | None = None


class SiteVersion:
    """The department as published now: every file's bytes, and feeds made on demand."""

    def __init__(
        self, build: BuildResult, today: dt.date, problems: tuple[Problem, ...], when: dt.datetime
    ):
        self.department: Site = build.site
        self.releases = build.releases
        self.today = today
        context = PageContext(today=today, problems=problems)
        files = {**build.files, **render_pages(self.department, self.releases, context)}
        self.files = {path: Asset.of(body, when) for path, body in files.items()}
        self.when = when
        self._feeds: Lru[FeedQuery, Asset] = Lru(FEED_CACHE)

    def feed(self, query: FeedQuery) -> Asset:
        def render() -> Asset:
            body = render_query(self.department, self.releases, query, self.today)
            return Asset.of(body, self.when)

        return self._feeds.get(query, render)


class SitePublisher:
    """Holds the department's published version and swaps in each file's valid edits."""

    def __init__(
        self,
        site_file: str | Path,
        *,
        check_interval: float = 1.0,
        settle: float = 0.5,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        today: dt.date | None = None,
        history: bool = True,
        keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS,
        reset_history: bool = False,
        base_url: str = "",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.config: SiteConfig = read_site_file(site_file, max_bytes=max_bytes)
        if base_url:
            url = normalize_base_url(base_url)
            self.config = dataclasses.replace(self.config, base_url=url)
        self.check_interval = check_interval
        self.settle = settle
        self.max_bytes = max_bytes
        self.max_sessions = max_sessions
        self.fixed_today = today
        self.history = history
        self.keep_removed_days = keep_removed_days
        self.reset_history = reset_history
        self._clock = clock
        self._wall = wall_clock
        self.files = {entry.path: FileState() for entry in self.config.files}
        for path in self.files:
            self._load(path, stat_signature(path))
        if not any(state.good for state in self.files.values()):
            raise ValidationError([p for s in self.files.values() for p in s.problems])
        self.version = self._publish()
        self._due = DueCheck(check_interval, clock)
        self.checked_at = self._now()

    def _now(self) -> dt.datetime:
        return utc(self._wall())

    def _load(self, path: Path, signature: Signature | None) -> bool:
        """Read one file; keep it if valid and clash-free. True when its version changed."""
        state = self.files[path]
        state.signature = signature
        try:
            data = read_bytes(path, self.max_bytes)
        except OSError as exc:
            state.problems = (
                Problem(Position(str(path)), "", f"cannot read: {exc.strerror or exc}"),
            )
            return False
        digest = hashlib.sha256(data).hexdigest()
        if digest == state.sha256:
            state.problems = ()
            return False
        try:
            loaded = load_schedule_bytes(
                data, str(path), max_bytes=self.max_bytes, max_sessions=self.max_sessions
            )
        except ValidationError as error:
            state.problems = error.errors
            return False
        others = {p: s.good for p, s in self.files.items() if s.good and p != path}
        _, clashes = assemble(self.config, {**others, path: loaded})
        mine = tuple(p for p in clashes if p.position.file == str(path))
        if mine:
            state.problems = mine
            return False
        state.good, state.sha256, state.problems = loaded, digest, ()
        state.loaded_at = self._now()
        return True

    def _publish(self) -> SiteVersion:
        good = {path: state.good for path, state in self.files.items() if state.good}
        department, _ = assemble(self.config, good)
        today = self.fixed_today or department.today()
        build = publish_site(
            department, None, history=self.history, keep_removed=self.keep_removed_days,
            today=today, now=self._now(), page=False, reset_history=self.reset_history,
        )  # fmt: skip
        for warning in build.warnings:
            log.warning("%s", warning)
        sessions = sum(len(g.schedule.sessions) for g in department.groups)
        log.info("published %d series, %d sessions", len(department.groups), sessions)
        return SiteVersion(build, today, self.problems(), self._now())

    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for state in self.files.values() for p in state.problems)

    def state(self) -> SiteVersion:
        self._due.run_if_due(self.check)
        return self.version

    def check(self) -> None:
        """Look at every file once; republish when one changed or the day did. Never raises."""
        try:
            before = self.problems()
            changed = [path for path in self.files if self._changed(path)]
            today = self.fixed_today or self.version.department.today()
            if changed or today != self.version.today or self.problems() != before:
                for problem in self.problems():
                    log.error("%s", problem)
                self.version = self._publish()
        except Exception:  # a bug must not take the published site away
            log.exception("unexpected error while reloading; still serving")
        self.checked_at = self._now()

    def _changed(self, path: Path) -> bool:
        signature = stat_signature(path)
        state = self.files[path]
        if signature == state.signature:
            return False
        if signature is not None and self._wall() - signature.mtime_ns / 1e9 < self.settle:
            return False  # still being written: look again next time
        return self._load(path, signature)

    def health(self) -> dict[str, Any]:
        """What /healthz reports: per file, whether its current text is what is served."""
        self.state()
        files = []
        for path, state in self.files.items():
            good = state.good
            files.append(
                {
                    "file": str(path),
                    "status": "error" if state.problems else "ok",
                    "serving": "none"
                    if good is None
                    else ("last-good" if state.problems else "current"),
                    "series": good.schedule.series.id if good else None,
                    "sessions": len(good.schedule.sessions) if good else 0,
                    "sha256": state.sha256 or None,
                    "errors": [p.as_dict() for p in state.problems],
                }
            )
        return {
            "status": "error" if self.problems() else "ok",
            "site_file": str(self.config.path),
            "series": [g.id for g in self.version.department.groups],
            "files": files,
            "today": self.version.today.isoformat(),
            "checked_at": self.checked_at.isoformat(),
        }
