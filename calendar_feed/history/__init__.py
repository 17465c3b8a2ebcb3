"""The revision history: what subscribers saw, its file, and what a publish changes.

records holds what was seen, store the file it lives in, changes what a publish
changes and how it is told."""

from .changes import (
    DEFAULT_KEEP_REMOVED_DAYS,
    Change,
    Release,
    describe_change,
    plan,
    publish,
    removed_sessions,
    started_history,
    uid_warnings,
)
from .records import History
from .store import (
    StoredHistory,
    backup_path_for,
    damaged_path_for,
    history_lock,
    history_path_for,
    read_stored_history,
    set_aside,
    write_history,
)

__all__ = [
    "DEFAULT_KEEP_REMOVED_DAYS",
    "Change",
    "History",
    "Release",
    "StoredHistory",
    "backup_path_for",
    "damaged_path_for",
    "describe_change",
    "history_lock",
    "history_path_for",
    "plan",
    "publish",
    "read_stored_history",
    "removed_sessions",
    "set_aside",
    "started_history",
    "uid_warnings",
    "write_history",
]
