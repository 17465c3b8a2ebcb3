"""The live server: ``create_app()`` and its routes (Flask stays inside this package).

Every body comes ready-made from :mod:`calendar_feed.server.live`, which renders with the
same code as ``calendar-feed build``; this module only picks the right one and
wraps it in HTTP: validators, caching, compression and security headers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import texts
from ..errors import OptionError
from ..history import DEFAULT_KEEP_REMOVED_DAYS, history_path_for
from ..render.listing import SCRIPT, STYLESHEET
from ..render.outputs import MEDIA_TYPES
from ..render.templating import environment
from ..site.site_file import read_site_config
from ..source.loading import DEFAULT_MAX_BYTES
from ..source.validation import DEFAULT_MAX_SESSIONS
from ..urls import FEED_FILE, JSON_FILE
from .live import CHECK_INTERVAL, SETTLE_SECONDS, Publisher
from .responses import PAGE_MAX_AGE, feed_max_age, feed_options, send

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

bp = Blueprint("feed", __name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then ``CALENDAR_FEED_*`` variables, then ``config``.

    The events file is loaded here, so an invalid file fails at start-up with a
    ValidationError listing every problem, not at the first request.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CALENDAR_FEED")
    if config:
        app.config.from_mapping(config)
    cfg = app.config
    blueprint = bp
    if not read_site_config(cfg["EVENTS_FILE"], int(cfg["MAX_BYTES"])).one_series:
        from .site_web import site_bp, site_publisher

        if cfg["HISTORY_FILE"]:
            raise OptionError(
                "--history names one history file, and a site file keeps one beside each "
                "series' events files (leave --history out, or use --no-history)"
            )
        history = cfg["HISTORY_FILE"] is None
        app.extensions["calendar_feed_site"] = site_publisher(cfg, _date(cfg["TODAY"]), history)
        blueprint = site_bp
    else:
        app.extensions["calendar_feed"] = _publisher(cfg)
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
    app.register_blueprint(blueprint)
    for code in (400, 404, 405):
        app.register_error_handler(code, _error_page)
    app.after_request(_security_headers)
    return app


def _publisher(cfg: Mapping[str, Any]) -> Publisher:
    return Publisher(
        cfg["EVENTS_FILE"],
        base_url=cfg["BASE_URL"] or "",
        check_interval=float(cfg["CHECK_INTERVAL"]),
        settle=float(cfg["SETTLE_SECONDS"]),
        max_bytes=int(cfg["MAX_BYTES"]),
        max_sessions=int(cfg["MAX_SESSIONS"]),
        today=_date(cfg["TODAY"]),
        history_file=_history_file(cfg["HISTORY_FILE"], cfg["EVENTS_FILE"]),
        keep_removed_days=int(cfg["KEEP_REMOVED_DAYS"]),
        reset_history=bool(cfg["RESET_HISTORY"]),
    )


def _date(value: Any) -> dt.date | None:
    """TODAY from config or the environment ('2024-09-20'): fixes the upcoming/past split."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _history_file(value: Any, events_file: str) -> Path | None:
    """None (default): beside the events file, as for ``build``; False or "": no history."""
    if value is None:
        return history_path_for(events_file)
    return Path(value) if value else None


def publisher() -> Publisher:
    return current_app.extensions["calendar_feed"]  # type: ignore[no-any-return]


@bp.get("/")
def listing() -> Response:
    pub = publisher()
    state = pub.state()
    return send(pub.listing(state, request.url_root), "text/html", PAGE_MAX_AGE)


@bp.get(f"/{STYLESHEET}")
def stylesheet() -> Response:
    return send(publisher().state().version.files[STYLESHEET], "text/css", STYLE_MAX_AGE)


@bp.get("/poster.html")
def poster() -> Response:
    """The term on one A4 page; like the listing, its links follow the request's address."""
    version = publisher().state().version
    return send(version.poster(request.url_root), "text/html", PAGE_MAX_AGE)


@bp.get(f"/{SCRIPT}")
def script() -> Response:
    return send(publisher().state().version.files[SCRIPT], "text/javascript", STYLE_MAX_AGE)


@bp.get(f"/{FEED_FILE}")
def calendar() -> Response:
    options = feed_options(request.args)
    version = publisher().state().version
    response = send(version.feed(options), "text/calendar", feed_max_age(version))
    # Inline, so calendar apps subscribe instead of browsers only downloading it.
    response.headers.set(
        "Content-Disposition", "inline", filename=f"{version.schedule.series.id}.ics"
    )
    return response


@bp.get("/events/<key>.ics")
def session(key: str) -> Response:
    version = publisher().state().version
    found = version.session(key)
    if found is None:
        raise NotFound(texts.NO_SUCH_SESSION)
    event, asset = found
    response = send(asset, "text/calendar", feed_max_age(version))
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=f"{version.schedule.series.id}-{event.key}.ics",
    )
    return response


@bp.get(f"/{JSON_FILE}")
def events_json() -> Response:
    version = publisher().state().version
    return send(version.files[JSON_FILE], "application/json", feed_max_age(version))


@bp.get("/<path:name>")
def site_file(name: str) -> Response:
    """Any other file of the rendered site (and only those): a lookup, never a disk path."""
    version = publisher().state().version
    asset = version.files.get(name)
    suffix = name.rpartition(".")[2]
    if asset is None or suffix not in MEDIA_TYPES:
        raise NotFound()
    return send(asset, MEDIA_TYPES[suffix], feed_max_age(version))


@bp.get("/healthz")
def healthz() -> Response:
    response = current_app.json.response(publisher().health())
    response.cache_control.no_store = True
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
