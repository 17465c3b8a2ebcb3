"""A cached load gives exactly what an uncached load gives, and does reuse the cache.

Every case loads the same bytes three ways (no cache, an empty cache, the cache a
previous load filled) and compares the whole result: the schedule, the warnings in
order and the locations, or for an invalid file the exact list of problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgpack
import pytest

from calendar_feed.errors import ValidationError
from calendar_feed.source.chunks import load_cached
from calendar_feed.source.validation import load_schedule, load_schedule_bytes
from tests.helpers import session_of

COUNT = 240
"""Sessions in the generated file: enough that the loader cuts it into chunks."""
HEADER = """\
# A generated schedule for the cache tests.
calendar:
  id: cache-test
  name: Cache Test Seminar
  timezone: Asia/Shanghai
  weekday: wednesday

defaults:
  start: "12:00"
  end: "13:30"
  location: Room 101

sessions:
"""


def session(index: int, day: str | None = None) -> str:
    """One session's text; every fourth is cancelled, the rest are talks with an abstract."""
    day = day or _wednesday(index)
    if index % 4 == 3:
        return f'  - date: {day}\n    id: s{index}\n    status: cancelled\n    reason: "holiday"\n'
    return (
        f"  - date: {day}\n"
        f"    id: s{index}\n"
        f"    speaker: Speaker {index}\n"
        f'    title: "Talk number {index}"\n'
        "    abstract: |\n"
        f"      First paragraph of talk {index}.\n"
        "\n"
        "      Second paragraph: - not an item, # not a comment.\n"
        f"    tags: [t{index % 5}, all]\n"
    )


def _wednesday(index: int) -> str:
    import datetime as dt

    return (dt.date(2024, 9, 11) + dt.timedelta(weeks=index)).isoformat()


def schedule(sessions: list[str], header: str = HEADER) -> bytes:
    return (header + "".join(sessions)).encode()


BASE = [session(i) for i in range(COUNT)]


class CountingCache(dict[bytes, Any]):
    """A cache that counts the lookups that found something."""

    def __init__(self) -> None:
        super().__init__()
        self.hits = 0

    def get(self, key: bytes, default: Any = None) -> Any:
        assert isinstance(key, bytes)
        value = super().get(key, default)
        self.hits += value is not None
        return value


def outcome(data: bytes, cache: CountingCache | None = None) -> tuple[str, Any]:
    try:
        if cache is None:
            return "ok", load_schedule_bytes(data, "events.yaml")
        return "ok", load_cached(data, "events.yaml", cache=cache)
    except ValidationError as error:
        return "invalid", error.problems


def same_three_ways(data: bytes, cache: CountingCache) -> tuple[str, Any]:
    """Load without a cache, with an empty one and with ``cache``; all three must agree."""
    plain = outcome(data)
    assert outcome(data, CountingCache()) == plain
    assert repr(outcome(data, cache)) == repr(plain)
    return plain


@pytest.fixture
def warm() -> CountingCache:
    """A cache filled by loading the base file, with its hit count reset."""
    cache = CountingCache()
    assert outcome(schedule(BASE), cache)[0] == "ok"
    cache.hits = 0
    return cache


def test_an_unchanged_file_is_read_from_the_cache(warm):
    result = same_three_ways(schedule(BASE), warm)
    assert result[0] == "ok"
    assert len(result[1].schedule.sessions) == COUNT
    assert warm.hits == COUNT


def edited_title(sessions: list[str]) -> list[str]:
    edited = list(sessions)
    edited[100] = edited[100].replace("Talk number 100", "A better title")
    return edited


def inserted(sessions: list[str]) -> list[str]:
    return [*sessions[:50], session(COUNT, "2023-01-04"), *sessions[50:]]


def deleted(sessions: list[str]) -> list[str]:
    return sessions[:10] + sessions[11:]


def swapped(sessions: list[str]) -> list[str]:
    result = list(sessions)
    result[5], result[200] = result[200], result[5]
    return result


@pytest.mark.parametrize(
    ("change", "reused"),
    [
        (edited_title, COUNT - 1),
        (inserted, COUNT),
        (deleted, COUNT - 1),
        (swapped, COUNT),
        (lambda s: s[::-1], COUNT),
    ],
    ids=["title-edited", "inserted", "deleted", "swapped", "reversed"],
)
def test_an_edit_reads_only_what_changed(
    warm: CountingCache, change: Callable[[list[str]], list[str]], reused: int
):
    changed = change(BASE)
    result = same_three_ways(schedule(changed), warm)
    assert result[0] == "ok"
    assert len(result[1].schedule.sessions) == len(changed)
    assert warm.hits == reused


@pytest.mark.parametrize(
    ("old", "new", "seen"),
    [
        ("location: Room 101", "location: Room 202", lambda s: s.location == "Room 202"),
        ("Asia/Shanghai", "Europe/Berlin", lambda s: s.start.tzinfo.key == "Europe/Berlin"),
    ],
    ids=["default-location", "timezone"],
)
def test_a_header_change_that_changes_every_session_reuses_nothing(warm, old, new, seen):
    result = same_three_ways(schedule(BASE, HEADER.replace(old, new)), warm)
    assert result[0] == "ok"
    assert all(seen(s) for s in result[1].schedule.sessions if not s.is_cancelled)
    assert warm.hits == 0


