"""What earlier builds made, reused when everything that shapes it is the same.

A build keeps a few tables (loaded sessions; serialized events, page and JSON
pieces), each a mapping from a digest of a piece's inputs to the piece. Each table
is a few shard files of MessagePack: bytes, text, numbers and lists, data that
cannot run code when it is read. Each shard is stamped with a fingerprint of the
code, templates, libraries and Python: a different fingerprint is an empty table.
A table keeps only the entries the last build read or wrote, so it stays the size
of one site. The folder can be deleted at any time: a build with an empty cache
writes the same bytes as one with a full cache (tests/publish/test_build_cache.py).

The folder is opened once, without following a link, and used only if it is a
folder of ours that nobody else can write; every file in it is opened through
that handle, without following a link, and read only if it is a regular file of
ours that nobody else can write, of a sane size. Anything else (another owner, a
link, a shard count or size out of bounds, truncated or undecodable data) is an
empty table: never a hang and never a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import time
import weakref
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import msgpack

from ..files import replace_in

CACHE_FORMAT = 2
"""Bumped when what a table holds changes shape in a way the fingerprint cannot see."""


def default_cache_dir(out_dir: Path) -> Path:
    """``$XDG_CACHE_HOME/calendar-feed/<site>``: per user and per output folder,
    outside the organizer's repository, so nothing new shows up in ``git status``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    site = hashlib.blake2b(str(out_dir.resolve()).encode(errors="surrogateescape"), digest_size=8)
    return Path(base) / "calendar-feed" / f"{out_dir.resolve().name}-{site.hexdigest()}"


SHARD_ENTRIES = 1024
"""Entries per shard file, roughly: an edit of one session rewrites a few shards of a
large table rather than all of it, and a small site's table stays one file."""
MAX_SHARDS = 64
MAX_FILE_BYTES = 1 << 30
"""A shard larger than this is not read (10,000 sessions make shards of about 2 MB)."""
_OLD_TABLES = ("sessions", "pieces", "written")
"""Folders of pickles left by calendar-feed before CACHE_FORMAT 2: removed, never read."""


def shard_count(entries: int) -> int:
    """A power of two, so that a table that grows past a bound is split evenly."""
    count = 1
    while count < MAX_SHARDS and count * SHARD_ENTRIES < entries:
        count *= 2
    return count


def _shard(key: bytes, count: int) -> int:
    return zlib.crc32(key) % count


class CacheTable(MutableMapping[bytes, Any]):
    """One table: last build's entries to read, this build's entries to keep.

    Keys are digests of a piece's inputs, so a key always stands for the same value.
    The last build's entries are read on first use: a table the build never needs
    (the loader's, for a small file) costs nothing.
    """

    def __init__(self, read: Callable[[], tuple[int, dict[bytes, Any]]] | None = None) -> None:
        self._read = read
        self._shards = 0
        """How many shards the entries were read from (0: none)."""
        self._earlier_entries: dict[bytes, Any] = {}
        self._kept: dict[bytes, Any] = {}
        self.hits = 0
        """Entries found from an earlier build (for tests and the benchmark)."""

    @classmethod
    def of(cls, entries: dict[bytes, Any]) -> CacheTable:
        return cls(lambda: (0, entries))

    @property
    def _earlier(self) -> dict[bytes, Any]:
        if self._read is not None:
            self._shards, self._earlier_entries = self._read()
            self._read = None
        return self._earlier_entries

    @property
    def used(self) -> bool:
        return self._read is None

    def __getitem__(self, key: bytes) -> Any:
        try:
            return self._kept[key]
        except KeyError:
            value = self._earlier[key]
        self.hits += 1
        self._kept[key] = value
        return value

    def __setitem__(self, key: bytes, value: Any) -> None:
        self._kept[key] = value

    def __delitem__(self, key: bytes) -> None:
        self._kept.pop(key, None)
        self._earlier.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._kept or key in self._earlier

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._kept | self._earlier)

    def __len__(self) -> int:
        return len(self._kept.keys() | self._earlier.keys())

    def kept(self) -> dict[bytes, Any]:
        """The entries this build read or wrote: what the next build gets."""
        return self._kept

    def changed_shards(self) -> tuple[int, dict[int, dict[bytes, Any]]]:
        """How many shards to keep, and those whose keys differ from what was read."""
        count = shard_count(len(self._kept))
        shards: list[dict[bytes, Any]] = [{} for _ in range(count)]
        for key, value in self._kept.items():
            shards[_shard(key, count)][key] = value
        if count != self._shards:
            return count, dict(enumerate(shards))
        before: list[set[bytes]] = [set() for _ in range(count)]
        for key in self._earlier:
            before[_shard(key, count)].add(key)
        return count, {
            number: entries
            for number, entries in enumerate(shards)
            if entries.keys() != before[number]
        }


