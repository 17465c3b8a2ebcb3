"""The framework floor: the smallest Flask app that serves the same feed with the same headers.

It holds the bytes and headers the live server sent (saved by the benchmark)
and answers GET /calendar.ics with them, or with a 304 when If-None-Match
matches, so the difference to the live server is what our request path costs.
Run as ``gunicorn --pythonpath bench 'floor_app:create_app()'``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask, Response, request


def create_app() -> Flask:
    body = Path(os.environ["BENCH_FLOOR_BODY"]).read_bytes()
    saved = json.loads(Path(os.environ["BENCH_FLOOR_HEADERS"]).read_text("utf-8"))
    full, not_modified = saved["200"], saved["304"]
    etag = next(v for k, v in full.items() if k.lower() == "etag")
    app = Flask(__name__)

    @app.get("/calendar.ics")
    def feed() -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=not_modified)
        return Response(body, headers=full)

    return app
