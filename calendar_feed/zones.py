"""Time in a seminar's zone: every wall time becomes an instant here, and nowhere else.

zoneinfo makes every conversion (the feed, JSON, links, pages, announcements and
the server all read the aware datetimes made here): it follows a zone's POSIX rule
past 2037, where pytz stops knowing DST, and has no local-mean-time trap for 1901,
where pytz's ``localize`` gave Shanghai +08:06. The VTIMEZONE a feed carries needs
the zone's exact clock changes, which zoneinfo does not list: they are read from the
same TZif file zoneinfo reads (RFC 8536), its transitions and, after the last one,
the POSIX TZ string of its footer. Nothing is sampled, so a change that holds for a
few weeks (Casablanca's Ramadan) is never stepped over.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import struct
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

UTC = dt.UTC


class WallTimeError(ValueError):
    """A wall time that names no single instant in its zone, or one calendars cannot write.

    The message says what is wrong with the time; ``advice`` what to do instead.
    """

    def __init__(self, problem: str, advice: str = "choose another time"):
        super().__init__(problem)
        self.advice = advice


@dataclass(frozen=True)
class Offset:
    """What a zone's clocks say during one period: UTC offset, DST or not, abbreviation."""

    utcoffset: dt.timedelta
    is_dst: bool
    name: str


@dataclass(frozen=True)
class Transition:
    """A clock change: at ``instant`` (UTC) the zone goes from ``before`` to ``after``."""

    instant: dt.datetime
    before: Offset
    after: Offset

    @property
    def wall_before(self) -> dt.datetime:
        """The instant as the clocks still showed it (RFC 5545's observance DTSTART)."""
        return (self.instant + self.before.utcoffset).replace(tzinfo=None)


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name`` (zoneinfo keeps one object per name)."""
    return zoneinfo.ZoneInfo(name)


def localize(naive: dt.datetime, name: str) -> dt.datetime:
    """``naive`` as read on the clocks of zone ``name``; WallTimeError if it names no
    single instant (skipped or repeated by a clock change) or its offset is not a whole
    minute (local mean time, which neither ISO 8601 nor HTML nor JavaScript can write)."""
    tz = zone(name)
    aware = naive.replace(tzinfo=tz)
    offset = aware.utcoffset()
    assert offset is not None
    if aware.replace(fold=1).utcoffset() != offset:
        back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise WallTimeError("does not exist (the clocks skip it)")
        raise WallTimeError("happens twice (the clocks go back)")
    if offset % dt.timedelta(minutes=1):
        raise WallTimeError(
            f"is in local mean time ({offset_label(aware)})",
            "calendars cannot write an offset with seconds; "
            f"choose a date from {_whole_minutes_from(name, aware)} on",
        )
    return aware


def _whole_minutes_from(name: str, moment: dt.datetime) -> dt.date:
    """The first whole day after ``moment`` whose clocks keep an offset of whole minutes."""
    later = transitions(name, moment, moment + dt.timedelta(days=366 * 100))
    change = next(c for c in later if not c.after.utcoffset % dt.timedelta(minutes=1))
    wall = (change.instant + change.after.utcoffset).replace(tzinfo=None)
    return wall.date() + dt.timedelta(days=wall.time() != dt.time())


def offset_label(moment: dt.datetime) -> str:
    """'UTC+8', 'UTC-3:30', 'UTC+5:45': the offset of an aware time, as a page shows it
    (with seconds only for local mean time, which localize refuses)."""
    seconds = int((moment.utcoffset() or dt.timedelta()).total_seconds())
    sign = "+" if seconds >= 0 else "-"
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    tail = f":{minutes:02d}" if minutes or rest else ""
    return f"UTC{sign}{hours}{tail}" + (f":{rest:02d}" if rest else "")


def midnight(day: dt.date, name: str) -> dt.datetime:
    """The first instant of ``day`` in zone ``name`` (a day may start at 01:00 when
    the clocks skip midnight)."""
    tz = zone(name)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return start.astimezone(UTC).astimezone(tz)


def offset_at(name: str, instant: dt.datetime) -> Offset:
    """The zone's offset, DST flag and abbreviation in force at ``instant``."""
    return _offset_at(_zone_data(name), int(instant.timestamp()))


