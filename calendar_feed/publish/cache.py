"""What earlier builds made, reused when everything that shapes it is the same.

A build keeps a few tables (loaded sessions, serialized events, page and JSON
pieces, the files it wrote), each a mapping from a digest of a piece's inputs to
the piece. Each table is a folder of pickle files (shards by key), each stamped
with a fingerprint of the code, templates, libraries and Python: a different
fingerprint is an empty table. A table keeps only the entries the last build
read or wrote, so it stays the size of one site. The folder can be deleted at any time: a missing,
unreadable or damaged table is an empty one, and a build with an empty cache
writes the same bytes as one with a full cache (tests/test_build_cache.py).

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
from collections.abc import Iterator, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__

CACHE_FORMAT = 1
"""Bumped when what a table holds changes shape in a way the fingerprint cannot see."""


def default_cache_dir(out_dir: Path) -> Path:
    """``$XDG_CACHE_HOME/calendar-feed/<site>``: per user and per output folder,
    outside the organizer's repository, so nothing new shows up in ``git status``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    site = hashlib.blake2b(str(out_dir.resolve()).encode(errors="surrogateescape"), digest_size=8)
    return Path(base) / "calendar-feed" / f"{out_dir.resolve().name}-{site.hexdigest()}"


SHARDS = 64
"""Files per table: an edit of one session rewrites a few of them, not the whole table."""


class CacheTable(MutableMapping[Any, Any]):
    """One table: last build's entries to read, this build's entries to keep."""

    def __init__(self, shards: list[dict[Any, Any]] | None = None) -> None:
        self._shard_keys = [set(shard) for shard in shards or [{}] * SHARDS]
        self._earlier: dict[Any, Any] = {}
        for shard in shards or ():
            self._earlier.update(shard)
        self._kept: dict[Any, Any] = {}
        self._rewritten: set[int] = set()
        """Shards with an entry whose value this build changed (a file's new record)."""
        self.hits = 0
        """Entries found from an earlier build (for tests and the benchmark)."""

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._kept[key]
        except KeyError:
            value = self._earlier[key]
        self.hits += 1
        self._kept[key] = value
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        self._kept[key] = value
        if key in self._earlier and self._earlier[key] != value:
            self._rewritten.add(_shard(key))

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

    def changed_shards(self) -> dict[int, dict[Any, Any]]:
        """Shards whose kept entries differ from what was read: the ones to write."""
        shards: list[dict[Any, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self._kept.items():
            shards[_shard(key)][key] = value
        return {
            number: entries
            for number, entries in enumerate(shards)
            if number in self._rewritten or entries.keys() != self._shard_keys[number]
        }


def _shard(key: Any) -> int:
    return zlib.crc32(key if isinstance(key, bytes) else str(key).encode()) % SHARDS


class BuildCache:
    """The cache folder of one site; with ``None`` as the folder, a cache in memory that
    carries what one build used over to the next one in the same process (the live server)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._tables: dict[str, CacheTable] = {}

    def table(self, name: str) -> CacheTable:
        if name not in self._tables:
            self._tables[name] = CacheTable(self._read(name))
        return self._tables[name]

    def save(self) -> None:
        """Write every shard that changed; a cache that cannot be written costs only speed."""
        if self.directory is None:
            self._tables = {name: CacheTable([dict(t.kept())]) for name, t in self._tables.items()}
            return
        for name, table in self._tables.items():
            for number, entries in table.changed_shards().items():
                with contextlib.suppress(OSError):
                    self._write(name, number, entries)

    def _path(self, name: str, number: int) -> Path:
        assert self.directory is not None
        return self.directory / name / f"{number:02x}.pickle"

    def _read(self, name: str) -> list[dict[Any, Any]] | None:
        if self.directory is None or not _ours(self.directory):
            return None
        return [self._read_shard(self._path(name, number)) for number in range(SHARDS)]

    @staticmethod
    def _read_shard(path: Path) -> dict[Any, Any]:
        try:
            with open(path, "rb") as stream:
                stamp, entries = pickle.load(stream)  # our own folder: see above
        except Exception:  # missing, unreadable, truncated or from another version
            return {}
        return entries if stamp == fingerprint() and isinstance(entries, dict) else {}

    def _write(self, name: str, number: int, entries: dict[Any, Any]) -> None:
        assert self.directory is not None
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(self.directory):
            return
        folder = self.directory / name
        folder.mkdir(mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{number:02x}.", dir=folder)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                pickle.dump((fingerprint(), entries), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._path(name, number))
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
