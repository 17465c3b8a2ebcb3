"""Schedule -> the seminar's Markdown page, in the layout of the hand-kept original.

The old site keeps working while organizers move: it is fed this page instead
of a hand-edited one. Whatever the exporter writes, importing/markdown_page.py reads back
into the same schedule; unshown() names what the page has no place for.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Schedule, Series, Session
from .format import (
    ABSTRACT_LABEL,
    BIO_LABEL,
    DETAILS_RULE,
    FOOTER_RULE,
    INDENT,
    ITEM,
    LINKS_LABEL,
    MAINTAINER_LEAD,
    NOTE_LABEL,
    SCHEDULE_LEAD,
    SCHEDULE_SUFFIX,
    SUMMARY,
    TITLE_LABEL,
    next_year,
    organizers_clause,
    semester_year,
    short_date,
)
from .hidden import hidden_block, session_timing, usual_timing


def render_markdown(schedule: Schedule) -> str:
    """The whole page, ending in a newline."""
    series = schedule.series
    blocks = [f"# {series.name}"]
    if series.local_name:
        blocks.append(f"## {series.local_name}{SCHEDULE_SUFFIX}")
    blocks.extend(_introduction(series))
    blocks.append(SCHEDULE_LEAD)
    blocks.append("\n".join(_items(schedule)))
    if series.maintainer:
        blocks.append(f"{FOOTER_RULE}\n{MAINTAINER_LEAD}{series.maintainer}")
    blocks.append(hidden_block(schedule))
    return "\n\n".join(block.rstrip("\n") for block in blocks) + "\n"


def unshown(schedule: Schedule) -> list[str]:
    """What readers of the page will not see, so ``export-markdown`` can say so.

    Session ids, times, rooms and the semester still travel in the page's hidden
    comment block, so import-markdown restores them; only the page's readers miss them.
    """
    series = schedule.series
    notes = []
    if series.semester and series.semester not in series.description:
        notes.append(
            f'calendar.semester "{series.semester}" is not in calendar.description, '
            "so the page does not show it"
        )
    usual = usual_timing(schedule)
    for session in schedule.sessions:
        if session_timing(session) != usual:
            notes.append(
                f"{session.key}: its time or room differs from the other sessions; "
                "the page shows neither"
            )
    return notes


def _introduction(series: Series) -> list[str]:
    """The description's paragraphs, the organizers sentence joined to the first one."""
    paragraphs = series.description.split("\n\n") if series.description else []
    if series.organizers:
        clause = organizers_clause(series.organizers)
        first = paragraphs[0] if paragraphs else ""
        if first.endswith("。"):
            first = f"{first.removesuffix('。')}，{clause}"
        else:
            first = f"{first} {clause}" if first else clause
        paragraphs[:1] = [first]
    return paragraphs


def _items(schedule: Schedule) -> Iterator[str]:
    """One ``1. Sep 11`` item per session, bodies indented, a blank line after each body."""
    year = semester_year(schedule.series.semester)
    previous_month: int | None = None
    for session in schedule.sessions:
        day = session.date
        expected = next_year(year, previous_month, day.month) if year is not None else None
        date = short_date(day, with_year=expected != day.year)
        year, previous_month = day.year, day.month
        if session.is_cancelled:
            line = f"{ITEM}~~{date}~~" + (f" ({session.reason})" if session.reason else "")
        else:
            line = f"{ITEM}{date}"
        body = _body(session)
        if body:
            yield f"{line}\n\n" + "\n".join(_indent(body)) + "\n"
        else:
            yield line


def _body(session: Session) -> list[str]:
    lines: list[str] = []
    if session.speaker:
        who = f"**{session.speaker}**"
        lines += [f"{who}, {session.affiliation}" if session.affiliation else who, ""]
    if session.title:
        lines += [f"{TITLE_LABEL}{session.title}", ""]
    sections = [
        (ABSTRACT_LABEL, session.abstract),
        (BIO_LABEL, session.bio),
        (LINKS_LABEL, "\n".join(f"[{link.label}]({link.url})" for link in session.links)),
        (NOTE_LABEL, session.note),
    ]
    shown = [(label, text) for label, text in sections if text]
    if shown:
        lines += ["<details>", f"<summary>{SUMMARY}</summary>", ""]
        for label, text in shown:
            lines += [f"<b>{label}</b>:", "", text, ""]
        lines += [DETAILS_RULE, "</details>"]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _indent(lines: list[str]) -> Iterator[str]:
    for line in "\n".join(lines).split("\n"):
        yield f"{INDENT}{line}" if line else ""
