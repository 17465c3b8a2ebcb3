"""Watching an events file without ever blocking: what changed, and when to look again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple


class Signature(NamedTuple):
    """What a stat() tells about the file; any change means 'look again'."""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    """Changes with permissions too, so a file made unreadable is noticed at once."""


def stat_signature(path: Path) -> Signature | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Signature(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class DueCheck:
    """Runs a check at most once per interval, by whichever request comes first.

    Others meanwhile go on with what is published, so a re-render never makes a
    crowd wait; the lock is only tried, never waited for.
    """

    def __init__(self, interval: float, clock: Callable[[], float]):
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._next = clock() + interval

    def run_if_due(self, check: Callable[[], None]) -> None:
        if self._clock() >= self._next and self._lock.acquire(blocking=False):
            try:
                if self._clock() >= self._next:
                    check()
                    self._next = self._clock() + self.interval
            finally:
                self._lock.release()
