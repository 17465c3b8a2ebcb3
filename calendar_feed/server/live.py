"""The site the live server publishes: each events file reloaded on change, never lost.

A site is one events file (one series) or the files a site file lists (several
series; the site file itself is read once, at start). Kept free of Flask so the
rules can be tested directly: each file is looked at no more than once per check
interval and read once it has settled; a new version of the site is made by the
build ``calendar-feed build`` runs, from the good version of every file, once per
change (not once per request). A file whose new text is invalid, clashes with
another term or cannot be published keeps its last good version, and its problems
go to /healthz, the log and the banner on the pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import OptionError, Position, Problem, ValidationError
from ..files import read_regular_file, write_bytes_atomically
from ..history import DEFAULT_KEEP_REMOVED_DAYS, describe_change
from ..publish.build import BuildResult, publish_site
from ..publish.cache import BuildCache
from ..site.merge import HistoryFiles, Site, assemble, history_file
from ..site.site_file import read_site_config
from ..source.chunks import load_cached
from ..source.loading import DEFAULT_MAX_BYTES, read_error_message
from ..source.validation import DEFAULT_MAX_SESSIONS, Loaded
from ..urls import normalize_base_url
from .versions import Version, utc
from .watching import DueCheck, Signature, stat_signature

log = logging.getLogger(__name__)
Clock = Callable[[], float]

CHECK_INTERVAL = 1.0
"""Seconds between looks at the events files; a stat() per second costs nothing."""
SETTLE_SECONDS = 0.5
"""How long a changed file must stay unchanged before it is read as a new version."""
STALL_CHECKS = 3
"""/healthz reports the reload as stalled when a check has run this many intervals."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclasses.dataclass(frozen=True)
class State:
    """What is served now, and what is wrong with the files on disk if that is not them."""

    version: Version
    since: dt.datetime
    """When this state began; the pages' banner is part of it."""
    problems: tuple[Problem, ...] = ()
    """Errors in the files on disk; empty when the served version is the files on disk."""

    @property
    def current(self) -> bool:
        return not self.problems


class Text(NamedTuple):
    """A version of one file, valid on its own: published if it joins the others."""

    loaded: Loaded
    digest: str
    modified: dt.datetime
    """The file's mtime: Last-Modified of what is made from it."""
    data: bytes | None = None
    """The bytes to keep as the last good copy once published; None once kept."""


