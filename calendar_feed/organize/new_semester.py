"""The next term's events.yaml: the series carried over, every weekly slot open, holidays off.

Organizers used to retype sixteen to eighteen dates and look up the holidays each
term. The series keeps its ``calendar.id`` (so subscribers keep one calendar and
no UID collides: UIDs carry the date), the semester label moves on, official
holidays come from the ``holidays`` package for any ISO country code, and the
seminar's own days off are given with ``--skip``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import ValidationError
from ..fields import calendar_data
from ..model import Schedule, Series
from ..source.validation import Loaded, load_schedule_bytes
from ..source.vocabulary import WEEKDAYS
from ..source.writer import dump_events


class TermError(ValueError):
    """The options cannot make a term (end before start, unknown country code)."""


@dataclasses.dataclass(frozen=True)
class Skip:
    """A date without a session and why (a holiday's name or the seminar's own reason)."""

    date: dt.date
    reason: str


@dataclasses.dataclass(frozen=True)
class NewTerm:
    """The new file's text, the schedule it validates to, and what to tell the organizer."""

    text: str
    loaded: Loaded
    semester: str
    cancelled: tuple[Skip, ...]
    warnings: tuple[str, ...]


def parse_skip(value: str) -> Skip:
    """``2025-04-02:清明节`` (or just the date) -> Skip; ValueError names the problem."""
    day, _, reason = value.partition(":")
    try:
        date = dt.date.fromisoformat(day.strip())
    except ValueError:
        raise ValueError(f"{value!r}: expected YYYY-MM-DD or YYYY-MM-DD:reason") from None
    return Skip(date, reason.strip())


def weekday_number(name: str) -> int:
    """'wed', 'Wednesday' -> 2; ValueError for anything else."""
    wanted = name.strip().lower()
    matches = [i for i, day in enumerate(WEEKDAYS) if len(wanted) >= 3 and day.startswith(wanted)]
    if len(matches) != 1:
        raise ValueError(f"{name!r} is not a weekday (mon, tue, wed, …)")
    return matches[0]


def semester_label(start: dt.date, previous: str = "", language: str = "zh") -> str:
    """'2025春' / '2025秋' (or 'Spring 2025' / 'Autumn 2025' for a series written in English).

    A term starting from February to July is a spring term; August to January an
    autumn one (a January start belongs to the autumn of the year before).
    """
    spring = 2 <= start.month <= 7
    year = start.year if start.month != 1 else start.year - 1
    chinese = bool(re.search("[春秋夏冬]", previous)) or (not previous and language == "zh")
    if chinese:
        return f"{year}{'春' if spring else '秋'}"
    return f"{'Spring' if spring else 'Autumn'} {year}"


def archive_name(schedule: Schedule, stem: str = "events") -> str:
    """``events-2024-autumn.yaml``: where the old term is kept, named after its semester."""
    label = schedule.series.semester
    found = re.search(r"(\d{4})\s*([春秋夏冬])", label) or re.search(
        r"(spring|summer|autumn|fall|winter)\s*(\d{4})", label, re.IGNORECASE
    )
    seasons = {"春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter", "fall": "autumn"}
    if found and found.group(1).isdigit():
        year, season = found.group(1), seasons[found.group(2)]
    elif found:
        year, season = found.group(2), seasons.get(found.group(1).lower(), found.group(1).lower())
    else:
        first = schedule.first_date or dt.date.today()
        return f"{stem}-{first:%Y-%m}.yaml"
    return f"{stem}-{year}-{season}.yaml"


def official_holidays(country: str, years: Iterable[int], language: str) -> dict[dt.date, str]:
    """Public holidays (and China's substituted days off) by date, named in the series' language."""
    import holidays  # only this command needs it

    try:
        probe = holidays.country_holidays(country.upper(), years=[])
    except NotImplementedError:
        raise TermError(
            f"the holidays package knows no country {country!r}; use an ISO 3166 code "
            "such as CN, US, DE, GB"
        ) from None
    supported = getattr(probe, "supported_languages", ()) or ()
    chosen = next((tag for tag in supported if tag.split("_")[0] == language), None)
    table = holidays.country_holidays(country.upper(), years=list(years), language=chosen)
    return {day: str(name) for day, name in table.items()}


