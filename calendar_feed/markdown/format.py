"""The wording and layout of the seminar's Markdown page, shared by import and export.

Both directions read their fixed phrases from here, so what the exporter writes
is exactly what the importer recognises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SCHEDULE_SUFFIX = "日程表"
SCHEDULE_LEAD = "本学期日程如下："
TITLE_LABEL = "题目："
SUMMARY = "具体信息"
ABSTRACT_LABEL = "摘要"
BIO_LABEL = "报告人信息"
NOTE_LABEL = "备注"
LINKS_LABEL = "链接"
DETAILS_RULE = "-------"
FOOTER_RULE = "-----"
MAINTAINER_LEAD = "This webpage is maintained by "
ORGANIZERS_LEAD = "本学期由"
ORGANIZERS_TAIL = "同学负责。"
ITEM = "1. "
INDENT = "    "

RULE_RE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
"""A Markdown thematic break: the rule inside a talk's details and above the footer."""
SEMESTER_RE = re.compile(
    r"(?P<year>\d{4})\s*(?:秋|春|夏|冬)季?(?:学期)?"
    r"|(?:Spring|Summer|Fall|Autumn|Winter)\s+(?P<year2>\d{4})",
    re.IGNORECASE,
)


def semester_year(label: str) -> int | None:
    """The calendar year a semester label like 2024秋 or Spring 2025 starts in."""
    match = SEMESTER_RE.search(label)
    if not match:
        return None
    return int(match["year"] or match["year2"])


def next_year(year: int, previous_month: int | None, month: int) -> int:
    """Year of the next listed date: a big step back in months (Dec -> Jan) is a new year.

    A small step back (a date listed out of order) keeps the year.
    """
    if previous_month is not None and month <= previous_month - 6:
        return year + 1
    return year


def short_date(day: dt.date, with_year: bool = False) -> str:
    """``Sep 11`` as the page writes it (no leading zero, English month, locale-proof)."""
    text = f"{MONTHS[day.month - 1]} {day.day}"
    return f"{text}, {day.year}" if with_year else text


def organizers_clause(names: Sequence[str]) -> str:
    """``本学期由**A**和**B**同学负责。`` with 、 between all but the last two names."""
    bold = [f"**{name}**" for name in names]
    joined = bold[0] if len(bold) == 1 else "、".join(bold[:-1]) + "和" + bold[-1]
    return f"{ORGANIZERS_LEAD}{joined}{ORGANIZERS_TAIL}"
