"""calendar-feed: one events.yaml, published as an iCalendar feed and a web listing."""

from __future__ import annotations

from typing import Any

from .version import __version__

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    """``calendar_feed.create_app`` without importing Flask for every CLI command.

    Lets ``flask --app calendar_feed run`` and ``gunicorn 'calendar_feed:create_app()'``
    find the factory while ``calendar-feed validate`` stays quick.
    """
    if name == "create_app":
        from .server.web import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
