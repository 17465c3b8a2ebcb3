"""The revision history: what subscribers saw (records), the file it lives in (store),
and what a publish changes, in words (changes)."""

from .changes import (
    DEFAULT_KEEP_REMOVED_DAYS,
    Change,
    ChangeKind,
    Release,
    describe_change,
    plan,
    publish,
    removed_sessions,
    started_history,
    uid_warnings,
)
from .records import Announcement, History, Record
from .store import HistoryError, history_lock, history_path_for, read_history, write_history

__all__ = [
    "DEFAULT_KEEP_REMOVED_DAYS",
    "Announcement",
    "Change",
    "ChangeKind",
    "History",
    "HistoryError",
    "Record",
    "Release",
    "describe_change",
    "history_lock",
    "history_path_for",
    "plan",
    "publish",
    "read_history",
    "removed_sessions",
    "started_history",
    "uid_warnings",
    "write_history",
]
