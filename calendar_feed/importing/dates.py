"""Dates as people write them: ``Sep. 4``, ``4 Sep``, ``9月4日``, ``2024/9/4``, ``09-12``.

Reading is in two steps. ``read_date`` finds what one piece of text says (the
numbers, what is certain about their order, a weekday if named); ``DateOrder``
then decides the order of day and month for a whole column at once, from the
dates that can only be read one way and from the weekdays written beside them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..markdown.format import semester_year

MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + r")"
_WEEKDAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5,
    "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_ZH_WEEKDAYS = "一二三四五六日"
_WEEKDAY_RE = re.compile(
    r"(?<![A-Za-z])(?P<en>" + "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True)) + r")"
    r"(?![A-Za-z])\.?|(?:周|星期|礼拜)(?P<zh>[一二三四五六日天])|[（(](?P<zh2>[一二三四五六日])[)）]",
    re.IGNORECASE,
)
_END = r"(?![\d:])"
_PATTERNS = (
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
               r"(?:\s*[日号])?" + _END),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
    re.compile(_MONTH + r"\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)(?!\s*[:]\d)"
               r"(?:\s*,?\s*(?P<y>\d{4})(?!\d))?", re.IGNORECASE),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:<sup>\w*</sup>)?[\s\-]*(?:of\s+)?"
               + _MONTH + r"(?![A-Za-z])\.?(?:[\s,\-]*(?P<y>\d{4}|\d{2})(?![\d:]))?",
               re.IGNORECASE),
    re.compile(r"(?<![\d.])(?P<a>\d{1,2})\s*[/.\-]\s*(?P<b>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4}|\d{2})"
               + _END),
)  # fmt: skip
_PAIR_RE = re.compile(r"^(?P<a>\d{1,2})\s*[/.\-]\s*(?P<b>\d{1,2})(?![\d/.\-])(?!:\d)")
"""Two numbers without a year (``09-12``, ``9/4``): a date only at the start of the text."""


@dataclass(frozen=True)
class Written:
    """What one piece of text says of a date, before the column decides day/month order."""

    year: int | None
    month: int
    day: int
    swappable: bool
    """The two numbers may be month/day (as read) or day/month: ``4/9/2024``."""
    weekday: int | None
    start: int
    end: int
    forced: str = ""
    """``mdy`` or ``dmy`` when the numbers could only be read one way (``4/22/2020``)."""
    """Where the date is in the text, so the rest can be read as the talk."""

    def candidates(self, order: str) -> tuple[int, int]:
        """(month, day) in the given order (``mdy`` or ``dmy``)."""
        if self.swappable and order == "dmy":
            return self.day, self.month
        return self.month, self.day


def read_date(text: str) -> Written | None:
    """The first date written in ``text`` (a weekday beside it is kept), or None."""
    best: re.Match[str] | None = None
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    lead = _WEEKDAY_RE.match(text.strip(" *_")) is not None
    if best is None or (best.start() > 0 and not _only_lead(text[: best.start()])):
        pair = _PAIR_RE.match(_strip_lead(text))
        if pair:
            offset = len(text) - len(_strip_lead(text))
            return _written(None, int(pair["a"]), int(pair["b"]), True, text,
                            offset + pair.start(), offset + pair.end())  # fmt: skip
        if best is None or (not lead and best.start() > 40):
            return None
    groups = best.groupdict()
    year = _year(groups.get("y"))
    if groups.get("mon"):
        month, day, swappable = MONTH_NAMES[groups["mon"].lower()], int(groups["d"]), False
    elif groups.get("a"):
        month, day, swappable = int(groups["a"]), int(groups["b"]), True
    else:
        month, day, swappable = int(groups["m"]), int(groups["d"]), False
    return _written(year, month, day, swappable, text, best.start(), best.end())


def _written(
    year: int | None, month: int, day: int, swappable: bool, text: str, start: int, end: int
) -> Written | None:
    forced = ""
    if swappable and month > 12 and day <= 12:
        month, day, swappable, forced = day, month, False, "dmy"  # only day/month reads it
    elif swappable and day > 12:
        swappable, forced = False, "mdy"  # only month/day reads it
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    weekday = _weekday(text[: end + 16])
    return Written(year, month, day, swappable, weekday, start, end, forced)


def _strip_lead(text: str) -> str:
    """Text without a leading weekday, markup and punctuation (``**Mon**, 09-12``)."""
    stripped = text.lstrip(" *_~[(")
    match = _WEEKDAY_RE.match(stripped)
    if match:
        stripped = stripped[match.end() :].lstrip(" ,.*_")
    return stripped


def _only_lead(text: str) -> bool:
    """True when what comes before the date is only a weekday, markup or punctuation."""
    return not _strip_lead(text).strip(" ,.:;*_~[(")


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _weekday(text: str) -> int | None:
    match = _WEEKDAY_RE.search(text)
    if not match:
        return None
    if match["en"]:
        return _WEEKDAY_WORDS[match["en"].lower()]
    zh = match["zh"] or match["zh2"]
    return 6 if zh == "天" else _ZH_WEEKDAYS.index(zh)


def date_order(dates: Sequence[Written], years: Sequence[int | None]) -> str | None:
    """``mdy`` or ``dmy`` for a column of dates, or None when nothing tells them apart.

    A date only one order can read decides (``25/9`` is day first); else the
    weekdays written beside the dates; else the order that puts the dates on one
    weekday, as a weekly seminar's are. ``years`` gives each date's year if known.
    """
    if not any(d.swappable for d in dates):
        return "mdy"
    forced = {d.forced for d in dates if d.forced}
    if len(forced) == 1:
        return forced.pop()
    if forced:
        return None  # both orders are written: the column itself is inconsistent
    scores: dict[str, int] = {}
    regular: dict[str, float] = {}
    for order in ("mdy", "dmy"):
        days = [_date(d, y, order) for d, y in zip(dates, years, strict=True)]
        scores[order] = sum(
            1 for d, day in zip(dates, days, strict=True) if day and d.weekday == day.weekday()
        ) - sum(
            1
            for d, day in zip(dates, days, strict=True)
            if day and d.weekday is not None and d.weekday != day.weekday()
        )
        weekdays = Counter(day.weekday() for day in days if day)
        total = sum(weekdays.values())
        regular[order] = weekdays.most_common(1)[0][1] / total if total else 0.0
    if scores["mdy"] != scores["dmy"]:
        return max(scores, key=lambda k: scores[k])
    if regular["mdy"] >= 0.8 > regular["dmy"] + 0.2:
        return "mdy"
    if regular["dmy"] >= 0.8 > regular["mdy"] + 0.2:
        return "dmy"
    return None


def _date(written: Written, year: int | None, order: str) -> dt.date | None:
    if year is None:
        return None
    month, day = written.candidates(order)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_OTHER_YEAR_RE = re.compile(
    r"(?:spring|summer|fall|autumn|winter)\s+(?:term|quarter|semester)\s+(?P<y1>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)\s*[-–/]\s*(?:19|20)\d\d(?!\d)"
    r"|^\W*(?P<y3>(?:19|20)\d\d)\W*$",
    re.IGNORECASE,
)
"""Year labels besides semesters: ``fall quarter 2015``, ``2023-2024``, a heading ``2020``."""


def year_mark(text: str) -> int | None:
    """The calendar year a semester label (as the exporter reads it) or year heading starts in."""
    year = semester_year(text)
    if year is not None:
        return year
    match = _OTHER_YEAR_RE.search(text)
    return int(next(g for g in match.groups() if g)) if match else None
