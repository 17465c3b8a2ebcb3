"""The department's HTML: its page, each series' page, each term's archive, the embed.

Times are written in each series' zone, as on a single series' page; a small
inline script, allowed by its CSP hash, adds the viewer's own time where their
zone differs, and the site's copy.js shows the Copy button beside a feed URL, as on
a single series' page. Without JavaScript each page is complete.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..errors import Problem
from ..model import Series, Session
from ..render.links import google_event_link, subscribe_links, volunteer_links
from ..render.listing import zone_label
from ..render.templating import environment, render_with_items, rendered_items
from ..texts import speaker_line
from ..urls import session_anchor, session_file
from .budget import SIZE_BUDGET_BYTES, fit

if TYPE_CHECKING:  # the site's outputs are upstream of its loading (reserved names)
    from .merge import SeriesGroup, Site, Term

EMBED_FILE = "embed.html"
UPCOMING_LIMIT = 200
"""Sessions listed on the department's and a series' page; the rest are in the feeds."""
EMBED_LIMIT = 15
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self' {script}; "
    "base-uri 'none'; form-action 'none'"
)


@cache
def viewer_script() -> str:
    """The viewer-zone script, inlined into every department page."""
    return files("calendar_feed").joinpath("static", "viewer-zone.js").read_text("utf-8")


@cache
def script_hash() -> str:
    """CSP source allowing exactly that script: 'sha256-…'."""
    digest = hashlib.sha256(viewer_script().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_policy(frame_ancestors: Sequence[str] = ()) -> str:
    """The Content-Security-Policy of a department page; framing only where allowed."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return PAGE_POLICY.format(script=script_hash()) + f"; frame-ancestors {ancestors}"


def _common(department: Site, root: str, problems: Sequence[Problem]) -> dict[str, Any]:
    first = department.groups[0].series if department.groups else None
    return {
        "site": department.config,
        "root": root,
        "language": first.language if first else "en",
        "page_language": first.language if first else "en",  # session.html marks others
        "meta_csp": PAGE_POLICY.format(script=script_hash()),  # meta ignores frame-ancestors
        "viewer_script": Markup(viewer_script()),
        "problems": problems,
        "zone_label": zone_label,
        "session_anchor": session_anchor,
        "speaker_line": speaker_line,
        "target": "",
        "link_root": root,
        "viewer_zone": True,  # session.html marks times for the viewer-zone script
    }


def upcoming_items(department: Site, today: dt.date) -> list[tuple[Series, Session]]:
    items = [
        (group.series, session)
        for group in department.groups
        for session in group.schedule.sessions
        if session.date >= today
    ]
    return sorted(items, key=lambda pair: (pair[1].start, pair[0].id, pair[1].key))


def department_page(
    department: Site,
    today: dt.date,
    *,
    live: bool = False,
    problems: Sequence[Problem] = (),
    budget: int = SIZE_BUDGET_BYTES,
) -> bytes:
    """The department's page: its series, and the upcoming sessions of all, as many as
    UPCOMING_LIMIT and the byte budget allow (the nearest first)."""
    upcoming = upcoming_items(department, today)
    config = department.config
    head = Series(id="department", name=config.name, base_url=config.base_url)
    template = environment().get_template("department.html")

    def page(shown: Sequence[tuple[Series, Session]]) -> bytes:
        return template.render(
            **_common(department, "", problems),
            groups=department.groups,
            tags=department.tags,
            upcoming=shown,
            upcoming_total=len(upcoming),
            subscribe=subscribe_links(config.base_url, head),
            live=live,
        ).encode("utf-8")

    return fit(upcoming[:UPCOMING_LIMIT], lambda pair: pair[1].date, today, page, budget)


def embed_page(department: Site, today: dt.date, budget: int = SIZE_BUDGET_BYTES) -> bytes:
    """The compact list other pages frame: the next EMBED_LIMIT sessions, within the budget."""
    context = _common(department, "", ())
    context |= {"target": "_blank", "link_root": department.config.base_url}
    template = environment().get_template(EMBED_FILE)

    def page(shown: Sequence[tuple[Series, Session]]) -> bytes:
        return template.render(**context, upcoming=shown).encode("utf-8")

    upcoming = upcoming_items(department, today)[:EMBED_LIMIT]
    return fit(upcoming, lambda pair: pair[1].date, today, page, budget)