def test_a_header_change_that_no_session_reads_keeps_the_cache(warm):
    result = same_three_ways(schedule(BASE, HEADER.replace("Cache Test", "Renamed")), warm)
    assert result[1].schedule.series.name == "Renamed Seminar"
    assert warm.hits == COUNT


def test_an_error_gives_the_same_problems_and_fixing_it_reuses_the_cache(warm):
    broken = list(BASE)
    broken[120] = broken[120].replace("date: ", "date: 2024-02-30  # was ", 1)
    broken[6] = broken[6].replace("    tags:", "    bogus: 1\n    tags:")
    kind, problems = same_three_ways(schedule(broken), warm)
    assert kind == "invalid"
    assert [p.path for p in problems] == ["sessions[6].bogus", "sessions[120].date"]
    warm.hits = 0
    assert same_three_ways(schedule(BASE), warm)[0] == "ok"
    assert warm.hits == COUNT


def test_a_duplicate_id_across_chunks_is_reported_as_without_a_cache(warm):
    duplicated = list(BASE)
    duplicated[150] = duplicated[150].replace("id: s150", "id: s20")
    kind, problems = same_three_ways(schedule(duplicated), warm)
    assert kind == "invalid"
    assert [p.path for p in problems] == ["sessions[150].id"]
    assert "already used by sessions[20]" in problems[0].message


def test_warnings_come_in_the_same_order(warm):
    odd = list(BASE)
    odd[30] = session(30, "2025-04-10")  # a Thursday
    odd[60] = odd[60].replace("    tags:", '    reason: "not cancelled"\n    tags:')
    result = same_three_ways(schedule(odd), warm)
    assert result[0] == "ok"
    assert [w.path for w in result[1].warnings] == ["sessions[30].date", "sessions[60].reason"]
    assert warm.hits == COUNT - 2


def test_anchors_and_aliases_fall_back_to_a_whole_load(warm):
    aliased = list(BASE)
    aliased[3] = aliased[3].replace('reason: "holiday"', "reason: &why holiday")
    aliased[7] = aliased[7].replace("status: cancelled", "status: cancelled\n    note: *why")
    aliased[10] = aliased[10].replace("Talk number 10", "Talk *not an alias*")
    result = same_three_ways(schedule(aliased), warm)
    assert result[0] == "ok"
    assert session_of(result[1].schedule, "s7").note == "holiday"


def test_crlf_line_endings_and_comments_between_items(warm):
    commented = [
        text + ("# a comment at the left edge\n" if i % 3 else "\n    # an indented comment\n")
        for i, text in enumerate(BASE)
    ]
    data = schedule(commented).replace(b"\n", b"\r\n")
    crlf = CountingCache()
    assert same_three_ways(data, crlf)[0] == "ok"
    crlf.hits = 0
    result = same_three_ways(data, crlf)
    assert result[0] == "ok"
    assert len(result[1].schedule.sessions) == COUNT
    assert crlf.hits == COUNT


def test_keys_after_the_sessions_list_and_a_block_scalar_that_keeps_blank_lines(warm):
    kept = list(BASE)
    kept[-1] = kept[-2].replace("abstract: |", "abstract: |+").replace("s238", "s239") + "\n\n"
    header, defaults = HEADER.split("defaults:")
    defaults, _ = defaults.split("sessions:")
    data = (header + "sessions:\n" + "".join(kept) + "\ndefaults:" + defaults).encode()
    cache = CountingCache()
    same_three_ways(data, cache)
    result = same_three_ways(data, cache)
    assert result[0] == "ok"
    assert result[1].schedule.sessions[-1].abstract.endswith("item, # not a comment.")


def test_a_cache_survives_messagepack_as_the_build_cache_stores_it(tmp_path: Path):
    path = tmp_path / "events.yaml"
    path.write_bytes(schedule(BASE))
    cache: dict[bytes, Any] = {}
    first = load_cached(path, cache=cache)
    restored = CountingCache()
    restored.update(msgpack.unpackb(msgpack.packb(cache), use_list=False, strict_map_key=False))
    path.write_bytes(schedule(edited_title(BASE)))
    again = load_cached(path, cache=restored)
    assert repr(again) == repr(load_schedule(path))
    assert again.schedule.sessions[0] == first.schedule.sessions[0]
    assert restored.hits == COUNT - 1


def test_the_shipped_file_loads_the_same_with_a_cache(shipped_path: Path):
    cache = CountingCache()
    assert repr(load_cached(shipped_path, cache=cache)) == repr(load_schedule(shipped_path))


def test_a_damaged_record_is_read_again_from_the_file(tmp_path: Path):
    """A record of the right key but the wrong shape (a damaged cache) costs only speed."""
    path = tmp_path / "events.yaml"
    path.write_bytes(schedule(BASE))
    cache: dict[bytes, Any] = {}
    load_cached(path, cache=cache)
    for key, (values, *rest) in list(cache.items())[:3]:
        cache[key] = (values[:4], *rest)  # fields missing
    for key, (values, *rest) in list(cache.items())[3:6]:
        cache[key] = (values, *rest[:-1], "7")  # a column as text
    assert repr(load_cached(path, cache=cache)) == repr(load_schedule(path))
