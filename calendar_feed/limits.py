"""Default limits, in a module without imports, so the command line's options cost nothing.

source.loading, source.validation and history.changes use (and re-export) them.
"""

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_SESSIONS = 20_000
DEFAULT_KEEP_REMOVED_DAYS = 30
DEFAULT_FEED_WINDOW_DAYS = 365
"""Past sessions the subscription feed, the page and events.json keep, unless set."""
