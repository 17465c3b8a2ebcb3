"""What earlier builds made, reused when everything that shapes it is the same.

A build keeps a few tables (loaded sessions, serialized events, page and JSON
pieces, the files it wrote), each a mapping from a digest of a piece's inputs to
the piece. Each table is a folder of pickle files (shards by key), each stamped
with a fingerprint of the code, templates, libraries and Python: a different
fingerprint is an empty table. A table keeps only the entries the last build
read or wrote, so it stays the size of one site. The folder can be deleted at any
time: a missing, unreadable or damaged table is an empty one, and a build with an
empty cache writes the same bytes as one with a full cache (tests/publish/test_build_cache.py).

The pickle files are as trusted as the package's own ``__pycache__``: they are
read only from a folder the build made for the current user (0700, owned by us).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from ..version import __version__

CACHE_FORMAT = 1
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


def shard_count(entries: int) -> int:
    """A power of two, so that a table that grows past a bound is split evenly."""
    count = 1
    while count < MAX_SHARDS and count * SHARD_ENTRIES < entries:
        count *= 2
    return count


def _shard(key: Any, count: int) -> int:
    return zlib.crc32(key if isinstance(key, bytes) else str(key).encode()) % count


class CacheTable(MutableMapping[Any, Any]):
    """One table: last build's entries to read, this build's entries to keep.

    The last build's entries are read on first use: a table the build never needs
    (the loader's, for a small file) costs nothing.
    """

    def __init__(self, read: Callable[[], tuple[int, dict[Any, Any]]] | None = None) -> None:
        self._read = read
        self._shards = 0
        """Shard files the entries were read from (0: none)."""
        self._earlier_entries: dict[Any, Any] = {}
        self._kept: dict[Any, Any] = {}
        self._rewritten: set[Any] = set()
        """Keys whose value this build changed (a file's new record)."""
        self.hits = 0
        """Entries found from an earlier build (for tests and the benchmark)."""

    @classmethod
    def of(cls, entries: dict[Any, Any]) -> CacheTable:
        return cls(lambda: (0, entries))

    @property
    def _earlier(self) -> dict[Any, Any]:
        if self._read is not None:
            self._shards, self._earlier_entries = self._read()
            self._read = None
        return self._earlier_entries

    @property
    def used(self) -> bool:
        return self._read is None

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._kept[key]
        except KeyError:
            value = self._earlier[key]
        self.hits += 1
        self._kept[key] = value
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        earlier = self._earlier
        self._kept[key] = value
        if key in earlier and earlier[key] != value:
            self._rewritten.add(key)

    def __delitem__(self, key: Any) -> None:
        self._kept.pop(key, None)
        self._earlier.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._kept or key in self._earlier

    def __iter__(self) -> Iterator[Any]:
        return iter(self._kept | self._earlier)

    def __len__(self) -> int:
        return len(self._kept.keys() | self._earlier.keys())

    def kept(self) -> dict[Any, Any]:
        """The entries this build read or wrote: what the next build gets."""
        return self._kept

    def changed_shards(self) -> tuple[int, dict[int, dict[Any, Any]]]:
        """How many shards to keep, and those whose entries differ from what was read."""
        count = shard_count(len(self._kept))
        shards: list[dict[Any, Any]] = [{} for _ in range(count)]
        for key, value in self._kept.items():
            shards[_shard(key, count)][key] = value
        if count != self._shards:
            return count, dict(enumerate(shards))
        before: list[set[Any]] = [set() for _ in range(count)]
        for key in self._earlier:
            before[_shard(key, count)].add(key)
        for key in self._rewritten:
            before[_shard(key, count)].add(None)  # differs from any set of real keys
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
        for name, table in self._tables.items():
            if table.used:
                with contextlib.suppress(OSError):
                    self._write(name, *table.changed_shards())

    def _read(self, name: str) -> tuple[int, dict[Any, Any]]:
        """(shard count, entries) of the table as the last build left it; (0, {}) if none."""
        if self.directory is None or not _ours(self.directory):
            return 0, {}
        folder = self.directory / name
        try:
            count = int((folder / "shards").read_text())
        except (OSError, ValueError):
            return 0, {}
        entries: dict[Any, Any] = {}
        for number in range(count):
            entries.update(self._read_shard(folder / f"{count}-{number}.pickle"))
        return count, entries

    @staticmethod
    def _read_shard(path: Path) -> dict[Any, Any]:
        try:
            with open(path, "rb") as stream:
                stamp, entries = pickle.load(stream)  # our own folder: see above
        except Exception:  # missing, unreadable, truncated or from another version
            return {}
        return entries if stamp == fingerprint() and isinstance(entries, dict) else {}

    def _write(self, name: str, count: int, shards: dict[int, dict[Any, Any]]) -> None:
        """The changed shards, then the shard count; shards of another count are removed."""
        assert self.directory is not None
        if not shards:
            return
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(self.directory):
            return
        folder = self.directory / name
        folder.mkdir(mode=0o700, exist_ok=True)
        for number, entries in shards.items():
            data = pickle.dumps((fingerprint(), entries), protocol=pickle.HIGHEST_PROTOCOL)
            _replace(folder / f"{count}-{number}.pickle", data)
        _replace(folder / "shards", str(count).encode())
        for stale in folder.glob("*-*.pickle"):
            if not stale.name.startswith(f"{count}-"):
                with contextlib.suppress(OSError):
                    stale.unlink()


def _replace(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _ours(directory: Path) -> bool:
    """A real folder of ours that nobody else can write: only then is a pickle read."""
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


@cache
def fingerprint() -> str:
    """Everything besides a piece's own inputs that can change its bytes."""
    from .stamp import code_digest, library_versions

    parts = [
        str(CACHE_FORMAT),
        __version__,
        sys.version,
        code_digest().hex(),
        *library_versions(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
