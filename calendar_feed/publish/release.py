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

from ..errors import Position, Problem, ValidationError
from ..history import (
    DEFAULT_KEEP_REMOVED_DAYS,
    History,
    Release,
    StoredHistory,
    backup_path_for,
    damaged_path_for,
    history_lock,
    publish,
    read_stored_history,
    removed_sessions,
    set_aside,
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
    reset_history: bool = False,
) -> Iterator[Release]:
    """Yield the release for ``loaded``; save the updated history when the block succeeds.

    The caller renders and installs the release inside the ``with`` block; an
    exception there leaves the history as it was. Without a history file
    (``--no-history``) the release is a plain snapshot: SEQUENCE 0, a fixed
    DTSTAMP, and no announcements.

    A damaged history is recovered from its backup; without one, nothing is
    published (a ValidationError naming the file) unless ``reset_history`` allows
    a new history. A damaged file is renamed aside, never overwritten.
    """
    if history_file is None:
        yield Release(loaded.schedule)
        return
    moment = now or dt.datetime.now(dt.UTC)
    lock = history_lock(history_file) if history_file.parent.is_dir() else contextlib.nullcontext()
    with lock:
        stored = read_stored_history(history_file)
        if stored.damage and stored.history is None and not reset_history:
            raise ValidationError([_damaged_history_problem(history_file, stored.damage)])
        history = stored.history
        warnings = _recovery_warnings(history_file, stored, moment)
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
        updated, changes = publish(history, loaded.schedule, moment)
        warnings.extend(uid_warnings(history, loaded.schedule, loaded.locations, changes))
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
        if changes or history is None or stored.damage:
            if stored.damage:
                set_aside(history_file, moment)
            write_history(history_file, updated)


def read_history_or_none(history_file: Path | None) -> tuple[History | None, list[Problem]]:
    """For read-only uses (diff, validate): a broken history is a warning, not a failure."""
    if history_file is None:
        return None, []
    stored = read_stored_history(history_file)
    if stored.damage and stored.history is None:
        problem = _damaged_history_problem(history_file, stored.damage)
        return None, [Problem(problem.position, "", problem.message, "warning")]
    return stored.history, _recovery_warnings(history_file, stored)


def _recovery_warnings(
    history_file: Path, stored: StoredHistory, moment: dt.datetime | None = None
) -> list[Problem]:
    if stored.recovered_from is not None:
        what = f"damaged: {stored.damage}" if stored.damage else "missing"
        message = (
            f"the revision history is {what}; recovered it from {stored.recovered_from} "
            "(the copy saved with the last publish)"
        )
    elif stored.damage:
        message = (
            f"the revision history is damaged: {stored.damage}; started a new one "
            "(--reset-history): every SEQUENCE restarts at 0"
        )
    else:
        return []
    if stored.damage and moment is not None:
        message += f"; the damaged file is kept as {damaged_path_for(history_file, moment).name}"
    return [Problem(Position(str(history_file)), "", message, "warning")]


def _damaged_history_problem(history_file: Path, damage: str) -> Problem:
    message = (
        f"the revision history is damaged: {damage}, and its backup "
        f"{backup_path_for(history_file).name} is missing or damaged too. Nothing is "
        "published: a new history would lower SEQUENCE numbers, and calendar apps would "
        "ignore later edits. Restore the file (e.g. `git checkout -- "
        f"{history_file.name}`), or start a new history with --reset-history "
        "(the damaged file is kept)"
    )
    return Problem(Position(str(history_file)), "", message)
