"""The published version under edits: when a changed file is read, and when it is not.

The clocks are fakes and mtimes are set explicitly, so "the file has settled"
is decided by the test, not by how fast the machine happens to be.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path

import pytest

from calendar_feed.publish import build as publish_build
from calendar_feed.render.ical import FeedOptions
from calendar_feed.server import live as live
from calendar_feed.server import versions as versions
from calendar_feed.server.live import Publisher
from calendar_feed.server.versions import Lru
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import SHIPPED

START = 2_000_000_000.0  # wall-clock seconds, a fixed "now" for mtimes


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocks() -> tuple[Clock, Clock]:
    return Clock(100.0), Clock(START)


def advance(clocks: tuple[Clock, Clock], seconds: float) -> None:
    for clock in clocks:
        clock.now += seconds


def write(path: Path, data: bytes, wall: Clock) -> None:
    """Write ``data`` as if just now by the fake wall clock."""
    path.write_bytes(data)
    ns = int(wall.now * 1e9)
    os.utime(path, ns=(ns, ns))


@pytest.fixture
def events(tmp_path: Path, clocks: tuple[Clock, Clock]) -> Path:
    path = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, path)
    ns = int((START - 60) * 1e9)  # saved a minute ago
    os.utime(path, ns=(ns, ns))
    return path


def publisher(path: Path, clocks: tuple[Clock, Clock], **options: object) -> Publisher:
    monotonic, wall = clocks
    settings: dict = {"check_interval": 0, "settle": 1.0, "clock": monotonic, "wall_clock": wall}
    return Publisher(path, **{**settings, **options})


def sessions(pub: Publisher) -> int:
    return len(pub.state().version.schedule.sessions)


FULL = SHIPPED.read_bytes()
MORE = FULL + b"  - date: 2025-01-15\n"
# Where an editor that saves in place might have got to: valid YAML, fewer sessions.
HALF = FULL[: FULL.index(b"  - date: 2024-10-30")]


def test_a_truncated_file_can_look_valid():
    """Why settling matters: the half-written file is a perfectly good schedule."""
    assert len(load_schedule_bytes(HALF).schedule.sessions) == 7


def test_a_half_written_file_is_never_published(events, clocks):
    pub = publisher(events, clocks)
    published = pub.state().version.sha256
    _, wall = clocks

    write(events, b"", wall)  # the editor truncates ...
    assert pub.state().version.sha256 == published
    advance(clocks, 0.2)
    write(events, HALF, wall)  # ... writes the first part ...
    assert pub.state().version.sha256 == published
    advance(clocks, 0.5)
    assert pub.state().version.sha256 == published  # still not settled
    write(events, MORE, wall)  # ... and the rest.
    advance(clocks, 0.5)
    assert pub.state().version.sha256 == published  # last write 0.5 s ago

    advance(clocks, 0.5)
    assert sessions(pub) == 19
    health = pub.health()
    assert health["serving"] == "current"
    assert health["errors"] == []


def test_a_file_that_changes_while_being_read_is_read_again(events, clocks, monkeypatch):
    pub = publisher(events, clocks, settle=0)
    real_read = live.read_regular_file
    busy = [True]

    def read_while_written(path: Path, max_bytes: int) -> bytes:
        data = real_read(path, max_bytes)
        if busy.pop() if busy else False:  # the writer appends while we read, once
            with path.open("ab") as stream:
                stream.write(b"\n")
        return data

    write(events, HALF, clocks[1])
    monkeypatch.setattr(live, "read_regular_file", read_while_written)
    assert sessions(pub) == 18  # read HALF, but stat changed across the read: not used
    assert pub.health()["errors"] == []
    assert sessions(pub) == 7  # the file as it now is, once stable (it is HALF plus a newline)


def test_an_old_mtime_is_settled_at_once(events, clocks):
    """A file copied into place with its old mtime (cp -p, git checkout) needs no wait."""
    pub = publisher(events, clocks)
    events.write_bytes(MORE)
    ns = int((START - 3600) * 1e9)
    os.utime(events, ns=(ns, ns))
    assert sessions(pub) == 19


def test_an_mtime_in_the_future_settles_by_watching(events, clocks):
    """A skewed clock (network file system) cannot hold a change back for ever."""
    pub = publisher(events, clocks)
    events.write_bytes(MORE)
    ns = int((START + 3600) * 1e9)
    os.utime(events, ns=(ns, ns))
    assert sessions(pub) == 18
    advance(clocks, 0.6)
    assert sessions(pub) == 18
    advance(clocks, 0.6)
    assert sessions(pub) == 19


def test_the_file_is_looked_at_once_per_interval(events, clocks, monkeypatch):
    stats: list[Path] = []
    real_stat = live.stat_signature
    monkeypatch.setattr(live, "stat_signature", lambda p: stats.append(p) or real_stat(p))
    pub = publisher(events, clocks, check_interval=1.0, settle=0)
    write(events, MORE, clocks[1])
    stats.clear()
    for _ in range(50):
        assert sessions(pub) == 18
    assert stats == []
    advance(clocks, 1.0)
    assert sessions(pub) == 19
    assert len(stats) == 2  # before and after reading
    for _ in range(50):
        pub.state()
    assert len(stats) == 2


def test_an_invalid_edit_is_reported_once_and_kept_out(events, clocks, caplog):
    pub = publisher(events, clocks, settle=0)
    good = pub.state().version
    write(events, FULL.replace(b'start: "12:00"', b'start: "25:00"'), clocks[1])
    state = pub.state()
    assert state.version is good
    [problem] = state.problems
    assert str(problem).startswith(f'{events}:30:10: defaults.start: "25:00" is not')
    assert caplog.text.count(str(problem)) == 1
    for _ in range(3):
        advance(clocks, 1)
        assert pub.state() is state  # nothing new: no re-read, no new log line
    assert caplog.text.count(str(problem)) == 1


def test_touching_the_file_changes_nothing(events, clocks):
    pub = publisher(events, clocks, settle=0)
    state = pub.state()
    ns = int(START * 1e9)
    os.utime(events, ns=(ns, ns))
    assert pub.state() is state


def test_reverting_a_broken_edit_restores_the_current_state(events, clocks):
    pub = publisher(events, clocks, settle=0)
    good = pub.state().version
    write(events, b"calendar: [", clocks[1])
    assert pub.health()["serving"] == "last-good"
    advance(clocks, 1)
    write(events, FULL, clocks[1])
    state = pub.state()
    assert state.version is good
    assert state.current


def test_a_bug_while_loading_keeps_the_feed(events, clocks, monkeypatch, caplog):
    pub = publisher(events, clocks, settle=0)
    good = pub.state().version

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise RuntimeError("boom")

    monkeypatch.setattr(publish_build, "render_site", broken)
    write(events, MORE, clocks[1])
    state = pub.state()
    assert state.version is good
    assert [p.message for p in state.problems] == ["internal error while loading"]
    assert "RuntimeError: boom" in caplog.text


def test_feed_variants_and_listings_are_cached_per_version(events, clocks):
    pub = publisher(events, clocks, settle=0)
    version = pub.state().version
    assert version.feed(FeedOptions()) is version.files["calendar.ics"]
    options = FeedOptions(alarm_minutes=15)
    assert version.feed(options) is version.feed(FeedOptions(alarm_minutes=15))
    day = dt.date(2024, 9, 20)
    page = version.page("index.html", "http://a.example/", day)
    assert version.page("index.html", "http://a.example/", day) is page
    assert version.page("index.html", "http://b.example/", day) is not page
    for n in range(versions.PAGE_CACHE * 3):
        version.page("index.html", f"http://{n}.example/", day)  # a flood of Host headers
    assert len(version._pages) == versions.PAGE_CACHE


def test_lru_evicts_the_least_recently_used():
    cache: Lru[str, int] = Lru(2)
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(made)

    assert cache.get("a", lambda: make("a")) == 1
    assert cache.get("b", lambda: make("b")) == 2
    assert cache.get("a", lambda: make("a")) == 1
    cache.get("c", lambda: make("c"))
    cache.get("a", lambda: make("a"))
    cache.get("b", lambda: make("b"))
    assert made == ["a", "b", "c", "b"]


def test_a_reload_reuses_the_last_version_and_serves_the_bytes_of_a_fresh_start(events, clocks):
    pub = publisher(events, clocks)
    alarm = FeedOptions(alarm_minutes=15)
    before = pub.state().version
    before.page("index.html", "http://localhost/", dt.date(2024, 10, 1), (), None)
    before.feed(alarm)
    _, wall = clocks
    edited = FULL.replace(b"title: ", b"title: Revised, ", 1)
    assert edited != FULL
    write(events, edited, wall)
    advance(clocks, 1.5)
    reloaded = pub.state().version
    assert reloaded.sha256 != before.sha256
    # Every session's .ics but the edited one is the very bytes the last version made.
    own_files = [p for p in reloaded.files if p.startswith("events/")]
    made_again = [p for p in own_files if reloaded.files[p].body is not before.files[p].body]
    assert len(own_files) == 18
    assert made_again == ["events/2024-09-11.ics"]

    fresh = publisher(events, clocks).state().version
    day = dt.date(2024, 10, 1)
    assert {p: a.body for p, a in reloaded.files.items()} == {
        p: a.body for p, a in fresh.files.items()
    }
    for version in (reloaded, fresh):
        assert b"Revised, " in version.page("index.html", "http://localhost/", day, (), None).body
    assert (
        reloaded.page("index.html", "http://localhost/", day, (), None).body
        == fresh.page("index.html", "http://localhost/", day, (), None).body
    )
    assert (
        reloaded.page("poster.html", "http://localhost/", day).body
        == fresh.page("poster.html", "http://localhost/", day).body
    )
    assert reloaded.feed(alarm).body == fresh.feed(alarm).body


def test_each_reload_logs_how_long_it_took(events, clocks, monkeypatch, caplog):
    pub = publisher(events, clocks, settle=0)
    before = sessions(pub)
    publish_site = live.publish_site

    def slow_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        clocks[0].now += 0.25  # the reload takes a quarter of a second by the fake clock
        return publish_site(*args, **kwargs)

    monkeypatch.setattr(live, "publish_site", slow_build)
    caplog.set_level(logging.INFO, logger=live.__name__)
    write(events, MORE, clocks[1])
    assert sessions(pub) == before + 1
    assert f"{events}: reloaded in 0.25 s" in caplog.messages
