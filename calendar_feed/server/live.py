"""The version of events.yaml the live server publishes: reloaded on change, never lost.

Kept free of Flask so the rules can be tested directly: the file is looked at
no more than once per check interval, re-rendered once per change (not once per
request), and a new version replaces the published one only when it is
complete and valid. Anything else leaves the last good version in place and
records the problems for /healthz, the log and the banner on the listing.
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
from ..files import read_regular_file, write_bytes_atomically
from ..history import DEFAULT_KEEP_REMOVED_DAYS, describe_change
from ..publish.build import BuildResult, build_site
from ..publish.cache import BuildCache
from ..render.listing import today_in
from ..reuse import Reuse
from ..site.site_file import EventsBytes
from ..source.loading import DEFAULT_MAX_BYTES, read_error_message
from ..source.validation import DEFAULT_MAX_SESSIONS
from ..urls import normalize_base_url
from .versions import Asset, Version, utc
from .watching import DueCheck, Signature, read_bytes, stat_signature

log = logging.getLogger(__name__)

CHECK_INTERVAL = 1.0
"""Seconds between looks at the events file; a stat() per second costs nothing."""
SETTLE_SECONDS = 0.5
"""How long a changed file must stay unchanged before it is read as a new version."""
STALL_CHECKS = 3
"""/healthz reports the reload as stalled when a check has run this many intervals."""


@dataclasses.dataclass(frozen=True)
class State:
    """What is served now, and what is wrong with the file on disk if that is not it."""

    version: Version
    since: dt.datetime
    """When this state began; the listing's banner is part of it."""
    problems: tuple[Problem, ...] = ()
    """Errors in the file on disk; empty when the served version is the file on disk."""
    rejected_sha256: str = ""

    @property
    def current(self) -> bool:
        return not self.problems


