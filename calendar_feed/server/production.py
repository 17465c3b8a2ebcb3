"""``calendar-feed serve`` under gunicorn, through its embedding API.

The README's one-line start is a production server: pre-forked workers, graceful
shutdown on SIGTERM, no development-server warning. The app is created once in
the master before the workers fork (``preload_app``), so an invalid events file
stops the command with its list of errors, the first publish (and history
write) happens once, and workers start serving at once; after that each worker
follows edits itself, publishing against one history file under a lock.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """Enough for a seminar's feed on a small host: cores + 1, at most 4.

    Every response is ready-made in memory, so a worker is busy only while it
    sends bytes; more workers mostly cost memory (one copy of the site each).
    """
    return min(4, (os.cpu_count() or 1) + 1)


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: Mapping[str, Any]):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve ``app`` until SIGTERM or SIGINT; returns after a graceful shutdown."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": [bind],
        "workers": workers,
        "worker_class": "sync",
        "preload_app": True,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "calendar-feed",
    }
    _Server(app, options).run()