def transitions(name: str, start: dt.datetime, stop: dt.datetime) -> list[Transition]:
    """Every clock change with ``start`` < instant <= ``stop``, from the zone's own data.

    A change of abbreviation or DST flag alone counts too: it starts a new
    observance in a VTIMEZONE, even when the offset stays.
    """
    data = _zone_data(name)
    low, high = int(start.timestamp()), int(stop.timestamp())
    times = data.times
    first, last = bisect.bisect_right(times, low), bisect.bisect_right(times, high)
    found = [(times[i], data.offsets[data.kinds[i]]) for i in range(first, last)]
    if data.rule is not None and (not times or times[-1] < high):
        after = max(low, times[-1]) if times else low
        for moment, offset in data.rule.changes(_year(after) - 1, _year(high) + 1):
            if after < moment <= high:
                found.append((moment, offset))
    result: list[Transition] = []
    current = _offset_at(data, low)
    for moment, offset in found:
        if offset != current:
            instant = dt.datetime.fromtimestamp(moment, UTC)
            result.append(Transition(instant, current, offset))
            current = offset
    return result


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE: the clock changes with the same
    offsets and name, by the wall time each happened at, read in ``offset_from``."""

    offset_from: dt.timedelta
    offset: Offset
    walls: tuple[dt.datetime, ...]


def observances(name: str, first: dt.date, last: dt.date) -> list[Observance] | None:
    """The zone from midnight of ``first`` to midnight of ``last`` as VTIMEZONE parts:
    the offset in force at the start, then every clock change in the range, exactly;
    None for a zone zoneinfo does not know."""
    try:
        start, stop = midnight(first, name), midnight(last, name)
    except zoneinfo.ZoneInfoNotFoundError:
        return None
    opening = offset_at(name, start)
    walls: dict[tuple[dt.timedelta, Offset], list[dt.datetime]] = {
        (opening.utcoffset, opening): [start.replace(tzinfo=None)]
    }
    for change in transitions(name, start, stop):
        walls.setdefault((change.before.utcoffset, change.after), []).append(change.wall_before)
    return [Observance(before, after, tuple(held)) for (before, after), held in walls.items()]


def data_digest(name: str) -> bytes:
    """A digest of the zone data that conversions and VTIMEZONEs of ``name`` come from,
    for caches: a new tzdata release may move a clock change."""
    return _zone_data(name).digest


# -- the TZif file (RFC 8536) -----------------------------------------------------


@dataclass(frozen=True)
class _ZoneData:
    """A TZif file's transitions and rule, as tzdata ships it for the zone."""

    times: tuple[int, ...]
    """Transition instants (Unix seconds), ascending."""
    kinds: tuple[int, ...]
    """Index into ``offsets`` of the period each transition starts."""
    offsets: tuple[Offset, ...]
    before: Offset
    """In force before the first transition (zoneinfo's choice: the first standard type)."""
    rule: _PosixRule | None
    """The footer's rule: in force after the last transition (or always, without any)."""
    digest: bytes = b""


def _offset_at(data: _ZoneData, moment: int) -> Offset:
    """The offset in force at Unix time ``moment`` (a period starts at its transition)."""
    times = data.times
    if data.rule is not None and (not times or moment > times[-1]):
        return data.rule.offset_at(moment)
    index = bisect.bisect_right(times, moment)
    return data.offsets[data.kinds[index - 1]] if index else data.before


def _year(seconds: int) -> int:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds)).year


def known(name: str) -> bool:
    """Whether zoneinfo has a zone called ``name`` (it reads the system's zone files,
    else the tzdata package, which pytz's list may not match to the release)."""
    try:
        zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_file_path(name: str) -> str | None:
    """The system zone file zoneinfo reads for ``name``: the first on zoneinfo.TZPATH,
    as zoneinfo searches; None when it comes from the tzdata package instead."""
    if name.startswith("/") or ".." in name.split("/") or "\\" in name:
        raise zoneinfo.ZoneInfoNotFoundError(name)
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            return path
    return None


def _zone_file(name: str) -> bytes:
    """The TZif bytes zoneinfo reads for ``name``."""
    path = zone_file_path(name)
    if path is not None:
        with open(path, "rb") as file:
            return file.read()
    import importlib.resources

    package, _, resource = f"tzdata.zoneinfo.{name.replace('/', '.')}".rpartition(".")
    try:
        return importlib.resources.files(package).joinpath(resource).read_bytes()
    except (ImportError, OSError) as error:
        raise zoneinfo.ZoneInfoNotFoundError(name) from error


@lru_cache(maxsize=64)
def _zone_data(name: str) -> _ZoneData:
    data = _zone_file(name)
    if data[:4] != b"TZif":
        raise zoneinfo.ZoneInfoNotFoundError(name)
    digest = hashlib.blake2b(data, digest_size=16).digest()
    version = data[4]
    counts = struct.unpack(">6l", data[20:44])
    end = 44 + _block_size(counts, 4)
    if version == 0:  # version 1: 32-bit times and no footer
        return _read_block(data[44:end], counts, 4, None, digest)
    second = data[end:]
    counts = struct.unpack(">6l", second[20:44])
    stop = 44 + _block_size(counts, 8)
    footer = second[stop:].split(b"\n")
    rule = _PosixRule.parse(footer[1].decode("ascii")) if len(footer) > 1 and footer[1] else None
    return _read_block(second[44:stop], counts, 8, rule, digest)


def _block_size(counts: tuple[int, ...], width: int) -> int:
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    return (
        timecnt * width
        + timecnt
        + typecnt * 6
        + charcnt
        + leapcnt * (width + 4)
        + isstdcnt
        + isutcnt
    )