def weekly_slots(start: dt.date, end: dt.date, weekday: int) -> list[dt.date]:
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    count = (end - first).days // 7 + 1 if first <= end else 0
    return [first + dt.timedelta(weeks=n) for n in range(count)]


def new_term(
    current: Loaded,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    weekday: int | None = None,
    country: str | None = None,
    skips: Sequence[Skip] = (),
    semester: str = "",
    source_name: str = "events.yaml",
) -> NewTerm:
    """The next term from the current file's series; raise TermError when there is none."""
    series = current.schedule.series
    if end < start:
        raise TermError(f"--end {end} is before --start {start}; nothing written")
    day = weekday if weekday is not None else series.weekday
    day = start.weekday() if day is None else day
    slots = weekly_slots(start, end, day)
    if not slots:
        raise TermError(f"no {WEEKDAYS[day].title()} from {start} to {end}; nothing written")
    off: dict[dt.date, str] = {}
    if country:
        off |= official_holidays(country, range(start.year, end.year + 1), series.language)
    off |= {skip.date: skip.reason for skip in skips}
    label = semester or semester_label(start, series.semester, series.language)
    cancelled = tuple(Skip(d, off[d]) for d in slots if d in off)
    data = {
        "calendar": _calendar_data(series, label),
        "defaults": _usual_timing(current.schedule),
        "sessions": [_session_data(d, off) for d in slots],
    }
    origin = f"The {label} term, written by `calendar-feed new-semester` from {source_name}."
    text = dump_events(data, origin)
    try:
        loaded = load_schedule_bytes(text.encode("utf-8"), "the new term")
    except ValidationError as error:  # a bug here, not the organizer's: say so plainly
        raise TermError(f"the new term does not validate: {error}") from None
    warnings = _warnings(current.schedule, slots, start, today)
    on = set(slots)
    warnings += [_not_a_slot(skip.date, day, start, end) for skip in skips if skip.date not in on]
    return NewTerm(text, loaded, label, cancelled, tuple(warnings))


def _warnings(
    schedule: Schedule, slots: list[dt.date], start: dt.date, today: dt.date
) -> list[str]:
    warnings = []
    if start < today:
        warnings.append(f"--start {start} is in the past (today is {today})")
    held = {s.date for s in schedule.sessions}
    for day in slots:
        if day in held:
            warnings.append(f"{day} is already in the current file; the new term has it as well")
    return warnings


def _not_a_slot(date: dt.date, weekday: int, start: dt.date, end: dt.date) -> str:
    """A --skip date the term has no session on: said, so a wrong date is not lost quietly."""
    return (
        f"--skip {date} ({date:%A}) is not a session of the new term (every "
        f"{WEEKDAYS[weekday].title()} from {start} to {end}); nothing cancelled that day"
    )


def _calendar_data(series: Series, semester: str) -> dict[str, Any]:
    """The series as events.yaml writes it; the label (also in the description) moves on."""
    data = calendar_data(series)
    if series.semester and series.description:
        data["description"] = series.description.replace(series.semester, semester)
    data["semester"] = semester
    return data


def _usual_timing(schedule: Schedule) -> dict[str, Any]:
    """The most common start, end and place of the current term: the new ``defaults``."""
    sessions = schedule.sessions

    def common(values: Iterable[str]) -> str:
        return Counter(values).most_common(1)[0][0]

    return {
        "start": common(f"{s.start:%H:%M}" for s in sessions),
        "end": common(f"{s.end:%H:%M}" for s in sessions),
        "location": common(s.location for s in sessions),
    }


def _session_data(day: dt.date, off: dict[dt.date, str]) -> dict[str, Any]:
    if day not in off:
        return {"date": day}
    return {"date": day, "status": "cancelled", "reason": off[day]}
