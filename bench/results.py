"""What a benchmark run found: plain data, filled in by run.py and written out by report.py."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from load import Rate

STREAK = 20
"""Consecutive replies with the new feed after which every worker is taken to have it."""


@dataclass(frozen=True)
class Sample:
    """Several fresh-process runs of one command: the median and the spread."""

    seconds: tuple[float, ...]
    peak_rss_mb: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rss(self) -> float:
        return statistics.median(self.peak_rss_mb)

    @property
    def runs(self) -> int:
        return len(self.seconds)


@dataclass
class Contents:
    """What one .ics file holds, for comparing our feed with yaml2ics's."""

    events: int = 0
    timezones: tuple[str, ...] = ()
    descriptions: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    calendar_properties: tuple[str, ...] = ()
    dtstamps: int = 0
    size: int = 0
    reproducible: bool | None = None


@dataclass
class BuildSize:
    sessions: int
    file_bytes: int
    kinds: str
    load: Sample | None = None
    feed: Sample | None = None
    icalendar: Sample | None = None
    """The same feed with every event built and serialized by icalendar."""
    listing: Sample | None = None
    build: Sample | None = None
    history_first: Sample | None = None
    history_again: Sample | None = None
    feed_bytes: int = 0
    yaml2ics: Sample | None = None
    yaml2ics_error: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ServeCase:
    server: str
    case: str
    rate: Rate | None = None
    error: str = ""


@dataclass
class ProxyCheck:
    hit_before_edit: bool = False
    served_from_cache_after_edit: bool = False
    upstream_new_after_s: float = 0.0
    max_age: int = 0
    cache_lifetime: int | None = None
    note: str = ""


@dataclass
class ServeSize:
    sessions: int
    feed_bytes: int = 0
    cases: list[ServeCase] = field(default_factory=list)
    server_rss_mb: float = 0.0
    server_header: str = ""
    proxy: ProxyCheck | None = None
    errors: list[str] = field(default_factory=list)

    def rate(self, server: str, case: str) -> Rate | None:
        return next(
            (c.rate for c in self.cases if c.server == server and c.case == case and c.rate), None
        )


@dataclass
class EditToLive:
    label: str
    sessions: int
    mode: str
    first_seconds: list[float] = field(default_factory=list)
    all_seconds: list[float] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class ProfileEntry:
    """One function in a pyinstrument profile: time of its own, and including its callees."""

    function: str
    location: str
    self_seconds: float
    total_seconds: float


@dataclass
class Profile:
    """One command run once under pyinstrument: its top functions by self time."""

    label: str
    wall_seconds: float = 0.0
    """The profiled process from start to exit (the profiler slows it down)."""
    profiled_seconds: float = 0.0
    """What pyinstrument recorded, from before the first import to the end of the command."""
    unprofiled_seconds: float | None = None
    """The median of the same kind of command without the profiler, from the same run."""
    entries: list[ProfileEntry] = field(default_factory=list)
    error: str = ""


@dataclass
class Results:
    command: str
    quick: bool
    started: str = ""
    finished: str = ""
    machine: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    load_average: list[str] = field(default_factory=list)
    imports: Sample | None = None
    shipped_build: Sample | None = None
    nothing_to_do: Sample | None = None
    shipped_edit: Sample | None = None
    """The shipped file rebuilt with the build cache after one title edit (issue 15)."""
    """The shipped file built again into the same folder with nothing changed (issue 15)."""
    one_edit: Sample | None = None
    """The largest schedule rebuilt with the build cache after one title edit (issue 15)."""
    one_edit_no_cache: Sample | None = None
    """The same kind of edit rebuilt with ``--no-cache``: everything rendered again."""
    one_edit_history: Sample | None = None
    """The same kind of edit rebuilt with the cache and the revision history (the default)."""
    one_edit_sessions: int = 0
    cache_flags: bool = False
    """Whether ``calendar-feed build`` took ``--cache``/``--no-cache`` in this run."""
    profiles: list[Profile] = field(default_factory=list)
    shipped_sessions: int = 0
    builds: list[BuildSize] = field(default_factory=list)
    contents: dict[str, Contents] = field(default_factory=dict)
    contents_sessions: int = 0
    serves: list[ServeSize] = field(default_factory=list)
    edits: list[EditToLive] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def all_errors(self) -> list[str]:
        found = list(self.errors)
        for build in self.builds:
            found += [f"build {build.sessions}: {e}" for e in build.errors]
        for serve in self.serves:
            found += [f"serve {serve.sessions}: {e}" for e in serve.errors]
            found += [
                f"serve {serve.sessions} {c.server} {c.case}: {c.error}"
                for c in serve.cases
                if c.error
            ]
        found += [f"edit-to-live {e.label} {e.mode}: {e.error}" for e in self.edits if e.error]
        found += [f"profile {p.label}: {p.error}" for p in self.profiles if p.error]
        return found