def _read_block(
    block: bytes, counts: tuple[int, ...], width: int, rule: _PosixRule | None, digest: bytes
) -> _ZoneData:
    _, _, _, timecnt, typecnt, charcnt = counts
    times = struct.unpack(f">{timecnt}{'q' if width == 8 else 'l'}", block[: timecnt * width])
    at = timecnt * width
    kinds = tuple(block[at : at + timecnt])
    at += timecnt
    types = [struct.unpack(">lBB", block[at + 6 * i : at + 6 * i + 6]) for i in range(typecnt)]
    at += typecnt * 6
    names = block[at : at + charcnt]
    offsets = tuple(
        Offset(
            dt.timedelta(seconds=utoff),
            bool(isdst),
            names[index : names.index(b"\0", index)].decode("ascii"),
        )
        for utoff, isdst, index in types
    )
    standard = [offset for offset in offsets if not offset.is_dst]
    return _ZoneData(tuple(times), kinds, offsets, (standard or list(offsets))[0], rule, digest)


# -- the footer's POSIX TZ string -------------------------------------------------

_NAME = r"(?:<([^>]*)>|([A-Za-z]+))"
_TIME = r"([+-]?\d{1,3}(?::\d{1,2}){0,2})"
_POSIX = re.compile(
    rf"{_NAME}{_TIME}(?:{_NAME}{_TIME}?(?:,([^,/]+)(?:/{_TIME})?,([^,/]+)(?:/{_TIME})?)?)?"
)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


@dataclass(frozen=True)
class _PosixRule:
    """A POSIX TZ string (POSIX.1 8.3, with RFC 8536's extensions): standard time, and
    optionally DST between two dates each year."""

    standard: Offset
    daylight: Offset | None
    start: str = ""
    start_time: int = 7200
    end: str = ""
    end_time: int = 7200

    @classmethod
    def parse(cls, text: str) -> _PosixRule:
        match = _POSIX.fullmatch(text)
        if match is None:
            raise ValueError(f"unreadable TZ string {text!r}")
        std_name = match[1] if match[1] is not None else match[2]
        standard = Offset(dt.timedelta(seconds=-_seconds(match[3])), False, std_name)
        if match[4] is None and match[5] is None:
            return cls(standard, None)
        daylight = Offset(
            dt.timedelta(seconds=-_seconds(match[6])) if match[6] else standard.utcoffset + _HOUR,
            True,
            match[4] if match[4] is not None else match[5],
        )
        return cls(
            standard,
            daylight,
            match[7] or "M3.2.0",
            _seconds(match[8]) if match[8] else 7200,
            match[9] or "M11.1.0",
            _seconds(match[10]) if match[10] else 7200,
        )

    def changes(self, first_year: int, last_year: int) -> list[tuple[int, Offset]]:
        """Each year's changes, ascending: (Unix time, offset from then on)."""
        if self.daylight is None:
            return []
        found = []
        for year in range(first_year, last_year + 1):
            # The start is read in standard time, the end in daylight time.
            start = _rule_day(self.start, year) + dt.timedelta(seconds=self.start_time)
            end = _rule_day(self.end, year) + dt.timedelta(seconds=self.end_time)
            found.append((_unix(start - self.standard.utcoffset), self.daylight))
            found.append((_unix(end - self.daylight.utcoffset), self.standard))
        found.sort(key=lambda pair: pair[0])
        # DST all year is written as an end that meets the next start: drop both.
        kept: list[tuple[int, Offset]] = []
        for moment, offset in found:
            if kept and kept[-1][0] == moment:
                kept.pop()
            else:
                kept.append((moment, offset))
        return kept

    def offset_at(self, moment: int) -> Offset:
        year = _year(moment)
        current = self.standard
        for time, offset in self.changes(year - 1, year):
            if time <= moment:
                current = offset
        return current


_HOUR = dt.timedelta(hours=1)
_EPOCH = dt.datetime(1970, 1, 1)


def _unix(naive_utc: dt.datetime) -> int:
    return int((naive_utc - _EPOCH).total_seconds())


def _rule_day(rule: str, year: int) -> dt.datetime:
    """Midnight of the day a POSIX rule names in ``year`` (Jn, n or Mm.w.d)."""
    if rule.startswith("M"):
        month, week, weekday = (int(part) for part in rule[1:].split("."))
        first = dt.datetime(year, month, 1)
        # POSIX weekdays count from Sunday = 0; Python's from Monday = 0.
        day = first + dt.timedelta(days=(weekday - (first.weekday() + 1)) % 7 + 7 * (week - 1))
        while day.month != month:  # week 5: the last such weekday of the month
            day -= dt.timedelta(days=7)
        return day
    if rule.startswith("J"):  # 1..365, February 29 never counted
        number = int(rule[1:])
        leap = number >= 60 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return dt.datetime(year, 1, 1) + dt.timedelta(days=number - 1 + leap)
    return dt.datetime(year, 1, 1) + dt.timedelta(days=int(rule))
