"""``python -m calendar_feed``: the same command as ``calendar-feed``."""

from .cli import main

main(prog_name="calendar-feed")
