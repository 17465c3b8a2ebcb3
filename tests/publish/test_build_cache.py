"""The build cache: it changes how fast a build is, never a byte of what it writes."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendar_feed.cli import main
from calendar_feed.publish import cache as cache_module
from calendar_feed.publish.build import build_site
from calendar_feed.publish.cache import BuildCache
from tests.helpers import SHIPPED, site_files

TODAY = dt.date(2024, 10, 20)
NOW = dt.datetime(2024, 10, 1, 8, 0, tzinfo=dt.UTC)


def _build(events: Path, out: Path, cache_dir: Path | None, **options: object) -> BuildCache:
    """Build with a cache in ``cache_dir`` (None: without one); the cache, for its hits."""
    cache = BuildCache(cache_dir)
    build_site(
        events, out, history=options.pop("history", None), today=TODAY, now=NOW,
        cache=cache if cache_dir is not None else None, base_url="https://example.edu/lunch/",
        **options,
    )  # fmt: skip
    return cache


def _edit_title(events: Path, old: str, new: str) -> None:
    text = events.read_text(encoding="utf-8")
    assert old in text
    events.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def events(tmp_path: Path) -> Path:
    copy = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, copy)
    return copy


def _uncached(events: Path, tmp_path: Path, name: str, **options: object) -> dict[str, bytes]:
    out = tmp_path / name
    _build(events, out, None, **options)
    return site_files(out)


def test_a_warm_cache_gives_the_bytes_of_a_build_without_one(events: Path, tmp_path: Path) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    cold = _build(events, site, cache_dir)
    assert cold.table("pieces").hits == 0
    assert site_files(site) == _uncached(events, tmp_path, "plain-1")

    _edit_title(events, "title: ", "title: Revised, ")
    warm = _build(events, site, cache_dir)
    # Every session but the edited one came from the cache (events, files, items, JSON).
    assert warm.table("pieces").hits > 5 * 15
    built = site_files(site)
    assert built == _uncached(events, tmp_path, "plain-2")
    assert "Revised, " in built["index.html"].decode()


def test_with_a_history_the_edited_event_gets_its_new_sequence(
    events: Path, tmp_path: Path
) -> None:
    site, cache_dir, history = tmp_path / "site", tmp_path / "cache", tmp_path / "h.json"
    _build(events, site, cache_dir, history=history)
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, site, cache_dir, history=history)
    cached = site_files(site)
    assert re.search(rb"SEQUENCE:1\r\n", cached["calendar.ics"])

    # The same two builds with no cache at all, from the same starting point.
    shutil.copyfile(SHIPPED, events)
    plain, plain_history = tmp_path / "plain", tmp_path / "plain.json"
    _build(events, plain, None, history=plain_history)
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, plain, None, history=plain_history)
    assert cached == site_files(plain)


def test_unchanged_files_stay_as_they_were_and_changed_ones_are_new(
    events: Path, tmp_path: Path
) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    before = {p.name: p.stat() for p in (site / "events").iterdir()}
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, site, cache_dir)
    after = {p.name: p.stat() for p in (site / "events").iterdir()}
    rewritten = [name for name in after if after[name].st_ino != before[name].st_ino]
    assert len(rewritten) == 1  # the edited session's .ics
    assert rb"Revised\, " in (site / "events" / rewritten[0]).read_bytes()  # TEXT-escaped
    kept = next(name for name in after if name not in rewritten)
    assert after[kept].st_mtime_ns == before[kept].st_mtime_ns
    assert all(s.st_mode & 0o777 == 0o644 and s.st_nlink == 1 for s in after.values())


def test_files_rewritten_by_one_build_are_linked_by_the_next(events: Path, tmp_path: Path) -> None:
    """The record of a file the last build wrote again (same name, new bytes) is kept."""
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    _edit_title(events, "name: PKU Applied Math Lunch Seminar", "name: PKU Applied Math Seminar")
    _build(events, site, cache_dir)  # every file of the site changes
    before = {p.name: p.stat().st_ino for p in (site / "events").iterdir()}
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, site, cache_dir)
    after = {p.name: p.stat().st_ino for p in (site / "events").iterdir()}
    assert sum(after[name] != before[name] for name in after) == 1


def test_a_site_file_changed_by_hand_is_written_again(events: Path, tmp_path: Path) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    victim = sorted((site / "events").iterdir())[3]
    original = victim.read_bytes()
    victim.write_bytes(b"tampered")
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, site, cache_dir)
    assert victim.read_bytes() == original


def test_deleting_or_damaging_the_cache_changes_nothing_but_speed(
    events: Path, tmp_path: Path
) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    expected = site_files(site)
    for shard in cache_dir.glob("pieces.*"):
        shard.write_bytes(shard.read_bytes()[:50])  # truncated
    damaged = _build(events, site, cache_dir)
    assert damaged.table("pieces").hits == 0
    assert site_files(site) == expected
    shutil.rmtree(cache_dir)
    _build(events, site, cache_dir)
    assert site_files(site) == expected


def test_a_cache_made_by_other_code_is_not_read(
    events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    same = _build(events, site, cache_dir)
    assert same.table("pieces").hits > 0
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "another version")
    other = _build(events, site, cache_dir)
    assert other.table("pieces").hits == 0


def test_a_folder_others_can_write_is_not_trusted(events: Path, tmp_path: Path) -> None:
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    os.chmod(cache_dir, 0o777)
    shared = _build(events, site, cache_dir)
    assert shared.table("pieces").hits == 0
    assert site_files(site) == _uncached(events, tmp_path, "plain")


def test_the_cache_keeps_one_site_and_no_more(events: Path, tmp_path: Path) -> None:
    """Entries no build used are dropped: edits replace pieces rather than add to them."""
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    first = len(BuildCache(cache_dir).table("pieces"))
    sizes = []
    for round_ in range(4):
        _edit_title(events, "title: ", f"title: Round {round_}, ")
        _build(events, site, cache_dir)
        sizes.append(len(BuildCache(cache_dir).table("pieces")))
    # The first build also kept the pieces of every per-session file; later ones find the
    # files whole and no longer need their parts. From then on the size stays put.
    assert 0 < sizes[0] <= first
    assert sizes == [sizes[0]] * 4


def test_cli_default_cache_folder_and_no_cache(
    events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    runner = CliRunner()
    site = tmp_path / "site"
    common = [str(events), "--out", str(site), "--no-history", "--today", "2024-10-20"]
    result = runner.invoke(main, ["build", *common, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "xdg").exists()
    plain = site_files(site)

    (site / ".calendar-feed-stamp.json").unlink()  # or it has nothing to do
    result = runner.invoke(main, ["build", *common])
    assert result.exit_code == 0, result.output
    [folder] = (tmp_path / "xdg" / "calendar-feed").iterdir()
    assert folder.name.startswith("site-")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert site_files(site) == plain

    result = runner.invoke(main, ["build", *common, "--no-cache", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert "give either --cache or --no-cache, not both" in result.output
