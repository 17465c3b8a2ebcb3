"""Every file of the department's site in memory, for ``build`` to write and ``serve`` to send."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from ..errors import Position, Problem
from ..history import Release
from ..render.atom import ATOM_FILE, render_atom
from ..render.ical import render_session
from ..render.json_export import render_json, schedule_data
from ..render.listing import STYLESHEET, stylesheet
from ..urls import FEED_FILE, JSON_FILE, session_file
from .feeds import TAGS_DIR, TALKS_FILE, FeedQuery, query_for_path, render_query
from .merge import Department
from .pages import department_page, embed_page, series_page, term_page

EMBED_FILE = "embed.html"
FEED_WARNING_BYTES = 900 * 1024
"""Google Calendar stops importing a subscribed feed at about 1 MB."""


def feed_paths(department: Department) -> list[str]:
    """Every feed the static site offers, so static hosting gives the server's choices."""
    paths = [FEED_FILE, TALKS_FILE, *(f"{TAGS_DIR}/{tag}.ics" for tag in department.tags)]
    for group in department.groups:
        paths.append(f"{group.id}/{FEED_FILE}")
        paths.extend(f"{group.id}/{term.slug}/{FEED_FILE}" for term in group.terms)
    return paths


def render_department(
    department: Department,
    releases: Mapping[str, Release],
    today: dt.date,
    *,
    pages: bool = True,
) -> dict[str, bytes]:
    """Relative path -> content; ``pages`` False leaves out the HTML (the server's own)."""
    files: dict[str, bytes] = {STYLESHEET: stylesheet()}
    if pages:
        files |= render_pages(department, today)
    for path in feed_paths(department):
        query = query_for_path(department, path)
        assert query is not None
        files[path] = render_query(department, releases, query, today)
    files[JSON_FILE] = department_json(department)
    for group in department.groups:
        release = releases.get(group.id) or Release(group.schedule)
        files[f"{group.id}/{JSON_FILE}"] = render_json(group.schedule)
        files[f"{group.id}/{ATOM_FILE}"] = render_atom(group.series, release.announcements)
        for session in group.schedule.sessions:
            body = render_session(group.schedule, session, release.revisions)
            files[f"{group.id}/{session_file(session)}"] = body
    return files


def render_pages(
    department: Department, today: dt.date, problems: tuple[Problem, ...] = ()
) -> dict[str, bytes]:
    files = {
        "index.html": department_page(department, today, problems=problems),
        EMBED_FILE: embed_page(department, today),
    }
    for group in department.groups:
        files[f"{group.id}/index.html"] = series_page(department, group, today, problems)
        for term in group.terms:
            files[f"{group.id}/{term.slug}/index.html"] = term_page(department, group, term)
    return {path: text.encode("utf-8") for path, text in files.items()}


def department_json(department: Department) -> bytes:
    """Every series and session; each session says which series it belongs to."""
    series, sessions = [], []
    for group in department.groups:
        data = schedule_data(group.schedule)
        data["calendar"]["terms"] = [
            {"slug": t.slug, "label": t.label, "feed": f"{group.id}/{t.slug}/{FEED_FILE}"}
            for t in group.terms
        ]
        data["calendar"]["feed"] = f"{group.id}/{FEED_FILE}"
        series.append(data["calendar"])
        for item, session in zip(data["sessions"], group.schedule.sessions, strict=True):
            item["series"] = group.id
            item["ics"] = f"{group.id}/{item['ics']}"
            item["tags"] = list(group.series.session_tags(session))
            sessions.append(item)
    sessions.sort(key=lambda s: (s["start"], s["series"], s["id"]))
    site = {"name": department.config.name, "base_url": department.config.base_url or None}
    text = json.dumps(
        {"site": site, "series": series, "sessions": sessions}, ensure_ascii=False, indent=2
    )
    return (text + "\n").encode("utf-8")


def size_warnings(files: Mapping[str, bytes], out: str = "") -> list[Problem]:
    """A warning for each feed past 900 KB, which Google Calendar may stop importing."""
    warnings = []
    for path, body in sorted(files.items()):
        if path.endswith(".ics") and len(body) > FEED_WARNING_BYTES:
            warnings.append(
                Problem(
                    Position(f"{out}{path}"),
                    "",
                    f"feed is {len(body) / 1024:,.0f} KB; Google Calendar stops importing "
                    "subscribed feeds above about 1 MB: set `feed_window:` in the site file",
                    "warning",
                )
            )
    return warnings


__all__ = ["EMBED_FILE", "FeedQuery", "render_department", "size_warnings"]