class Publisher:
    """Holds the published version of one events file and swaps in new valid versions.

    Every request calls :meth:`state`. At most once per ``check_interval`` one
    request stats the file; others meanwhile get the state as it is, so a
    re-render never makes a crowd wait. A changed file is read only after it has
    settled (its mtime is ``settle`` seconds old, or it was seen unchanged for
    that long) and only if stat() is unchanged across the read: an editor that
    saves in place truncates and then writes, and the half-written file in
    between may well be valid YAML with fewer sessions.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        base_url: str = "",
        check_interval: float = CHECK_INTERVAL,
        settle: float = SETTLE_SECONDS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        today: dt.date | None = None,
        history_file: str | Path | None = None,
        keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS,
        reset_history: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path)
        self.base_url = normalize_base_url(base_url)
        self.check_interval = check_interval
        self.settle = settle
        self.max_bytes = max_bytes
        self.max_sessions = max_sessions
        self.fixed_today = today
        self.history_file = Path(history_file) if history_file else None
        """The revision history to publish against, as ``build`` does; None for a snapshot."""
        self.keep_removed_days = keep_removed_days
        self.reset_history = reset_history
        """Start a new history if it is damaged without a usable backup (--reset-history)."""
        self._clock = clock
        self._wall = wall_clock
        self._pending: tuple[Signature | None, float] | None = None
        self._check_started: float | None = None
        """When the check now running began (monotonic), None between checks."""
        self._cache = BuildCache(None)
        """Pieces of the last version (events, page items), reused by the next one."""
        self._seen, self._state = self._first_load()
        self.checked_at = self._now()
        self._due = DueCheck(check_interval, clock)

    # -- reading ---------------------------------------------------------------

    def _first_load(self) -> tuple[Signature | None, State]:
        """Load without waiting for the file to settle; raise ValidationError if invalid.

        When the file cannot be used but this server published it before (another
        worker, or before a restart), the last good copy kept beside it is served,
        with the file's problems reported: a worker started while events.yaml is
        broken or replaced by a FIFO joins its siblings instead of failing to boot.
        Without such a copy there is nothing to fall back on: the caller reports the
        problems and does not start.
        """
        signature = stat_signature(self.path)
        try:
            data = self._read_settled()
            version = self._make_version(data, signature)  # a ValidationError lists every problem
        except ValidationError as error:
            return self._last_good_or_raise(error)
        self._log_published(version)
        self._keep_last_good(data)
        return signature, State(version, since=version.loaded_at)

    def _read_settled(self) -> bytes:
        for _ in range(5):
            signature = stat_signature(self.path)
            try:
                data = read_bytes(self.path, self.max_bytes)
            except OSError as exc:
                raise ValidationError([self._read_problem(exc)]) from None
            if stat_signature(self.path) == signature:
                break
        return data

    @property
    def last_good_file(self) -> Path:
        """.events.yaml.last-good beside the events file: the bytes last published from it."""
        return self.path.with_name(f".{self.path.name}.last-good")

    def _last_good_or_raise(self, error: ValidationError) -> tuple[Signature | None, State]:
        try:
            data = read_regular_file(self.last_good_file, self.max_bytes)
            version = self._make_version(data, None)
        except (OSError, ValidationError):
            raise error from None
        for problem in error.problems:
            log.error("%s", problem)
        log.error("%s: serving the last good copy %s", self.path, self.last_good_file)
        state = State(version, since=version.loaded_at, problems=tuple(error.problems))
        return stat_signature(self.path), state

    def _keep_last_good(self, data: bytes) -> None:
        """Save the published bytes for workers that start while the file is unusable."""
        try:
            write_bytes_atomically(self.last_good_file, data)
        except OSError as exc:
            log.warning("%s: cannot keep a last good copy: %s", self.last_good_file, exc)

    def _make_version(self, data: bytes, signature: Signature | None) -> Version:
        now = self._now()
        try:
            result = build_site(
                EventsBytes(data, str(self.path)),
                None,  # kept in memory; the listing is rendered per request
                history=self.history_file,
                keep_removed=self.keep_removed_days,
                base_url=self.base_url,
                page=False,
                now=now,
                max_bytes=self.max_bytes,
                max_sessions=self.max_sessions,
                reset_history=self.reset_history,
                cache=self._cache,
            )
        except OSError as exc:
            message = f"cannot update the revision history: {exc.strerror or exc}"
            problem = Problem(Position(str(self.history_file)), "", message)
            raise ValidationError([problem]) from None
        if result.history_error:
            log.error(
                "%s: cannot update the revision history: %s; publishing anyway",
                self.history_file,
                result.history_error,
            )
        else:
            self._log_changes(result)
        modified = min(utc(signature.mtime_ns / 1e9), now) if signature else now
        reuse = Reuse(self._cache.table("pieces"))
        return Version(result, hashlib.sha256(data).hexdigest(), modified, now, reuse)

    def _log_changes(self, result: BuildResult) -> None:
        """What subscribers will see change, in the words of ``calendar-feed diff``."""
        if result.started_history(result.site.groups[0]):
            log.info("%s: started the revision history", self.history_file)
            return
        for change in result.release.changes:
            log.info("  %s", describe_change(change, self.keep_removed_days))

    def _read_problem(self, exc: OSError) -> Problem:
        return Problem(Position(str(self.path)), "", read_error_message(exc))

    def _now(self) -> dt.datetime:
        return utc(self._wall())

    # -- the request path ----------------------------------------------------

    def state(self) -> State:
        """The state to serve, after looking at the file if the check interval has passed."""
        self._due.run_if_due(self.check)
        return self._state

    def today(self) -> dt.date:
        return self.fixed_today or today_in(self._state.version.schedule)

    def listing(self, state: State, site_url: str) -> Asset:
        return state.version.listing(site_url, self.today(), state.problems, state.since)

    # -- noticing changes ----------------------------------------------------

    def check(self) -> None:
        """Look at the file once; publish, reject or wait. Never raises."""
        self._check_started = self._clock()
        try:
            self._check()
        except Exception:  # a bug must not take the published feed away
            log.exception("%s: unexpected error while reloading; still serving", self.path)
            self._reject([Problem(Position(str(self.path)), "", "internal error while loading")])
        self.checked_at = self._now()
        self._check_started = None

    def _check(self) -> None:
        signature = stat_signature(self.path)
        if signature == self._seen:
            self._pending = None
            return
        now = self._clock()
        if self._pending is None or self._pending[0] != signature:
            self._pending = (signature, now)
        if not self._settled(signature, self._pending[1], now):
            return
        try:
            data = read_bytes(self.path, self.max_bytes)
        except OSError as exc:
            self._seen, self._pending = signature, None
            self._reject([self._read_problem(exc)])
            return
        if stat_signature(self.path) != signature:
            self._pending = None  # written to while we read: look again next time
            return
        self._seen, self._pending = signature, None
        self._consider(data, signature)

    def _settled(self, signature: Signature | None, first_seen: float, now: float) -> bool:
        if now - first_seen >= self.settle:
            return True
        # The mtime says how long ago the last write was; a clock skewed into the
        # future just means waiting until we have watched it for `settle` ourselves.
        return signature is not None and self._wall() - signature.mtime_ns / 1e9 >= self.settle

    def _consider(self, data: bytes, signature: Signature | None) -> None:
        state = self._state
        digest = hashlib.sha256(data).hexdigest()
        if digest == state.version.sha256:
            if state.problems:
                log.warning("%s: back to the published version; errors are gone", self.path)
                self._state = State(state.version, since=self._now())
            return
        if digest == state.rejected_sha256:
            return
        try:
            version = self._make_version(data, signature)
        except ValidationError as error:
            self._reject(error.errors, digest)
            return
        self._state = State(version, since=version.loaded_at)
        self._log_published(version)
        self._keep_last_good(data)

    def _reject(self, problems: tuple[Problem, ...] | list[Problem], digest: str = "") -> None:
        served = self._state.version
        for problem in problems:
            log.error("%s", problem)
        log.error(
            "%s: %d error%s; still serving the version loaded at %s (sha256 %s)",
            self.path,
            len(problems),
            "" if len(problems) == 1 else "s",
            served.loaded_at.isoformat(),
            served.sha256[:12],
        )
        self._state = State(
            served, since=self._now(), problems=tuple(problems), rejected_sha256=digest
        )

    def _log_published(self, version: Version) -> None:
        for warning in version.warnings:
            log.warning("%s", warning)
        log.info(
            "%s: published %d sessions (sha256 %s)",
            self.path,
            len(version.schedule.sessions),
            version.sha256[:12],
        )

    # -- reporting -------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """What /healthz reports: which version is served and why."""
        state = self.state()
        version = state.version
        errors = [p.as_dict() for p in state.problems]
        stall = self.stall_problem()
        if stall is not None:
            errors.append(stall.as_dict())
        return {
            "status": "ok" if state.current and stall is None else "error",
            "reload": "ok" if stall is None else "stalled",
            "serving": "current" if state.current else "last-good",
            "events_file": str(self.path),
            "version": {
                "sha256": version.sha256,
                "loaded_at": version.loaded_at.isoformat(),
                "modified": version.modified.isoformat(),
                "sessions": len(version.schedule.sessions),
                "warnings": [w.as_dict() for w in version.warnings],
            },
            "errors": errors,
            "rejected_sha256": state.rejected_sha256 or None,
            "since": state.since.isoformat(),
            "checked_at": self.checked_at.isoformat(),
        }

    def stall_problem(self) -> Problem | None:
        """A check that has not finished within STALL_CHECKS intervals: reloading is stuck.

        Reads never block (only regular files are read), so this reports what should
        not happen, e.g. a hung network disk, instead of a frozen ``checked_at``.
        """
        started = self._check_started
        if started is None:
            return None
        running = self._clock() - started
        if running <= STALL_CHECKS * max(self.check_interval, 1.0):
            return None
        message = (
            f"reloading is stalled: the check started {running:.0f} s ago has not finished; "
            "still serving the last good version"
        )
        return Problem(Position(str(self.path)), "", message)
