"""``calendar-feed serve`` under gunicorn, through its embedding API.

The README's one-line start is a production server: pre-forked workers with a pool
of threads each (so slow clients hold threads, not whole workers), graceful shutdown
on SIGTERM, no development-server warning. The app is created once in
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

THREADS = 100
"""Threads per worker. Each connection in the middle of a request holds one: a client
that never finishes its headers or never reads the answer holds it until it gives up.
The pool starts threads only when they are needed, so a quiet server runs a handful."""
WORKER_CONNECTIONS = 1000
"""Open connections per worker (gunicorn's default); kept-alive ones wait in the
worker's poller and hold no thread, and so does a new one that sends nothing for 5 s."""
KEEPALIVE = 5
"""Seconds an idle kept-alive connection stays open (calendar apps poll rarely)."""
LIMIT_REQUEST_LINE = 4094
LIMIT_REQUEST_FIELDS = 50
LIMIT_REQUEST_FIELD_SIZE = 8190
"""A request's head is small (a GET with a few options): longer lines, more headers or
longer ones are answered 400 at once."""


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
        # Threads, not sync workers: a sync worker serves one connection at a time, so a
        # few clients that never finish their headers or never read stall every worker.
        "worker_class": "gthread",
        "threads": THREADS,
        "worker_connections": WORKER_CONNECTIONS,
        "keepalive": KEEPALIVE,
        "limit_request_line": LIMIT_REQUEST_LINE,
        "limit_request_fields": LIMIT_REQUEST_FIELDS,
        "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
        "preload_app": True,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "calendar-feed",
    }
    _Server(app, options).run()
