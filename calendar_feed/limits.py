"""Default limits, in a module without imports, so the command line's options cost nothing.

source.loading, source.parsers, source.validation and history.changes use (and re-export)
them.
"""

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_SESSIONS = 20_000
DEFAULT_KEEP_REMOVED_DAYS = 30
DEFAULT_FEED_WINDOW_DAYS = 365
"""Past sessions the subscription feed, the page and events.json keep, unless set."""
MIN_YEAR, MAX_YEAR = 1900, 2200
"""Dates outside these years are typing mistakes, in an events file or an option, and near
year 1 or 9999 date arithmetic (timezones, durations) overflows."""


def outside_years(text: str) -> str:
    """The complaint about a date outside MIN_YEAR–MAX_YEAR (``text`` as the user typed it)."""
    return f'"{text}" is outside the years {MIN_YEAR}–{MAX_YEAR}'
