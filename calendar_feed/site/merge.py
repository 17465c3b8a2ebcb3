"""A site loaded: its series, each with its terms joined into one schedule.

A site file lists events files; files with the same ``calendar.id`` are terms of
one series: their sessions are merged, and a session key (the date, or the
explicit id) used in two of them is an error naming both files, because the two
events would share one UID. An events file is a site of its one series.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import zones
from ..errors import Problem, ValidationError
from ..history import history_path_for
from ..limits import DEFAULT_FEED_WINDOW_DAYS
from ..model import Schedule, Series, Session
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS, Loaded, load_schedule, load_schedule_bytes
from ..urls import normalize_base_url
from .site_file import EventsBytes, SeriesFile, SiteConfig, read_site_config

_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Term:
    """One events file of a series: a semester, with its own archive page and feed."""

    slug: str
    """Folder name under the series: the file's name without .yaml."""
    file: Path
    schedule: Schedule

    @property
    def label(self) -> str:
        return self.schedule.series.semester or self.slug

    @cached_property
    def months(self) -> tuple[Term, ...]:
        """This term's sessions month by month ("2025-03"): the archive pages of a long
        single series' year whose page would pass the byte budget. Made once: each
        month's page and feed looks its month up here."""
        return _periods(self.schedule, self.file, lambda day: f"{day:%Y-%m}")


@dataclass(frozen=True)
class SeriesGroup:
    """A series of the department: its terms and their sessions merged in time order."""

    schedule: Schedule
    terms: tuple[Term, ...]
    loaded: Loaded
    """The merged schedule as a Loaded, for the revision history (releasing())."""
    feed_window: int
    """Days of past sessions the bounded outputs keep (see Series.feed_window)."""
    history_file: Path

    @property
    def series(self) -> Series:
        return self.schedule.series

    @property
    def id(self) -> str:
        return self.schedule.series.id

    def term(self, slug: str) -> Term:
        """The term named ``slug``, or the month ("2025-03") of a long single series' year
        that has an archive page of its own (see site.pages.Archives)."""
        terms = {term.slug: term for term in self.terms}
        if slug in terms:
            return terms[slug]
        return next(month for month in terms[slug[:4]].months if month.slug == slug)

    def kept_since(self, today: dt.date) -> dt.date:
        """The first day whose sessions the feed, page and events.json keep: the window
        counts back from today, or from the last session when a pause makes it earlier."""
        last = self.schedule.sessions[-1].date if self.schedule.sessions else today
        return min(today, last) - dt.timedelta(days=self.feed_window)

    def window_moves(self, today: dt.date) -> bool:
        """Whether a later day will drop a session that this day keeps."""
        sessions = self.schedule.sessions
        if not sessions or today >= sessions[-1].date:
            return False
        return sessions[0].end.date() < sessions[-1].date - dt.timedelta(days=self.feed_window)

    def on_page(self, today: dt.date) -> tuple[Session, ...]:
        """What the listing and poster show: the feed's window, and as far ahead."""
        until = today + dt.timedelta(days=self.feed_window)
        return tuple(s for s in self.kept(self.schedule.sessions, today) if s.date <= until)

    def kept(self, sessions: Sequence[Session], today: dt.date) -> tuple[Session, ...]:
        """``sessions`` without those before the window: what the bounded outputs hold."""
        since = self.kept_since(today)
        return tuple(s for s in sessions if s.end.date() >= since)


def today_in(timezone: str) -> dt.date:
    """'Today' where a seminar happens, which decides what is upcoming and what is past."""
    return dt.datetime.now(zones.zone(timezone)).date()


HistoryFiles = Path | bool | None
"""Where revision histories are: True beside each series' events files, a path for the
one series of an events file, None or False for none (a plain snapshot)."""


def history_file(group: SeriesGroup, history: HistoryFiles) -> Path | None:
    """The revision history ``group`` is published against, if any."""
    if history is None or history is False:
        return None
    return group.history_file if history is True else history


