"""Serving measurements: the live server, the framework floor, nginx static and the proxy
cache under wrk, and how long the proxy keeps serving a feed after an edit."""

from __future__ import annotations

import re
import shutil
import struct
import time
from pathlib import Path

import load
import servers
from harness import BENCH, Harness
from live import append_session, edit_to_live, wait_new
from procs import BenchError, fetch, process_tree_rss_mb
from results import ProxyCheck, ServeCase, ServeSize


def serve_size(h: Harness, size: int) -> None:
    result = ServeSize(size)
    h.results.serves.append(result)
    work = h.tmp / f"serve-{size}"
    work.mkdir()
    events = work / "events.yaml"
    shutil.copyfile(h.files[size], events)
    site = work / "site"
    h.timed(h.build(events, site, history=None, today=None))
    session = "/events/" + sorted(p.name for p in (site / "events").iterdir())[0]
    cases = {
        "feed 200": ("/calendar.ics", 200),
        "feed 304": ("/calendar.ics", 304),
        "listing": ("/", 200),
        "one session": (session, 200),
    }
    boot = 300 if size >= 10_000 else 60
    with servers.calendar_feed_serve(events, env=h.env, workdir=work, timeout=boot) as (
        port,
        process,
    ):
        feed = fetch(port, "/calendar.ics")
        result.feed_bytes, result.server_header = len(feed.body), feed.header("Server")
        load_cases(h, result, "calendar-feed", port, cases)
        result.server_rss_mb = process_tree_rss_mb(process.pid)
        floor_env = {**h.env, **servers.save_floor_response(port, "/calendar.ics", work)}
        with servers.gunicorn(
            "floor_app:create_app()",
            env=floor_env,
            workdir=work,
            name="floor",
            timeout=60,
            pythonpath=BENCH,
        ) as (floor_port, _):
            floor_cases = {k: v for k, v in cases.items() if k.startswith("feed")}
            load_cases(h, result, "Flask floor", floor_port, floor_cases)
        static = servers.static_server_block(site, work / "static-access.log")
        with servers.nginx(static, workdir=work, name="nginx-static") as nginx_port:
            load_cases(h, result, "nginx static", nginx_port, cases)
        cache = work / "proxy-cache"
        proxied = servers.proxy_server_block(port, cache, work / "proxy-access.log")
        with servers.nginx(proxied, workdir=work, name="nginx-proxy") as proxy_port:
            load_cases(h, result, "proxy cache", proxy_port, cases)
            result.proxy = check_proxy(proxy_port, port, cache, events)
        edit_to_live(h, f"{size:,} sessions", events, port)


def load_cases(
    h: Harness, result: ServeSize, server: str, port: int, cases: dict[str, tuple[str, int]]
) -> None:
    for case, (path, expected) in cases.items():
        outcome = ServeCase(server, case)
        result.cases.append(outcome)
        try:
            first = fetch(port, path)  # also fills a cache in front, if there is one
            headers = {}
            if expected == 304:
                headers["If-None-Match"] = first.header("ETag")
            check = fetch(port, path, headers)
            if check.status != expected or (expected == 200 and not check.body):
                raise BenchError(f"GET {path} gave {check.status}, expected {expected}")
            if not h.args.quick:  # steady state: caches filled, workers warm
                load.run_wrk(port, path, 1, headers)
            outcome.rate = load.run_wrk(port, path, h.args.duration, headers)
        except BenchError as error:
            outcome.error = str(error)


def check_proxy(proxy: int, upstream: int, cache: Path, events: Path) -> ProxyCheck:
    """An edit reaches the server at once; the proxy serves its copy until max-age ends."""
    check = ProxyCheck()
    fetch(proxy, "/calendar.ics")
    before = fetch(proxy, "/calendar.ics")
    check.hit_before_edit = before.header("X-Cache-Status") == "HIT"
    control = before.header("Cache-Control")
    found = re.search(r"max-age=(\d+)", control)
    check.max_age = int(found.group(1)) if found else 0
    marker, started = append_session(events, atomic=True)
    wait_new(upstream, before.header("ETag"), marker, started, 120)
    check.upstream_new_after_s = time.perf_counter() - started
    after = fetch(proxy, "/calendar.ics")
    check.served_from_cache_after_edit = (
        after.header("ETag") == before.header("ETag") and after.header("X-Cache-Status") == "HIT"
    )
    lifetimes = cache_lifetimes(cache, "/calendar.ics")
    if lifetimes:
        check.cache_lifetime = max(lifetimes)
    else:
        check.note = "could not read nginx's cache entry for /calendar.ics"
    return check


def cache_lifetimes(cache: Path, uri: str) -> list[int]:
    """Seconds nginx keeps each cached copy of ``uri``, read from its cache files' headers.

    An nginx cache file starts with a binary header (version, valid_sec,
    updating_sec, error_sec, last_modified, date, ...) followed by "KEY: ...".
    valid_sec - date is how long the copy is served before it is revalidated.
    """
    lifetimes = []
    for path in cache.rglob("*"):
        if not path.is_file():
            continue
        head = path.read_bytes()[:2048]
        key = re.search(rb"\nKEY: ([^\n]*)\n", head)
        if not key or not key.group(1).endswith(uri.encode()):
            continue
        version, valid_sec, _, _, _, date = struct.unpack_from("<Qqqqqq", head)
        if version == 5 and valid_sec > date > 0:
            lifetimes.append(valid_sec - date)
    return lifetimes
