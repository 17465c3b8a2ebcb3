"""gunicorn settings for the benchmark: only a log line when each worker has loaded its app.

The production command has no config file; this hook changes nothing but lets
the benchmark wait until both workers serve before it starts measuring.
"""

from __future__ import annotations

from typing import Any

READY = "calendar-feed bench: worker ready"


def post_worker_init(worker: Any) -> None:
    worker.log.info("%s (pid %s)", READY, worker.pid)
