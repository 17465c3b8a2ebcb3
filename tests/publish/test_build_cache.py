"""The build cache: it changes how fast a build is, never a byte of what it writes."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import msgpack
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_feed.cli import main
from calendar_feed.history import changes
from calendar_feed.history.records import snapshot
from calendar_feed.model import Session
from calendar_feed.publish import cache as cache_module
from calendar_feed.publish.build import build_site, publish_site
from calendar_feed.publish.cache import BuildCache
from calendar_feed.site.merge import load_site
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


def test_the_build_after_a_history_starts_compares_only_the_edited_session_again(
    events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build that starts a history keeps each session's digest in the cache, so the
    next one does not make again what subscribers saw of every unchanged session."""
    site, cache_dir, history = tmp_path / "site", tmp_path / "cache", tmp_path / "h.json"
    _build(events, site, cache_dir, history=history)
    snapshotted: list[str] = []

    def counted(series: object, session: Session) -> dict[str, object]:
        snapshotted.append(session.key)
        return snapshot(series, session)

    monkeypatch.setattr(changes, "snapshot", counted)
    _edit_title(events, "title: ", "title: Revised, ")
    _build(events, site, cache_dir, history=history)
    assert set(snapshotted) == {"2024-09-11"}  # the first session's title was edited
    assert b"Revised" in (site / "calendar.ics").read_bytes()


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


# -- a cache someone else tampered with (issue 21) ---------------------------------------

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="making a file another user's needs root")
OTHER_USER = 65534  # nobody


class _Payload:
    """A pickle that would create ``marker`` when loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _plant_pickles(folder: Path, names: list[str], marker: Path) -> None:
    for name in names:
        (folder / name).write_bytes(pickle.dumps(_Payload(marker)))


@as_root
def test_a_pickle_planted_in_a_subfolder_others_can_write_never_runs(
    events: Path, tmp_path: Path
) -> None:
    """Issue 21: pieces/ 0777 and another user's, a pickle in it, inside a cache of ours."""
    site, cache_dir, marker = tmp_path / "site", tmp_path / "cache", tmp_path / "PAYLOAD-RAN"
    _build(events, site, cache_dir)
    planted = cache_dir / "pieces"
    planted.mkdir()
    _plant_pickles(planted, ["shards", "1-0.pickle", "pieces.0"], marker)
    os.chown(planted, OTHER_USER, -1)
    planted.chmod(0o777)
    _edit_title(events, "title: ", "title: Revised, ")
    warm = _build(events, site, cache_dir)
    assert not marker.exists()
    assert warm.table("pieces").hits > 0  # the cache's own shards are still read
    assert site_files(site) == _uncached(events, tmp_path, "plain")


@as_root
@pytest.mark.parametrize(("owner", "mode"), [(OTHER_USER, 0o600), (None, 0o666), (None, 0o620)])
def test_a_shard_of_another_user_or_that_others_can_write_is_not_read(
    events: Path, tmp_path: Path, owner: int | None, mode: int
) -> None:
    site, cache_dir, marker = tmp_path / "site", tmp_path / "cache", tmp_path / "PAYLOAD-RAN"
    _build(events, site, cache_dir)
    shard = cache_dir / "pieces.0"
    if owner is not None:
        os.chown(shard, owner, -1)
    shard.chmod(mode)
    assert _build(events, site, cache_dir).table("pieces").hits == 0
    _plant_pickles(cache_dir, ["pieces.0", "sessions.0"], marker)  # a pickle is not data
    shard.chmod(0o600)
    assert _build(events, site, cache_dir).table("pieces").hits == 0
    assert not marker.exists()
    assert site_files(site) == _uncached(events, tmp_path, "plain")


@as_root
def test_a_cache_folder_swapped_for_a_link_or_another_users_folder_is_not_used(
    events: Path, tmp_path: Path
) -> None:
    """Issue 21: ``--cache S/cache`` where S/ is another user's, who swaps our folder."""
    shared = tmp_path / "S"
    shared.mkdir()
    site, cache_dir = tmp_path / "site", shared / "cache"
    _build(events, site, cache_dir)
    theirs = shared / "theirs"
    shutil.copytree(cache_dir, theirs)  # a cache that would be read, were it followed
    cache_dir.rename(shared / "ours")
    cache_dir.symlink_to(theirs)
    assert _build(events, site, cache_dir).table("pieces").hits == 0
    cache_dir.unlink()
    theirs.rename(cache_dir)
    for path in [cache_dir, *cache_dir.iterdir()]:
        os.chown(path, OTHER_USER, -1)
    assert _build(events, site, cache_dir).table("pieces").hits == 0
    assert site_files(site) == _uncached(events, tmp_path, "plain")


def test_the_folder_is_opened_once_and_written_through_that_handle(
    events: Path, tmp_path: Path
) -> None:
    """A folder swapped for a link between the read and the write: the link is not followed."""
    site, cache_dir, elsewhere = tmp_path / "site", tmp_path / "cache", tmp_path / "elsewhere"
    _build(events, site, cache_dir)
    elsewhere.mkdir(mode=0o700)
    cache = BuildCache(cache_dir)
    site_loaded = load_site(events, "https://example.edu/lunch/", cache=cache.table("sessions"))
    assert len(cache.table("pieces")) > 0  # read: the folder is open
    moved = tmp_path / "moved"
    cache_dir.rename(moved)
    cache_dir.symlink_to(elsewhere)
    (moved / "pieces.0").unlink()
    publish_site(site_loaded, site, history=None, today=TODAY, now=NOW, cache=cache)
    assert cache.table("pieces").hits > 0
    assert list(elsewhere.iterdir()) == []
    assert (moved / "pieces.0").is_file()  # written again where it was read from


