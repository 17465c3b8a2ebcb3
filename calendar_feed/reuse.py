"""Pieces of output made before, found again by a digest of everything that shapes them.

A large schedule's site is mostly the same after an edit: every other event
serializes to the same bytes, every other page item renders to the same HTML.
A ``Reuse`` looks each piece up in a table (publish/cache.py keeps it between
builds) by a digest of its kind and inputs (the series, the session, its
revision, the options), and makes it only when it is not there. The code,
templates and library versions are not in the key: a table made by other code
is never read (the cache's fingerprint).
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import pickle
from collections.abc import Callable, MutableMapping
from functools import lru_cache
from typing import Any, TypeVar

from .model import Series, Session

T = TypeVar("T")


class Reuse:
    """Look pieces up in ``table``; without one, every piece is made (no digests computed)."""

    def __init__(self, table: MutableMapping[bytes, Any] | None = None) -> None:
        self.table = table
        self._sessions: dict[int, tuple[Session, str]] = {}

    def piece(self, kind: str, parts: tuple[object, ...], make: Callable[[], T]) -> T:
        """``make()``, or what it returned before for the same ``kind`` and ``parts``."""
        if self.table is None:
            return make()
        key = hashlib.blake2b("\x1f".join([kind, *map(str, parts)]).encode(), digest_size=16)
        try:
            return self.table[key.digest()]
        except KeyError:
            value = self.table[key.digest()] = make()
            return value

    def series(self, series: Series) -> str:
        return "" if self.table is None else _digest_of(series)

    def session(self, session: Session) -> str:
        """The session's digest, computed once per session object in this build."""
        if self.table is None:
            return ""
        known = self._sessions.get(id(session))
        if known is None or known[0] is not session:
            known = self._sessions[id(session)] = (session, _digest(session))
        return known[1]


NO_REUSE = Reuse()


@lru_cache(maxsize=64)
def _digest_of(series: Series) -> str:
    """Digest of the series' repr: every field, strings quoted."""
    return hashlib.blake2b(repr(series).encode(errors="surrogatepass"), digest_size=16).hexdigest()


_SESSION_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Session)))


def _digest(session: Session) -> str:
    """Digest of the session's field values, pickled: a faithful encoding of every field
    (zones by name and offset) and, unlike repr, quick enough for 10,000 sessions."""
    values = pickle.dumps(_SESSION_FIELDS(session), protocol=5)
    return hashlib.blake2b(values, digest_size=16).hexdigest()
