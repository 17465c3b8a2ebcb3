"""Files people open or subscribe to stay under a byte budget, however long the series.

The subscription feeds, events.json, the listing and the poster first keep the series'
``feed_window``. When that still renders past the budget, they keep the sessions
nearest to today (an upcoming one before a past one as far away) and drop the
farthest: the budget is measured on the rendered bytes (render, measure, cut), never
estimated. The archive files keep everything. A cut is noted, with what it kept, for
``build`` and ``validate`` to warn about; outside :func:`noting` nothing is noted.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

SIZE_BUDGET_BYTES = 900 * 1024
"""Google Calendar stops importing a subscribed feed at about 1 MB; a phone slows down
on a page of that size."""

T = TypeVar("T")


@dataclass(frozen=True)
class Cut:
    """What a file kept of its window's sessions when the budget narrowed it."""

    kept: int
    first: dt.date | None
    """The day of the earliest session kept (None when none fit)."""
    last: dt.date | None
    dropped_past: int
    dropped_upcoming: int


_NOTES: contextvars.ContextVar[list[Cut] | None] = contextvars.ContextVar("cuts", default=None)


@contextlib.contextmanager
def noting() -> Iterator[list[Cut]]:
    """Collect the cuts made by the renders inside the block."""
    notes: list[Cut] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def fit(
    items: Sequence[T],
    day: Callable[[T], dt.date],
    today: dt.date,
    render: Callable[[Sequence[T]], bytes],
    budget: int,
) -> bytes:
    """``render(items)``, or, when that passes ``budget`` bytes, the render of the most
    items nearest to ``today`` whose bytes fit (in their own order)."""
    # Nearest first; at the same distance upcoming before past; then the items' order.
    ranked = sorted(
        range(len(items)),
        key=lambda i: (abs((day(items[i]) - today).days), day(items[i]) < today, i),
    )

    def chosen(count: int) -> list[T]:
        return [items[i] for i in sorted(ranked[:count])]

    count, content = _largest_fitting(len(items), lambda k: render(chosen(k)), budget)
    notes = _NOTES.get()
    if notes is not None and count < len(items):
        kept = chosen(count)
        dropped = [items[i] for i in ranked[count:]]
        past = sum(day(item) < today for item in dropped)
        notes.append(
            Cut(
                kept=count,
                first=day(kept[0]) if kept else None,
                last=day(kept[-1]) if kept else None,
                dropped_past=past,
                dropped_upcoming=len(dropped) - past,
            )
        )
    return content


FIRST_TRY = 200
"""Items rendered first when there are more: their size tells whether all of them could
fit before a window of thousands is rendered whole."""


def _largest_fitting(total: int, render: Callable[[int], bytes], budget: int) -> tuple[int, bytes]:
    """The largest count (``total`` if all fit) whose render fits ``budget``, and its bytes.

    A render's size grows about linearly with its count. Counts grow from FIRST_TRY by
    that line, a little past it, until one does not fit or all do; then the next count
    tried is where the line between the nearest fitting and failing counts crosses the
    budget, and every third try halves the interval instead, which bounds the tries
    whatever the sizes. Zero items are kept if even one passes.
    """
    low, low_size, low_bytes = 0, 0, b""
    count = min(total, FIRST_TRY)
    while True:
        content = render(count)
        if len(content) > budget:
            high, high_size = count, len(content)
            break
        low, low_size, low_bytes = count, len(content), content
        if count == total:
            return count, content
        count = min(total, max(count + 1, int(count * budget / max(low_size, 1) * 1.05)))
    tries = 0
    while high - low > 1:
        tries += 1
        if tries % 3 == 0:
            count = (low + high) // 2
        else:
            share = (budget - low_size) / max(high_size - low_size, 1)
            count = min(max(low + int((high - low) * share), low + 1), high - 1)
        content = render(count)
        if len(content) <= budget:
            low, low_size, low_bytes = count, len(content), content
        else:
            high, high_size = count, len(content)
    return low, low_bytes if low else render(0)
