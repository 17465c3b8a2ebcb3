"""The term on one printed A4 page, for the notice board: poster.html and poster.css.

Every date of the schedule with its speaker and title (or that it is cancelled
or still open), the series' name in both languages, and the subscribe QR code
and URL. Long titles are clamped to two lines and long terms get a denser
layout, so the page stays one sheet (the browser test prints it to PDF).
"""

from __future__ import annotations

from collections import Counter
from importlib.resources import files

from ..model import Schedule, Session
from ..texts import speaker_line, zh_day
from ..urls import FEED_FILE
from .listing import PageContext, zone_label
from .templating import render_with_items, rendered_items

POSTER_FILE = "poster.html"
POSTER_STYLESHEET = "poster.css"
DENSE_FROM = 15
"""Sessions from which rows get smaller type; DENSER_FROM: smaller still, one line each."""
DENSER_FROM = 25


def render_poster(schedule: Schedule, context: PageContext) -> str:
    series = schedule.series
    site_url = series.base_url or context.site_url
    sessions = schedule.sessions
    density = (
        "denser" if len(sessions) >= DENSER_FROM else "dense" if len(sessions) >= DENSE_FROM else ""
    )
    row = {"series": series, "day_label": day_label, "speaker_line": speaker_line}
    return render_with_items(
        POSTER_FILE,
        {"rows": rendered_items("poster_row.html", sessions, row)},
        series=series,
        density=density,
        usual=_usual(sessions),
        feed=site_url + FEED_FILE if site_url else "",
        site_url=site_url,
        qr_svg=context.qr_svg,
        stylesheet=POSTER_STYLESHEET,
    )


def day_label(session: Session, chinese: bool) -> str:
    day = session.date
    return zh_day(day) if chinese else f"{day:%a %d %b}"


def _usual(sessions: tuple[Session, ...]) -> str:
    """'12:00–13:30 Beijing time (UTC+8) · Room 101': the slot most sessions share."""
    if not sessions:
        return ""
    # Counted as numbers, formatted once: strftime for every session of a large schedule
    # was a tenth of the rebuild after an edit.
    slots = Counter(
        (s.start.hour, s.start.minute, s.end.hour, s.end.minute, s.location) for s in sessions
    )
    (start_h, start_m, end_h, end_m, place), _ = slots.most_common(1)[0]
    time = f"{start_h:02d}:{start_m:02d}–{end_h:02d}:{end_m:02d}"
    zone = zone_label(sessions[0])
    return f"{time} {zone}" + (f" · {place}" if place else "")


def poster_stylesheet() -> bytes:
    return files("calendar_feed").joinpath("static", POSTER_STYLESHEET).read_bytes()