def series_page(
    department: Site,
    group: SeriesGroup,
    today: dt.date,
    problems: Sequence[Problem] = (),
    budget: int = SIZE_BUDGET_BYTES,
) -> bytes:
    """A series' page on a department site: its upcoming sessions, as many as
    UPCOMING_LIMIT and the byte budget allow (the nearest first), and its terms."""
    series = group.series
    upcoming = [s for s in group.schedule.sessions if s.date >= today]
    template = environment().get_template("series.html")

    def page(shown: Sequence[Session]) -> bytes:
        return template.render(
            **_common(department, "../", problems) | _own_language(series),
            **_session_helpers(series, session_file),
            series=series,
            upcoming=shown,
            upcoming_total=len(upcoming),
            next_session=next((s for s in upcoming if s.is_talk), None),
            terms=group.terms[::-1],
            subscribe=subscribe_links(series.base_url, series),
        ).encode("utf-8")

    return fit(upcoming[:UPCOMING_LIMIT], lambda session: session.date, today, page, budget)


class Archives:
    """The archive pages of a site's series: one per term, except that a year of a long
    single series whose page would pass the byte budget gets one page per month instead.

    Worked out when first asked, once per build (or live version); the pages measured
    on the way are kept for the build to write rather than rendered again.
    """

    def __init__(self, department: Site, budget: int) -> None:
        self.department = department
        self.budget = budget
        self._terms: dict[str, tuple[Term, ...]] = {}
        self._pages: dict[tuple[str, str], bytes] = {}

    def terms(self, group: SeriesGroup) -> tuple[Term, ...]:
        """``group``'s archive pages, oldest first."""
        if group.id not in self._terms:
            self._terms[group.id] = tuple(self._split(group))
        return self._terms[group.id]

    def page(self, group: SeriesGroup, term: Term) -> bytes:
        """The archive page of ``term``."""
        made = self._pages.pop((group.id, term.slug), None)
        return made or term_page(self.department, group, term).encode("utf-8")

    def _split(self, group: SeriesGroup) -> Iterator[Term]:
        if not self.department.one_series:  # a department's terms are its files
            yield from group.terms
            return
        for year in group.terms:
            # Each session's item is rendered once: the year's page and, when that is too
            # large, its months' pages are put together from the same items.
            sessions = year.schedule.sessions
            made = term_items(self.department, group, sessions)
            items = {id(s): item for s, item in zip(sessions, made, strict=True)}
            page = term_page(self.department, group, year, list(items.values())).encode()
            periods = (year,) if len(page) <= self.budget else year.months
            for term in periods:
                if term is not year:
                    held = [items[id(s)] for s in term.schedule.sessions]
                    page = term_page(self.department, group, term, held).encode()
                self._pages[group.id, term.slug] = page
                yield term


def term_items(department: Site, group: SeriesGroup, sessions: Sequence[Session]) -> list[str]:
    """The archive page's item for each of ``sessions``: what session.html writes there."""
    return rendered_items("session.html", sessions, _term_context(department, group), ("term",))


def term_page(
    department: Site, group: SeriesGroup, term: Term, items: Sequence[str] | None = None
) -> str:
    """The archive page of ``term``; ``items`` are its sessions' (see term_items), if made."""
    made = term_items(department, group, term.schedule.sessions) if items is None else items
    context = _term_context(department, group)
    return render_with_items("term.html", {"session_items": list(made)}, **context, term=term)


def _term_context(department: Site, group: SeriesGroup) -> dict[str, Any]:
    series = group.series
    return {
        **_common(department, "../" if department.one_series else "../../", ()),
        **_own_language(series),
        **_session_helpers(series, lambda s: "../" + session_file(s)),
        "series": series,
        "next_session": None,
    }


def _own_language(series: Series) -> dict[str, str]:
    """A series' own pages are in its language, whatever the department's first one is."""
    return {"language": series.language, "page_language": series.language}


def _session_helpers(series: Series, file_of: Callable[[Session], str]) -> dict[str, Any]:
    """What session.html (the single series' session template) needs."""
    return {
        "session_file": file_of,
        "google_link": lambda s: google_event_link(series, s),
        "volunteer": lambda s: volunteer_links(series, s),
    }
