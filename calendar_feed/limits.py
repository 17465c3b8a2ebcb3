"""Default limits, in a module without imports, so the command line's options cost nothing.

source.loading, source.validation and history.changes use (and re-export) them.
"""

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_SESSIONS = 20_000
DEFAULT_KEEP_REMOVED_DAYS = 30
