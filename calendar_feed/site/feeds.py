"""Which sessions a department feed holds (series, tag, term, window) and its bytes.

Every feed of the site, static or live, is a FeedQuery: the static build writes a
fixed set of them (per series, per tag, talks only, per term), the live server
narrows the query of the requested path with ``?series=``, ``?tag=`` and the
subscriber options of a single series' feed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..history import Release
from ..identity import Revision
from ..model import Series, Session
from ..render.ical import FeedOptions, render_mixed
from .budget import fit

if TYPE_CHECKING:  # the site's outputs are upstream of its loading (reserved names)
    from .merge import SeriesGroup, Site

TAGS_DIR = "tags"
TALKS_FILE = "talks.ics"


@dataclass(frozen=True)
class FeedQuery:
    """Which sessions a feed holds: every feed, static or live, is one of these."""

    series: frozenset[str] | None = None
    """Series ids to include; None for all."""
    tags: frozenset[str] = frozenset()
    """Tags a session must all have (its own or its series')."""
    term: str | None = None
    """A term's slug: that term's sessions only, complete (its archive feed)."""
    options: FeedOptions = FeedOptions()  # noqa: RUF009  (frozen, so one shared default is safe)
    windowed: bool = True
    """Subscription feeds keep only the series' feed_window of past sessions; archive
    feeds (the series' archive.ics, a term's calendar.ics) keep every session."""

    def narrowed(
        self, series: frozenset[str] | None, tag: str | None, options: FeedOptions
    ) -> FeedQuery:
        """This feed further filtered by a subscriber's query string."""
        chosen = (
            self.series if series is None else (series & self.series if self.series else series)
        )
        both = FeedOptions(
            self.options.include_open and options.include_open,
            self.options.include_cancelled and options.include_cancelled,
            options.alarm_minutes,
        )
        tags = self.tags | {tag} if tag else self.tags
        return dataclasses.replace(self, series=chosen, tags=frozenset(tags), options=both)


def select(
    department: Site, releases: Mapping[str, Release], query: FeedQuery, today: dt.date
) -> list[tuple[Series, Session]]:
    """The (series, session) pairs of a feed, in time order."""
    chosen: list[tuple[Series, Session]] = []
    for group in department.groups:
        if query.series is not None and group.id not in query.series:
            continue
        series = group.series
        for session in _sessions(group, releases.get(group.id), query, today):
            if query.tags <= set(series.session_tags(session)):
                chosen.append((series, session))
    chosen.sort(key=lambda pair: (pair[1].start, pair[0].id, pair[1].key))
    return chosen


def _sessions(
    group: SeriesGroup, release: Release | None, query: FeedQuery, today: dt.date
) -> tuple[Session, ...]:
    if query.term is not None:
        return group.term(query.term).schedule.sessions
    sessions = (*group.schedule.sessions, *(release.removed if release else ()))
    return group.kept(sessions, today) if query.windowed else sessions


def render_query(
    department: Site,
    releases: Mapping[str, Release],
    query: FeedQuery,
    today: dt.date,
    budget: int,
) -> bytes:
    """The feed's bytes; a windowed feed keeps within ``budget`` (see site.budget)."""
    chosen = select(department, releases, query, today)
    items = [pair for pair in chosen if query.options.wants(pair[1])]
    revisions: dict[str, Revision] = {}
    for release in releases.values():
        revisions.update(release.revisions)
    head = feed_head(department, query)

    def render(chosen: Sequence[tuple[Series, Session]]) -> bytes:
        return render_mixed(head, chosen, query.options, revisions)

    if not query.windowed:  # an archive keeps every session, whatever its size
        return render(items)
    return fit(items, lambda pair: pair[1].date, today, render, budget)


def feed_head(department: Site, query: FeedQuery) -> Series:
    """What the calendar is called in apps: the series, its term, or the department."""
    only = (
        department.group(next(iter(query.series)))
        if query.series and len(query.series) == 1
        else None
    )
    if only is not None and not query.tags:
        if query.term is None:  # an archive feed is not the one subscribed: no SOURCE
            return only.series if query.windowed else dataclasses.replace(only.series, base_url="")
        term = only.term(query.term)
        return dataclasses.replace(
            term.schedule.series, name=f"{only.series.name} ({term.label})", base_url=""
        )
    config = department.config
    zone = department.groups[0].series.timezone if department.groups else "UTC"
    name = config.name + "".join(f" · {tag}" for tag in sorted(query.tags))
    whole = query == FeedQuery()
    return Series(
        id="department",
        name=name,
        timezone=zone,
        base_url=config.base_url if whole else "",
        refresh_hours=min((g.series.refresh_hours for g in department.groups), default=12),
    )
