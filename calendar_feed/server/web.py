"""The live server: ``create_app()`` and its routes (Flask stays inside this package).

One set of routes for both kinds of site: every body comes ready-made from
:mod:`calendar_feed.server.live`, which renders with the same code as
``calendar-feed build``; this module looks the requested path up in the version
and wraps the body in HTTP as its output (``render.outputs``) calls for:
validators, caching, compression and security headers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import host_is_trusted

from .. import texts
from ..history import DEFAULT_KEEP_REMOVED_DAYS
from ..render.outputs import Scope
from ..render.templating import environment
from ..site.merge import HistoryFiles
from ..site.pages import EMBED_FILE, page_policy
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS
from .live import CHECK_INTERVAL, SETTLE_SECONDS, Publisher
from .responses import PAGE_MAX_AGE, feed_choices, send

DEFAULTS: dict[str, Any] = {
    "EVENTS_FILE": "events.yaml",
    "BASE_URL": "",
    "PROXY_FIX": 0,
    "CHECK_INTERVAL": CHECK_INTERVAL,
    "SETTLE_SECONDS": SETTLE_SECONDS,
    "MAX_BYTES": DEFAULT_MAX_BYTES,
    "MAX_SESSIONS": DEFAULT_MAX_SESSIONS,
    "TODAY": None,
    "HISTORY_FILE": None,
    "KEEP_REMOVED_DAYS": DEFAULT_KEEP_REMOVED_DAYS,
    "RESET_HISTORY": False,
}
"""Configuration keys; each can also be set as an environment variable ``CALENDAR_FEED_<KEY>``."""

STYLE_MAX_AGE = 3600
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""Only the site's own script file (copy.js), never inline script; the QR code is inline
SVG markup, which needs no permission."""

SESSION_PATH = re.compile(r"(?:[^/]+/)?events/[^/]+\.ics")

bp = Blueprint("feed", __name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then ``CALENDAR_FEED_*`` variables, then ``config``.

    The events file (or site file) is loaded here, so an invalid file fails at
    start-up with a ValidationError listing every problem, not at the first request.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CALENDAR_FEED")
    if config:
        app.config.from_mapping(config)
    cfg = app.config
    app.extensions["calendar_feed"] = Publisher(
        cfg["EVENTS_FILE"],
        base_url=cfg["BASE_URL"] or "",
        check_interval=float(cfg["CHECK_INTERVAL"]),
        settle=float(cfg["SETTLE_SECONDS"]),
        max_bytes=int(cfg["MAX_BYTES"]),
        max_sessions=int(cfg["MAX_SESSIONS"]),
        today=_date(cfg["TODAY"]),
        history_file=_history(cfg["HISTORY_FILE"]),
        keep_removed_days=int(cfg["KEEP_REMOVED_DAYS"]),
        reset_history=bool(cfg["RESET_HISTORY"]),
    )
    proxies = int(cfg["PROXY_FIX"] or 0)
    if proxies:
        # Trust X-Forwarded-* only from this many proxies, and only when asked to.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # /healthz reads top-down
    # Only GET and HEAD, as documented: no automatic OPTIONS answer (Flask >= 3.1).
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.before_request(_host_name_only)
    app.register_blueprint(bp)
    for code in (400, 404, 405):
        app.register_error_handler(code, _error_page)
    app.after_request(_security_headers)
    return app


def _host_name_only() -> None:
    """A Host header that is not a host name (``a"><script>``) is refused with 400, as
    Werkzeug's own check (``host_is_trusted``) reads it: pages build their links from it.
    Set ``TRUSTED_HOSTS`` (``CALENDAR_FEED_TRUSTED_HOSTS='["example.edu"]'``) to name the
    hosts themselves; Flask then refuses every other one."""
    host = request.headers.get("Host")
    if host is not None and not host_is_trusted(host):
        raise BadRequest(texts.BAD_HOST)


def _date(value: Any) -> dt.date | None:
    """TODAY from config or the environment ('2024-09-20'): fixes the upcoming/past split."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _history(value: Any) -> HistoryFiles:
    """None (default): beside each series' events files, as for ``build``; False or "": none."""
    if value is None:
        return True
    return Path(value) if value else None


def publisher() -> Publisher:
    return current_app.extensions["calendar_feed"]  # type: ignore[no-any-return]


@bp.get("/")
def index() -> Response:
    return _serve("index.html")


@bp.get("/embed")
def embed() -> Response:
    """The embed page of several series (404 on a site of one, which has none)."""
    return _serve(EMBED_FILE)


@bp.get("/healthz")
def healthz() -> Response:
    response = current_app.json.response(publisher().health())
    response.cache_control.no_store = True
    return response


@bp.get("/<path:name>")
def site_file(name: str) -> Response:
    """Any file of the site by its path: a lookup in the version, never a disk path."""
    if name.endswith("/"):
        name += "index.html"
    if name == "index.html" and publisher().config.one_series:
        raise NotFound()  # a single series' listing is at / only, as its links are
    return _serve(name)


def _serve(name: str) -> Response:
    """The file at ``name`` with the headers its output calls for (render.outputs)."""
    pub = publisher()
    state = pub.state()
    version = state.version
    found = version.paths.get(name)
    if found is None:
        raise NotFound(texts.NO_SUCH_SESSION if SESSION_PATH.fullmatch(name) else None)
    output, target = found
    if output.page:
        site_url = request.url_root if version.by_address else ""
        asset = version.page(name, site_url, pub.day, state.problems, state.since)
        response = send(asset, output.media_type, PAGE_MAX_AGE)
        if not version.site.one_series:  # the department's pages run an inline script by hash
            ancestors = pub.config.frame_ancestors if output.framed else ()
            response.headers["Content-Security-Policy"] = page_policy(ancestors)
        return response
    if output.feed:
        series, tag, options = feed_choices(request.args, version.site)
        asset = version.feed(options, name, series, tag)
        response = send(asset, output.media_type, version.max_age)
        # Inline, so calendar apps subscribe instead of browsers only downloading it.
        response.headers.set("Content-Disposition", "inline", filename=version.feed_name(name))
        return response
    max_age = STYLE_MAX_AGE if output.static else version.max_age
    response = send(version.files[name], output.media_type, max_age)
    if output.scope is Scope.SESSION:
        assert target.session is not None
        filename = f"{target.series_group.id}-{target.session.key}.ics"
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def _error_page(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """A short page in the site's style instead of Werkzeug's bare default."""
    code = error.code or 500
    message = error.description
    if not message or message == type(error).description:
        message = texts.ERROR_MESSAGES.get(code, "")
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if allowed := getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(allowed)
    # Plain paths, not url_for(): routing may be what failed (e.g. an untrusted Host).
    page = (
        environment()
        .get_template("error.html")
        .render(
            code=code,
            title=texts.ERROR_TITLES.get(code, texts.ERROR_TITLE),
            message=message,
            root=request.script_root,
        )
    )
    return page, code, headers


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


def _security_headers(response: Response) -> Response:
    """Added unless the response has its own; one pass, not a lookup and a set per header."""
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend([(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present])
    return response