@dataclass(frozen=True)
class Site:
    """Every series a build publishes, and the settings of the site around them."""

    config: SiteConfig
    groups: tuple[SeriesGroup, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def one_series(self) -> bool:
        """Made from an events file: the series' files are the site's."""
        return self.config.one_series

    def today(self) -> dt.date:
        """Today where the first series meets: what is upcoming and what is past."""
        return today_in(self.groups[0].series.timezone if self.groups else "UTC")

    def group(self, series_id: str) -> SeriesGroup | None:
        return next((g for g in self.groups if g.id == series_id), None)

    @cached_property  # asked per feed request; frozen dataclasses allow it (no __slots__)
    def tags(self) -> tuple[str, ...]:
        found = {
            t for g in self.groups for s in g.schedule.sessions for t in g.series.session_tags(s)
        }
        return tuple(sorted(found))


def assemble(config: SiteConfig, loaded: Mapping[Path, Loaded]) -> tuple[Site, list[Problem]]:
    """Join the files loaded so far into series; errors name the file that clashes.

    A file whose sessions clash with an earlier term is left out (and reported),
    so the live server can keep serving everything else. A site of one series is
    its one file.
    """
    if config.one_series:
        (one,) = loaded.values()
        return series_site(config, one), []
    from ..render.outputs import RESERVED_IDS  # the renderers, not for validating one series

    problems: list[Problem] = []
    by_id: dict[str, list[tuple[SeriesFile, Loaded]]] = {}
    for entry in config.files:
        if entry.path not in loaded:
            continue
        one = loaded[entry.path]
        series_id = one.schedule.series.id
        if series_id in RESERVED_IDS:
            problems.append(_reserved(entry, one))
            continue
        clash = _clash(one, by_id.get(series_id, []))
        if clash:
            problems.extend(clash)
            continue
        by_id.setdefault(series_id, []).append((entry, one))
    warnings = [w for _, one in _all(by_id) for w in one.warnings]
    groups = tuple(_group(config, members) for members in by_id.values())
    return Site(config, groups, tuple(warnings)), problems


def load_site(
    source: str | Path | EventsBytes,
    base_url: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    cache: MutableMapping[bytes, Any] | None = None,
) -> Site:
    """The site ``source`` describes, every file loaded; ValidationError lists every problem.

    ``base_url`` (if given) replaces the site's: calendar.base_url of a single events
    file, site.base_url of a site file (each series then lives in its folder below).
    ``cache`` lends the loader sessions checked before.
    """
    config = read_site_config(source, max_bytes)
    url = normalize_base_url(base_url)
    if url:
        config = dataclasses.replace(config, base_url=url)
    limits = {"max_bytes": max_bytes, "max_sessions": max_sessions}
    # An events file is read as it was named (its problems name it so), a site file's as listed.
    sources = {config.files[0].path: source} if config.one_series else {}
    loaded: dict[Path, Loaded] = {}
    problems: list[Problem] = []
    for entry in config.files:  # each file's problems, none stops the others
        try:
            loaded[entry.path] = _load(sources.get(entry.path, entry.path), limits, cache)
        except ValidationError as error:
            problems.extend(error.problems)
    site, clashes = assemble(config, loaded) if loaded else (None, [])
    problems.extend(clashes)
    if site is None or any(p.severity == "error" for p in problems):
        raise ValidationError(problems)
    return site


def _load(
    source: str | Path | EventsBytes,
    limits: dict[str, int],
    cache: MutableMapping[bytes, Any] | None,
) -> Loaded:
    if cache is not None:
        from ..source.chunks import load_cached  # reuses sessions checked before

        if isinstance(source, EventsBytes):
            return load_cached(source.data, source.name, **limits, cache=cache)
        return load_cached(source, **limits, cache=cache)
    if isinstance(source, EventsBytes):
        return load_schedule_bytes(source.data, source.name, **limits)
    return load_schedule(source, **limits)


def series_site(config: SiteConfig, loaded: Loaded) -> Site:
    """The site of one series: named and placed as its series is (``config.base_url``, as
    --base-url sets it, replaces the series' own)."""
    if config.base_url:
        series = dataclasses.replace(loaded.schedule.series, base_url=config.base_url)
        schedule = dataclasses.replace(loaded.schedule, series=series)
        loaded = dataclasses.replace(loaded, schedule=schedule)
    series = loaded.schedule.series
    config = dataclasses.replace(config, name=series.name, base_url=series.base_url)
    window = _window(series, config)
    group = SeriesGroup(
        schedule=loaded.schedule,
        terms=_years(loaded.schedule, config.path, window),
        loaded=loaded,
        feed_window=window,
        history_file=history_path_for(config.path),
    )
    return Site(config, (group,), loaded.warnings)


def _years(schedule: Schedule, path: Path, window: int) -> tuple[Term, ...]:
    """A single series longer than its feed window: a term per year, for archive pages
    as a department series' terms have (a series that fits its window has none)."""
    sessions = schedule.sessions
    if not sessions or sessions[-1].date - sessions[0].date <= dt.timedelta(days=window):
        return ()
    return _periods(schedule, path, lambda day: str(day.year))


def _periods(schedule: Schedule, path: Path, name: Callable[[dt.date], str]) -> tuple[Term, ...]:
    """``schedule``'s sessions as terms named ``name(day)`` (a year, a month), in order."""
    periods: dict[str, list[Session]] = {}
    for session in schedule.sessions:
        periods.setdefault(name(session.date), []).append(session)
    return tuple(
        Term(slug, path, Schedule(dataclasses.replace(schedule.series, semester=slug), tuple(held)))
        for slug, held in periods.items()
    )


def _all(by_id: Mapping[str, list[tuple[SeriesFile, Loaded]]]) -> list[tuple[SeriesFile, Loaded]]:
    return [member for members in by_id.values() for member in members]


def _reserved(entry: SeriesFile, one: Loaded) -> Problem:
    """At the site file's line that lists the file: the id is wrong only on this site."""
    from ..render.outputs import RESERVED_IDS

    names = ", ".join(sorted(RESERVED_IDS))
    return Problem(
        entry.position,
        "calendar.id",
        f'"{one.schedule.series.id}" (in {entry.path}) is a name the site uses itself at its '
        f"top ({names}); each series' files are in a folder named after its id: choose another",
    )


def _clash(one: Loaded, earlier: Sequence[tuple[SeriesFile, Loaded]]) -> list[Problem]:
    """A session key of ``one`` already used by an earlier term of the same series."""
    problems = []
    for _, other in earlier:
        for key in sorted(set(one.locations) & set(other.locations)):
            path, position = one.locations[key]
            _, first = other.locations[key]
            problems.append(
                Problem(
                    position,
                    path,
                    f'"{key}" is also a session of series "{one.schedule.series.id}" in '
                    f"{first} (another term of the same series); give one of them an `id:`",
                )
            )
    return problems


def _group(config: SiteConfig, members: list[tuple[SeriesFile, Loaded]]) -> SeriesGroup:
    ordered = sorted(members, key=lambda m: (m[1].schedule.first_date, str(m[0].path)))
    newest = ordered[-1][1].schedule.series
    series_id = newest.id
    base = f"{config.base_url}{series_id}/" if config.base_url else newest.base_url
    series = dataclasses.replace(newest, base_url=base)
    terms = []
    slugs: set[str] = set()
    for entry, one in ordered:
        slug = _slug(entry.path, slugs)
        term_series = dataclasses.replace(one.schedule.series, base_url=base)
        terms.append(Term(slug, entry.path, dataclasses.replace(one.schedule, series=term_series)))
    sessions = sorted(
        (s for term in terms for s in term.schedule.sessions), key=lambda s: (s.start, s.key)
    )
    schedule = Schedule(series, tuple(sessions))
    locations = {k: v for _, one in ordered for k, v in one.locations.items()}
    windows = [entry.feed_window for entry, _ in ordered if entry.feed_window]
    # One file: its own history, as a stand-alone build keeps it; terms: one for the series.
    first_file = ordered[0][0].path
    named = first_file if len(ordered) == 1 else first_file.with_name(f"{series_id}.yaml")
    history = history_path_for(named)
    return SeriesGroup(
        schedule=schedule,
        terms=tuple(terms),
        loaded=Loaded(schedule, (), locations),
        feed_window=min(windows) if windows else _window(series, config),
        history_file=history,
    )


def _window(series: Series, config: SiteConfig) -> int:
    """A series' own feed_window, else its site file's, else a year."""
    return series.feed_window or config.feed_window or DEFAULT_FEED_WINDOW_DAYS


def _slug(path: Path, taken: set[str]) -> str:
    base = _SLUG_RE.sub("-", path.stem).strip("-.") or "term"
    if base == "events":  # the folder of the per-session .ics files
        base = "archive"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug
