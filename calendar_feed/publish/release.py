"""One publish step shared by ``build`` and the live server: schedule + history -> release.

The revision history is read, updated and written under a lock, and only after the
caller has put the new release in place, so a failed build never records changes
that subscribers did not get.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from ..errors import Position, Problem
from ..history import (
    DEFAULT_KEEP_REMOVED_DAYS,
    History,
    HistoryError,
    Release,
    history_lock,
    publish,
    read_history,
    removed_sessions,
    uid_warnings,
    write_history,
)
from ..history.late import late_change_warnings
from ..source.validation import Loaded


@contextlib.contextmanager
def releasing(
    loaded: Loaded,
    history_file: Path | None,
    *,
    now: dt.datetime | None = None,
    keep_removed_days: int = DEFAULT_KEEP_REMOVED_DAYS,
) -> Iterator[Release]:
    """Yield the release for ``loaded``; save the updated history when the block succeeds.

    The caller renders and installs the release inside the ``with`` block; an
    exception there leaves the history as it was. Without a history file
    (``--no-history``) the release is a plain snapshot: SEQUENCE 0, a fixed
    DTSTAMP, and no announcements.
    """
    if history_file is None:
        yield Release(loaded.schedule)
        return
    moment = now or dt.datetime.now(dt.UTC)
    lock = history_lock(history_file) if history_file.parent.is_dir() else contextlib.nullcontext()
    with lock:
        history, warnings = read_history_or_none(history_file)
        if history is not None and history.series != loaded.schedule.series.id:
            warnings.append(
                Problem(
                    Position(str(history_file)),
                    "",
                    f'history is for series "{history.series}", not '
                    f'"{loaded.schedule.series.id}"; changing calendar.id changes every UID',
                    "warning",
                )
            )
        warnings.extend(uid_warnings(history, loaded.schedule, loaded.locations))
        updated, changes = publish(history, loaded.schedule, moment)
        if history is not None:  # the first publish changes nothing people already have
            warnings.extend(
                late_change_warnings(changes, loaded.schedule.series, moment, loaded.locations)
            )
        yield Release(
            schedule=loaded.schedule,
            revisions=updated.revisions(),
            removed=tuple(
                removed_sessions(updated, loaded.schedule.series, moment, keep_removed_days)
            ),
            announcements=updated.announcements,
            changes=tuple(changes),
            warnings=tuple(warnings),
        )
        if changes or history is None:
            write_history(history_file, updated)


def read_history_or_none(history_file: Path | None) -> tuple[History | None, list[Problem]]:
    """For read-only uses (diff, validate): a broken history is a warning, not a failure."""
    if history_file is None:
        return None, []
    try:
        return read_history(history_file), []
    except HistoryError as error:
        return None, [Problem(Position(str(history_file)), "", str(error), "warning")]