class FileWatch:
    """One events file: when to read it, its last good version and what is wrong with it now.

    A changed file is read only after it has settled (its mtime is ``settle``
    seconds old, or it was seen unchanged for that long) and only if stat() is
    unchanged across the read: an editor that saves in place truncates and then
    writes, and the half-written file in between may well be valid YAML with fewer
    sessions. Only regular files are read, so a read never blocks.
    """

    def __init__(self, path: Path, settle: float, max_bytes: int, clock: Clock, wall: Clock):
        self.path, self.settle, self.max_bytes = path, settle, max_bytes
        self._clock, self._wall = clock, wall
        self.seen: Signature | None = None
        """stat() of the text last read (or tried); the file is read again when it differs."""
        self._pending: tuple[Signature | None, float] | None = None
        self.good: Text | None = None
        self.problems: tuple[Problem, ...] = ()
        self.rejected_sha256 = ""

    @property
    def last_good_file(self) -> Path:
        """.events.yaml.last-good beside the events file: the bytes last published from it."""
        return self.path.with_name(f".{self.path.name}.last-good")

    def read_settled(self) -> bytes:
        """The text at start, without waiting to settle; ValidationError if it cannot be read."""
        for _ in range(5):
            signature = stat_signature(self.path)
            try:
                data = read_regular_file(self.path, self.max_bytes)
            except OSError as exc:
                raise ValidationError([self.read_problem(exc)]) from None
            if stat_signature(self.path) == signature:
                break
        return data

    def keep_last_good(self, data: bytes) -> None:
        """Save the published bytes for workers that start while the file is unusable."""
        try:
            write_bytes_atomically(self.last_good_file, data)
        except OSError as exc:
            log.warning("%s: cannot keep a last good copy: %s", self.last_good_file, exc)

    def read_problem(self, exc: OSError) -> Problem:
        return Problem(Position(str(self.path)), "", read_error_message(exc))

    def poll(self) -> tuple[bytes, Signature | None] | None:
        """The file's new text once settled, unless it is the good or the rejected one.

        A file that cannot be read is rejected here; None when there is nothing to do.
        """
        signature = stat_signature(self.path)
        if signature == self.seen:
            self._pending = None
            return None
        now = self._clock()
        if self._pending is None or self._pending[0] != signature:
            self._pending = (signature, now)
        if not self._settled(signature, self._pending[1], now):
            return None
        try:
            data = read_regular_file(self.path, self.max_bytes)
        except OSError as exc:
            self.seen, self._pending = signature, None
            self.reject((self.read_problem(exc),))
            return None
        if stat_signature(self.path) != signature:
            self._pending = None  # written to while we read: look again next time
            return None
        self.seen, self._pending = signature, None
        digest = _digest(data)
        if self.good and digest == self.good.digest:
            if self.problems:
                log.warning("%s: back to the published version; errors are gone", self.path)
                self.problems, self.rejected_sha256 = (), ""
            return None
        return None if digest == self.rejected_sha256 else (data, signature)

    def _settled(self, signature: Signature | None, first_seen: float, now: float) -> bool:
        if now - first_seen >= self.settle:
            return True
        # The mtime says how long ago the last write was; a clock skewed into the
        # future just means waiting until we have watched it for `settle` ourselves.
        return signature is not None and self._wall() - signature.mtime_ns / 1e9 >= self.settle

    def accept(self, text: Text) -> None:
        if text.data is not None:
            self.keep_last_good(text.data)
        self.good, self.problems, self.rejected_sha256 = text._replace(data=None), (), ""

    def reject(self, problems: tuple[Problem, ...], digest: str = "") -> None:
        """Keep the good version (if any) and report why the text on disk is not served."""
        for problem in problems:
            log.error("%s", problem)
        count, good = len(problems), self.good
        served = f"its version {good.digest[:12]}" if good else "nothing of it"
        plural = "" if count == 1 else "s"
        log.error("%s: %d error%s; still serving %s", self.path, count, plural, served)
        self.problems, self.rejected_sha256 = problems, digest

    def health(self) -> dict[str, Any]:
        good = self.good
        return {
            "file": str(self.path),
            "status": "error" if self.problems else "ok",
            "serving": "none" if good is None else "last-good" if self.problems else "current",
            "series": good.loaded.schedule.series.id if good else None,
            "sessions": len(good.loaded.schedule.sessions) if good else 0,
            "sha256": good.digest if good else None,
            "rejected_sha256": self.rejected_sha256 or None,
            "errors": [p.as_dict() for p in self.problems],
        }


class Publisher:
    """Holds the published version of a site and swaps in each file's new valid versions.

    Every request calls :meth:`state`. At most once per ``check_interval`` one
    request looks at the files; others meanwhile get the state as it is, so a
    re-render never makes a crowd wait.
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
        history_file: HistoryFiles = None,
        keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS,
        reset_history: bool = False,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ):
        self.path = Path(path)
        self.base_url = normalize_base_url(base_url)
        self.config = read_site_config(self.path, max_bytes)
        if self.base_url:
            self.config = dataclasses.replace(self.config, base_url=self.base_url)
        self.history = history_file
        """What ``build`` publishes against: True beside each series' events files, a path
        (one series only), None or False for a snapshot."""
        if isinstance(history_file, Path) and not self.config.one_series:
            raise OptionError(
                "--history names one history file, and a site file keeps one beside each "
                "series' events files (leave --history out, or use --no-history)"
            )
        self.check_interval = check_interval
        self.max_bytes = max_bytes
        self.max_sessions = max_sessions
        self.fixed_today = today
        self.keep_removed_days = keep_removed_days
        self.reset_history = reset_history
        """Start a new history if it is damaged without a usable backup (--reset-history)."""
        self._clock = clock
        self._wall = wall_clock
        self._check_started: float | None = None
        """When the check now running began (monotonic), None between checks."""
        self._cache = BuildCache(None)
        """Pieces of the last version (sessions, events, page items), reused by the next one."""
        self.watches = tuple(
            FileWatch(entry.path, settle, max_bytes, clock, wall_clock)
            for entry in self.config.files
        )
        self._state = self._first_load()
        self.day = self._state.version.today
        """Today where the site is, as of the last check: what pages show as upcoming."""
        self.checked_at = self._now()
        self._due = DueCheck(check_interval, clock)

    # -- reading ---------------------------------------------------------------

    def _first_load(self) -> State:
        """Load every file without waiting for it to settle; ValidationError if none is usable.

        When a file cannot be used but this server published it before (another
        worker, or before a restart), the last good copy kept beside it is served,
        with the file's problems reported: a worker started while events.yaml is
        broken or replaced by a FIFO joins its siblings instead of failing to boot.
        """
        texts: dict[FileWatch, Text] = {}
        failed: dict[FileWatch, ValidationError] = {}
        for watch in self.watches:
            watch.seen = stat_signature(watch.path)
            try:
                texts[watch] = self._load(watch, watch.read_settled(), watch.seen)
            except ValidationError as error:
                failed[watch] = error
                try:
                    data = read_regular_file(watch.last_good_file, self.max_bytes)
                    texts[watch] = self._load(watch, data, None)._replace(data=None)
                except (OSError, ValidationError):
                    continue
                for problem in error.problems:
                    log.error("%s", problem)
                log.error("%s: serving the last good copy %s", watch.path, watch.last_good_file)
        if not texts:
            raise ValidationError([p for error in failed.values() for p in error.problems])
        for watch, error in failed.items():
            if watch not in texts:
                watch.reject(error.errors)
        self._publish(texts, first=True)
        for watch, error in failed.items():
            if watch.good:
                watch.problems = error.problems
        return State(self.version, since=self.version.loaded_at, problems=self.problems())

    def _load(self, watch: FileWatch, data: bytes, signature: Signature | None) -> Text:
        """The file's text loaded; ValidationError lists every problem of it alone."""
        loaded = load_cached(
            data,
            str(watch.path),
            max_bytes=self.max_bytes,
            max_sessions=self.max_sessions,
            cache=self._cache.table("sessions"),
        )
        now = self._now()
        modified = min(utc(signature.mtime_ns / 1e9), now) if signature else now
        return Text(loaded, _digest(data), modified, data)

    def _publish(
        self, texts: dict[FileWatch, Text], *, first: bool = False, new_day: bool = False
    ) -> None:
        """A new version from every file's good version and the new texts that fit in.

        A text that clashes with another term is rejected alone; one the build refuses
        (a revision history that cannot be used) with every new text of this check.
        At start the build's errors are raised instead.
        """
        accepted = self._joinable(texts)
        if not (accepted or first or new_day):
            return
        files = self._good(accepted)
        if not files:
            raise ValidationError(self.problems())
        site, _ = assemble(self.config, {w.path: text.loaded for w, text in files.items()})
        try:
            version = self._make_version(site, list(files.values()))
        except ValidationError as error:
            if first:
                raise
            for watch, text in accepted.items():
                watch.reject(error.errors, text.digest)
            return
        for watch, text in accepted.items():
            watch.accept(text)
        self.version = version
        self._log_published(version)

    def _good(self, texts: dict[FileWatch, Text]) -> dict[FileWatch, Text]:
        """Each file's version in ``texts``, else its good one (files without one left out)."""
        return {w: text for w in self.watches if (text := texts.get(w) or w.good)}

    def _joinable(self, texts: dict[FileWatch, Text]) -> dict[FileWatch, Text]:
        """The new texts whose sessions clash with no other term; the others are rejected."""

        def clashes(files: dict[FileWatch, Text]) -> list[Problem]:
            return assemble(self.config, {w.path: text.loaded for w, text in files.items()})[1]

        if not clashes(self._good(texts)):
            return texts
        accepted: dict[FileWatch, Text] = {}
        for watch, text in texts.items():  # one at a time: whose edit clashes
            found = clashes(self._good({**accepted, watch: text}))
            if found:
                watch.reject(tuple(found), text.digest)
            else:
                accepted[watch] = text
        return accepted

    def _make_version(self, site: Site, files: list[Text]) -> Version:
        now = self._now()
        today = self.fixed_today or site.today()
        try:
            result = publish_site(
                site, None, history=self.history, keep_removed=self.keep_removed_days,
                today=today, page=False, now=now, reset_history=self.reset_history,
                cache=self._cache,
            )  # fmt: skip
        except OSError as exc:
            message = f"cannot update the revision history: {exc.strerror or exc}"
            problem = Problem(Position(self._history_name(site, exc)), "", message)
            raise ValidationError([problem]) from None
        if result.history_error:
            log.error(
                "%s: cannot update the revision history: %s; publishing anyway",
                self._history_name(site),
                result.history_error,
            )
        else:
            self._log_changes(result)
        digests = [text.digest for text in files]
        return Version(
            result,
            sha256=digests[0] if len(digests) == 1 else _digest("\n".join(digests).encode()),
            modified=max(text.modified for text in files),
            loaded_at=now,
            today=today,
            pieces=self._cache.table("pieces"),
        )

    def _history_name(self, site: Site, exc: OSError | None = None) -> str:
        """The revision history a failure is about: the one series', else the file named."""
        if len(site.groups) == 1:
            return str(history_file(site.groups[0], self.history) or self.path)
        return str(getattr(exc, "filename", None) or self.path)

    def _log_changes(self, result: BuildResult) -> None:
        """What subscribers will see change, in the words of ``calendar-feed diff``."""
        for group in result.site.groups:
            if result.started_history(group):
                log.info("%s: started the revision history", history_file(group, self.history))
                continue
            for change in result.releases[group.id].changes:
                log.info("  %s", describe_change(change, self.keep_removed_days))

    def _log_published(self, version: Version) -> None:
        for warning in version.warnings:
            log.warning("%s", warning)
        groups = version.site.groups
        log.info(
            "%s: published %d sessions%s (sha256 %s)",
            self.path,
            version.sessions,
            "" if version.site.one_series else f" of {len(groups)} series",
            version.sha256[:12],
        )

    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for watch in self.watches for p in watch.problems)

    def _now(self) -> dt.datetime:
        return utc(self._wall())

    # -- the request path ----------------------------------------------------

    def state(self) -> State:
        """The state to serve, after looking at the files if the check interval has passed."""
        self._due.run_if_due(self.check)
        return self._state

    # -- noticing changes ----------------------------------------------------

    def check(self) -> None:
        """Look at every file once; publish, reject or wait. Never raises.

        A new day makes a new version too when the files follow the day (a feed_window
        drops past sessions); pages follow it anyway, rendered per request and day.
        """
        self._check_started = self._clock()
        state = self._state
        texts: dict[FileWatch, Text] = {}
        try:
            for watch in self.watches:
                found = watch.poll()
                if found is None:
                    continue
                data, signature = found
                try:
                    texts[watch] = self._load(watch, data, signature)
                except ValidationError as error:
                    watch.reject(error.errors, _digest(data))
            day, self.day = self.day, self.fixed_today or self.version.site.today()
            new_day = self.day != day and self.version.follows_day
            if texts or new_day:
                self._publish(texts, new_day=new_day)
                if self.version is not state.version:
                    took = self._clock() - self._check_started
                    log.info("%s: reloaded in %.2f s", self.path, took)
        except Exception:  # a bug must not take the published site away
            log.exception("%s: unexpected error while reloading; still serving", self.path)
            for watch in texts or self.watches:
                problem = Problem(Position(str(watch.path)), "", "internal error while loading")
                watch.reject((problem,))
        problems = self.problems()
        if self.version is not state.version or problems != state.problems:
            self._state = State(self.version, since=self._now(), problems=problems)
        self.checked_at = self._now()
        self._check_started = None

    # -- reporting -------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """What /healthz reports: which version is served, and why, for each file."""
        state = self.state()
        version = state.version
        errors = [p.as_dict() for p in state.problems]
        stall = self.stall_problem()
        if stall is not None:
            errors.append(stall.as_dict())
        rejected = next((w.rejected_sha256 for w in self.watches if w.rejected_sha256), None)
        return {
            "status": "ok" if state.current and stall is None else "error",
            "reload": "ok" if stall is None else "stalled",
            "serving": "current" if state.current else "last-good",
            "events_file" if self.config.one_series else "site_file": str(self.path),
            "series": [group.id for group in version.site.groups],
            "version": {
                "sha256": version.sha256,
                "loaded_at": version.loaded_at.isoformat(),
                "modified": version.modified.isoformat(),
                "sessions": version.sessions,
                "warnings": [w.as_dict() for w in version.warnings],
            },
            "files": [watch.health() for watch in self.watches],
            "errors": errors,
            "rejected_sha256": rejected,
            "since": state.since.isoformat(),
            "today": self.day.isoformat(),
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
