"""HTTP for the live server's bodies: conditional responses, gzip, subscriber options.

Validators and compression for every route, and the feed options read from the
query string."""

from __future__ import annotations

from flask import Response, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.http import http_date, is_resource_modified, parse_etags, quote_etag
from werkzeug.utils import get_content_type

from .. import texts
from ..render.ical import FeedOptions
from ..site.merge import Site
from .versions import Asset

MAX_ALARM_MINUTES = 7 * 24 * 60
PAGE_MAX_AGE = 0
"""The listing is revalidated on every view (cheap with ETags), so edits show at once."""


def feed_choices(
    args: MultiDict[str, str], site: Site
) -> tuple[frozenset[str] | None, str | None, FeedOptions]:
    """A subscriber's series, tag (sites of several series) and options; BadRequest if bad."""
    if site.one_series:
        return None, None, feed_options(args)
    return _series(args, site), _tag(args, site), feed_options(args)


def _series(args: MultiDict[str, str], site: Site) -> frozenset[str] | None:
    values = args.getlist("series")
    if not values:
        return None
    wanted = frozenset(s for value in values for s in value.split(",") if s)
    known = {g.id for g in site.groups}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise BadRequest(
            f"unknown series {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(sorted(known))} (e.g. series=a,b)"
        )
    return wanted


def _tag(args: MultiDict[str, str], site: Site) -> str | None:
    tag = _single(args, "tag")
    if tag is not None and tag not in site.tags:
        raise BadRequest(f"unknown tag {tag!r}; known: {', '.join(site.tags) or 'none'}")
    return tag


def feed_options(args: MultiDict[str, str]) -> FeedOptions:
    """Subscriber options from the query string; BadRequest says what is allowed."""
    include_open = _switch(args, "tba", f"0 {texts.WITHOUT_OPEN_SLOTS}")
    include_cancelled = _switch(args, "cancelled", f"0 {texts.WITHOUT_CANCELLED}")
    alarm = _single(args, "alarm")
    minutes = None
    if alarm is not None:
        if not (alarm.isascii() and alarm.isdigit()) or int(alarm) > MAX_ALARM_MINUTES:
            raise BadRequest(
                f"alarm must be a whole number of minutes from 0 to {MAX_ALARM_MINUTES} "
                "(one week), e.g. alarm=15"
            )
        minutes = int(alarm)
    return FeedOptions(include_open, include_cancelled, minutes)


def _switch(args: MultiDict[str, str], name: str, meaning: str) -> bool:
    value = _single(args, name)
    if value not in (None, "0", "1"):
        raise BadRequest(f"{name} must be 0 or 1 ({meaning})")
    return value != "0"


def _single(args: MultiDict[str, str], name: str) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"{name} may be given only once")
    return values[0] if values else None


def send(asset: Asset, mimetype: str, max_age: int) -> Response:
    """A conditional response: 304 when the client's ETag or date still matches.

    The headers go into the Response as one list, and the condition is checked as
    ``Response.make_conditional`` does for GET and HEAD (the only methods here),
    without its Date header (every WSGI server adds one): setting headers one by
    one through Werkzeug's properties cost a third of a cache hit's time.
    """
    gzipped = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    etag = quote_etag(asset.gzip_etag if gzipped else asset.etag)
    headers = [("Content-Type", get_content_type(mimetype, "utf-8"))]
    if asset.gzipped is not None:
        headers.append(("Vary", "Accept-Encoding"))
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    headers += [
        ("ETag", etag),
        ("Last-Modified", http_date(asset.last_modified)),
        ("Cache-Control", f"public, max-age={max_age}" if max_age else "no-cache"),
    ]
    response = Response(asset.gzipped if gzipped else asset.body, headers=headers)
    environ = request.environ
    if not is_resource_modified(environ, etag, last_modified=asset.last_modified):
        response.status_code = 412 if parse_etags(environ.get("HTTP_IF_MATCH")) else 304
    return response
