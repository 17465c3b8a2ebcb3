"""What earlier builds made, reused when everything that shapes it is the same.

A build keeps a few tables (loaded sessions, serialized events, page and JSON
pieces), each a mapping from a digest of a piece's inputs to the piece. Each
table is one pickle file in the cache folder, stamped with a fingerprint of the
code, templates, libraries and Python: a different fingerprint is an empty
table. A table keeps only the entries the last build read or wrote, so it stays
the size of one site. The folder can be deleted at any time: a missing,
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


class CacheTable(MutableMapping[Any, Any]):
    """One table: last build's entries to read, this build's entries to keep."""

    def __init__(self, earlier: dict[Any, Any] | None = None) -> None:
        self._earlier = earlier or {}
        self._kept: dict[Any, Any] = {}
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

    def __delitem__(self, key: Any) -> None:
        self._kept.pop(key, None)
        self._earlier.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._kept or key in self._earlier

    def __iter__(self) -> Iterator[Any]:
        return iter(self._kept | self._earlier)

    def __len__(self) -> int:
        return len(self._kept.keys() | self._earlier.keys())

    @property
    def changed(self) -> bool:
        """Whether the kept entries differ from what was read (a save is needed)."""
        return self._kept.keys() != self._earlier.keys()

    def kept(self) -> dict[Any, Any]:
        return self._kept


class BuildCache:
    """The cache folder of one site; ``None`` as the folder is a cache that keeps nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._tables: dict[str, CacheTable] = {}

    def table(self, name: str) -> CacheTable:
        if name not in self._tables:
            self._tables[name] = CacheTable(self._read(name))
        return self._tables[name]

    def save(self) -> None:
        """Write every table that changed; a cache that cannot be written costs only speed."""
        if self.directory is None:
            return
        for name, table in self._tables.items():
            if table.changed:
                with contextlib.suppress(OSError):
                    self._write(name, table.kept())

    def _path(self, name: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{name}.pickle"

    def _read(self, name: str) -> dict[Any, Any]:
        if self.directory is None or not _ours(self.directory):
            return {}
        try:
            with open(self._path(name), "rb") as stream:
                stamp, entries = pickle.load(stream)
        except Exception:  # missing, unreadable, truncated or from another version
            return {}
        return entries if stamp == fingerprint() and isinstance(entries, dict) else {}

    def _write(self, name: str, entries: dict[Any, Any]) -> None:
        assert self.directory is not None
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(self.directory):
            return
        descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.directory)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                pickle.dump((fingerprint(), entries), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._path(name))
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