def _forged_shard(count: object) -> bytes:
    return msgpack.packb((cache_module.fingerprint(), count, 0, {}))


@pytest.mark.parametrize(
    "damage",
    [
        "count-text",
        "count-forged",
        "count-negative",
        "not-a-power-of-two",
        "old-shards-file",
        "fifo",
        "link",
        "huge",
        "garbage",
    ],
)
def test_a_damaged_count_or_shard_is_an_empty_cache_never_a_hang(
    events: Path, tmp_path: Path, damage: str
) -> None:
    """Issue 21: ``echo 1000000000 > CACHE/.../shards`` hung the build; now no count read from
    disk can drive a loop, and nothing there can block a read or fill the memory."""
    site, cache_dir = tmp_path / "site", tmp_path / "cache"
    _build(events, site, cache_dir)
    first = cache_dir / "pieces.0"
    if damage == "count-text":
        first.write_bytes(b"1000000000\n")
    elif damage == "count-forged":
        first.write_bytes(_forged_shard(1_000_000_000))
    elif damage == "count-negative":
        first.write_bytes(_forged_shard(-1))
    elif damage == "not-a-power-of-two":
        first.write_bytes(_forged_shard(3))
    elif damage == "old-shards-file":
        (cache_dir / "pieces").mkdir(mode=0o700)
        (cache_dir / "pieces" / "shards").write_text("1000000000\n")
    elif damage == "fifo":
        first.unlink()
        os.mkfifo(first, 0o600)
    elif damage == "link":
        first.unlink()
        first.symlink_to("/dev/zero")
    elif damage == "huge":
        os.truncate(first, cache_module.MAX_FILE_BYTES + 1)  # sparse: no disk used
    else:
        first.write_bytes(os.urandom(5000))
    command = [sys.executable, "-m", "calendar_feed", "build", str(events), "--out", str(site)]
    command += ["--no-history", "--today", "2024-10-20", "--cache", str(cache_dir)]
    _edit_title(events, "title: ", "title: Revised, ")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Built {site}/:")
    plain = tmp_path / "plain"
    subprocess.run([*command[:6], str(plain), *command[7:-2], "--no-cache"], check=True)
    assert site_files(site) == site_files(plain)
    if damage != "old-shards-file":
        assert _build(events, site, cache_dir).table("pieces").hits > 0  # written anew


# -- any sequence of edits: cached equals uncached ----------------------------------------

_OUTPUTS = ["calendar.ics", "style.css", "index.html", "events.json", ".calendar-feed"]
_EDITS = st.one_of(
    st.tuples(st.just("input"), st.sampled_from(["Room", "title: ", "speaker: "])),
    st.tuples(
        st.sampled_from(["output", "output-keep-mtime", "delete"]), st.sampled_from(_OUTPUTS)
    ),
    st.tuples(st.just("add"), st.sampled_from(["extra.html", "events/extra.ics", "new/"])),
    st.tuples(st.just("build"), st.sampled_from(["cache", "no-cache"])),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDITS, min_size=1, max_size=6))
def test_after_any_edits_a_cached_build_equals_a_build_without_the_cache(
    edits: list[tuple[str, str]],
) -> None:
    """Edits of events.yaml and of the built files (in place with the mtime put back,
    deleted, added), with builds between them: each cached build writes the bytes a
    --no-cache build of the same file writes, and leaves nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        events, site, round_ = tmp / "events.yaml", tmp / "site", 0
        shutil.copyfile(SHIPPED, events)
        runner = CliRunner()
        common = ["--no-history", "--today", "2024-10-20"]

        def build(out: Path, *flags: str) -> None:
            result = runner.invoke(main, ["build", str(events), "--out", str(out), *common, *flags])
            assert result.exit_code == 0, result.output

        build(site, "--cache", str(tmp / "cache"))
        for kind, what in [*edits, ("build", "cache")]:
            target = site / what
            if kind == "input":
                text = events.read_text(encoding="utf-8")
                events.write_text(text.replace(what, what + "x", 1), encoding="utf-8")
            elif kind.startswith("output") and target.is_file():
                info = target.stat()
                data = bytearray(target.read_bytes())
                data[len(data) // 2] ^= 1
                with target.open("r+b") as stream:
                    stream.write(data)
                if kind == "output-keep-mtime":
                    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
            elif kind == "delete" and target.is_file() and what != ".calendar-feed":
                # (without its marker, a folder is not replaced: refused on purpose)
                target.unlink()
            elif kind == "add" and target.parent.is_dir() and not target.exists():
                target.mkdir() if what.endswith("/") else target.write_text("added")
            elif kind == "build":
                build(
                    site,
                    *(["--no-cache"] if what == "no-cache" else ["--cache", str(tmp / "cache")]),
                )
                round_ += 1
                plain = tmp / f"plain-{round_}"
                build(plain, "--no-cache")
                assert site_files(site) == site_files(plain)
                assert sorted(p.relative_to(site) for p in site.rglob("*") if p.is_dir()) == sorted(
                    p.relative_to(plain) for p in plain.rglob("*") if p.is_dir()
                )