class BuildCache:
    """The cache folder of one site; with ``None`` as the folder, a cache in memory that
    carries what one build used over to the next one in the same process (the live server)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._tables: dict[str, CacheTable] = {}
        self._folder: int | None = None
        """The handle every file is read and written through, once opened."""
        self._state = "closed"
        """closed (not tried yet), open, absent (nothing there yet) or refused."""

    def table(self, name: str) -> CacheTable:
        if name not in self._tables:
            self._tables[name] = CacheTable(lambda: self._read(name))
        return self._tables[name]

    def save(self) -> None:
        """Write every shard that changed; a cache that cannot be written costs only speed."""
        if self.directory is None:
            self._tables = {
                name: CacheTable.of(dict(table.kept()))
                for name, table in self._tables.items()
                if table.used
            }
            return
        changed = {name: t.changed_shards() for name, t in self._tables.items() if t.used}
        folder = self._open(create=any(shards for _, shards in changed.values()))
        if folder is None:
            return
        for old in _OLD_TABLES:
            shutil.rmtree(old, dir_fd=folder, ignore_errors=True)
        for name, (count, shards) in changed.items():
            with contextlib.suppress(OSError):
                _write_table(folder, name, count, shards)

    def _open(self, create: bool = False) -> int | None:
        """The folder's handle: opened on first use (made first, 0700, if ``create``)."""
        if self._state == "closed" or (create and self._state == "absent"):
            assert self.directory is not None
            self._folder, self._state = _open_folder(self.directory, create)
            if self._folder is not None:
                weakref.finalize(self, os.close, self._folder)
        return self._folder

    def _read(self, name: str) -> tuple[int, dict[bytes, Any]]:
        """(shard count, entries) of the table as the last build left it; (0, {}) if none.

        The count comes from the first shard and is bounded: a damaged or forged count
        can cost at most MAX_SHARDS opens.
        """
        folder = self._open() if self.directory is not None else None
        first = _read_shard(folder, name, 0) if folder is not None else None
        if first is None or not 0 < first[0] <= MAX_SHARDS or first[0] & (first[0] - 1):
            return 0, {}
        count, entries = first
        for number in range(1, count):
            shard = _read_shard(folder, name, number)
            if shard is not None and shard[0] == count:
                entries.update(shard[1])
        return count, entries


def _open_folder(path: Path, create: bool) -> tuple[int | None, str]:
    """A handle on ``path`` and "open" if it is a real folder of ours that nobody else
    can write; else None and "absent" (missing) or "refused"."""
    if create:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(path, 0o700)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        folder = os.open(path, flags)
    except FileNotFoundError:
        return None, "absent"
    except OSError:  # a link (ELOOP), not a folder, not ours to read
        return None, "refused"
    if not _ours(os.fstat(folder), stat.S_ISDIR):
        os.close(folder)
        return None, "refused"
    return folder, "open"


def _ours(info: os.stat_result, kind: Callable[[int], bool]) -> bool:
    """Of the right kind, owned by us, and nobody else can write it."""
    return (
        kind(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _read_shard(folder: int, name: str, number: int) -> tuple[int, dict[bytes, Any]] | None:
    """(shard count, entries) of one shard file; None if it is missing or odd in any way."""
    data = _read_file(folder, f"{name}.{number}")
    if data is None:
        return None
    try:
        stamp, count, found, entries = msgpack.unpackb(
            data, use_list=False, raw=False, strict_map_key=False
        )
    except Exception:  # truncated, undecodable, another shape: msgpack never runs code
        return None
    if stamp != fingerprint() or found != number or type(count) is not int:
        return None
    if not isinstance(entries, dict) or not all(type(key) is bytes for key in entries):
        return None
    return count, entries


def _read_file(folder: int, name: str) -> bytes | None:
    """The bytes of ``name`` in ``folder`` if it is a regular file of ours that nobody else
    can write and of a sane size; None otherwise (a FIFO is opened without blocking)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        descriptor = os.open(name, flags, dir_fd=folder)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not _ours(info, stat.S_ISREG) or info.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(info.st_size + 1)
        return data if len(data) == info.st_size else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _write_table(folder: int, name: str, count: int, shards: dict[int, dict[bytes, Any]]) -> None:
    """The changed shards (the first last); shards of a larger count and stale
    temporary files are removed."""
    for number in sorted(shards, reverse=True):
        data = msgpack.packb((fingerprint(), count, number, shards[number]), use_bin_type=True)
        replace_in(folder, f"{name}.{number}", data, 0o600)
    prefix, temporary = f"{name}.", f".{name}."
    for entry in os.listdir(folder):
        number = entry.removeprefix(prefix)
        stale = entry.startswith(prefix) and (not number.isdigit() or int(number) >= count)
        if entry.startswith(temporary):
            with contextlib.suppress(OSError):
                written = os.stat(entry, dir_fd=folder, follow_symlinks=False).st_mtime
                stale = time.time() - written > 600  # left by a build that was killed
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(entry, dir_fd=folder)


def fingerprint() -> str:
    """Everything besides a piece's own inputs that can change its bytes: the code's
    fingerprint (the stamp's too) and the tables' format."""
    from .stamp import code_fingerprint

    return f"{CACHE_FORMAT}-{code_fingerprint()}"
