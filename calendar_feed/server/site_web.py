"""Routes for a department (``serve SITE.yaml``): the same files as the static build,
feeds filtered by ``?series=``, ``?tag=`` and the subscriber options, and /embed.

create_app() in web.py picks these routes when its file is a site file; bodies
come from department.live, HTTP handling (validators, gzip) from web.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import BadRequest, NotFound

from ..render.ical import FeedOptions
from ..render.outputs import MEDIA_TYPES
from ..site.feeds import query_for_path
from ..site.pages import EMBED_FILE, page_policy
from .responses import PAGE_MAX_AGE, feed_options, send
from .site_live import SitePublisher
from .versions import Asset

site_bp = Blueprint("site", __name__)
FEED_MAX_AGE = 3600


def site_publisher(cfg: Any, today: Any, history: bool) -> SitePublisher:
    return SitePublisher(
        cfg["EVENTS_FILE"],
        check_interval=float(cfg["CHECK_INTERVAL"]),
        settle=float(cfg["SETTLE_SECONDS"]),
        max_bytes=int(cfg["MAX_BYTES"]),
        max_sessions=int(cfg["MAX_SESSIONS"]),
        today=today,
        history=history,
        keep_removed_days=int(cfg["KEEP_REMOVED_DAYS"]),
        reset_history=bool(cfg["RESET_HISTORY"]),
        base_url=cfg["BASE_URL"] or "",
    )


def publisher() -> SitePublisher:
    return current_app.extensions["calendar_feed_site"]  # type: ignore[no-any-return]


def _page(asset: Asset, frame_ancestors: tuple[str, ...] = ()) -> Response:
    response = send(asset, "text/html", PAGE_MAX_AGE)
    response.headers["Content-Security-Policy"] = page_policy(frame_ancestors)
    return response


@site_bp.get("/")
def index() -> Response:
    return _page(publisher().state().files["index.html"])


@site_bp.get("/embed")
def embed() -> Response:
    pub = publisher()
    return _page(pub.state().files[EMBED_FILE], pub.config.frame_ancestors)


@site_bp.get("/healthz")
def healthz() -> Response:
    response = current_app.json.response(publisher().health())
    response.cache_control.no_store = True
    return response


@site_bp.get("/<path:name>")
def site_file(name: str) -> Response:
    """A file of the site by its path (a lookup, never a disk path); feeds take filters."""
    pub = publisher()
    version = pub.state()
    if name == EMBED_FILE:
        return embed()
    if name.endswith("/"):
        name += "index.html"
    query = query_for_path(version.department, name) if name.endswith(".ics") else None
    if query is not None:
        return _feed(version, name, query)
    asset = version.files.get(name)
    suffix = name.rpartition(".")[2]
    if asset is None or suffix not in MEDIA_TYPES:
        raise NotFound()
    if suffix == "html":
        return _page(asset)
    return send(asset, MEDIA_TYPES[suffix], FEED_MAX_AGE)


def _feed(version: Any, name: str, query: Any) -> Response:
    series = _series_filter(version)
    tag = _tag_filter(version)
    options = feed_options(request.args)
    if series is None and tag is None and options == FeedOptions():
        asset = version.files[name]
    else:
        asset = version.feed(query.narrowed(series, tag, options))
    response = send(asset, "text/calendar", FEED_MAX_AGE)
    response.headers.set("Content-Disposition", "inline", filename=name.replace("/", "-"))
    return response


def _series_filter(version: Any) -> frozenset[str] | None:
    values = request.args.getlist("series")
    if not values:
        return None
    wanted = frozenset(s for value in values for s in value.split(",") if s)
    known = {g.id for g in version.department.groups}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise BadRequest(
            f"unknown series {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(sorted(known))} (e.g. series=a,b)"
        )
    return wanted


def _tag_filter(version: Any) -> str | None:
    values = request.args.getlist("tag")
    if len(values) > 1:
        raise BadRequest("tag may be given only once")
    if not values:
        return None
    known = version.department.tags
    if values[0] not in known:
        raise BadRequest(f"unknown tag {values[0]!r}; known: {', '.join(known) or 'none'}")
    return values[0]
