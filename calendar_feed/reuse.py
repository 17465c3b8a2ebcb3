"""The one memo layer: pieces of output made before, found again by a digest of their inputs.

A large schedule's site is mostly the same after an edit: every other event
serializes to the same bytes, every other page item renders to the same HTML.
Renderers stay pure functions of their arguments; where a piece is worth
keeping they ask :func:`piece`, which looks it up by a digest of its kind and
inputs (the series, the session, its revision, the options) in the table of the
:func:`reusing` block around the render, and makes it when it is not there.
Outside such a block every piece is made, and no digest is computed. The code,
templates and library versions are not in the key: a table made by other code is
never read (publish/cache.py's fingerprint).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
from collections.abc import Callable, Iterator, MutableMapping
from functools import lru_cache
from typing import Any, TypeVar

import msgpack

from .model import Series, Session, session_values

T = TypeVar("T")


@dataclasses.dataclass
class _Block:
    """The table of one reusing() block, and its session digests."""

    table: MutableMapping[bytes, Any]
    sessions: dict[int, tuple[Session, str]] = dataclasses.field(default_factory=dict)
    """Each session's digest, computed once per session object in the block."""


_ACTIVE: contextvars.ContextVar[_Block | None] = contextvars.ContextVar("reuse", default=None)


@contextlib.contextmanager
def reusing(table: MutableMapping[bytes, Any] | None) -> Iterator[None]:
    """Renders inside the block find their pieces in ``table`` and keep new ones there;
    ``None`` makes every piece (as outside any block)."""
    token = _ACTIVE.set(_Block(table) if table is not None else None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def piece(kind: str, parts: tuple[object, ...], make: Callable[[], T]) -> T:
    """``make()``, or what it returned before for the same ``kind`` and ``parts``.

    ``make`` returns plain data (bytes, text, numbers, tuples of them): what the build
    cache can store without a format that runs code when it is read."""
    block = _ACTIVE.get()
    if block is None:
        return make()
    key = hashlib.blake2b("\x1f".join([kind, *map(str, parts)]).encode(), digest_size=16)
    try:
        return block.table[key.digest()]  # type: ignore[no-any-return]
    except KeyError:
        value = block.table[key.digest()] = make()
        return value


def series_digest(series: Series) -> str:
    """What identifies the series in a piece's key ("" when nothing is reused)."""
    return "" if _ACTIVE.get() is None else _digest_of(series)


def session_digest(session: Session) -> str:
    """What identifies the session in a piece's key ("" when nothing is reused)."""
    block = _ACTIVE.get()
    if block is None:
        return ""
    known = block.sessions.get(id(session))
    if known is None or known[0] is not session:
        known = block.sessions[id(session)] = (session, _digest(session))
    return known[1]


@lru_cache(maxsize=64)
def _digest_of(series: Series) -> str:
    """Digest of the series' repr: every field, strings quoted."""
    return hashlib.blake2b(repr(series).encode(errors="surrogatepass"), digest_size=16).hexdigest()


def _digest(session: Session) -> str:
    """Digest of the session's plain values in MessagePack: every field (times with their
    offset and zone) and, unlike repr, quick enough for 10,000 sessions."""
    values = msgpack.packb(session_values(session), use_bin_type=True)
    return hashlib.blake2b(values, digest_size=16).hexdigest()
