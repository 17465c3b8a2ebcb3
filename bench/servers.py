"""The servers the benchmark compares, each on its own port on 127.0.0.1.

- ours: ``calendar-feed serve --workers 2``, the production command (gunicorn through
  its embedding API, access log on standard output);
- the framework floor: a minimal Flask app (floor_app.py) on the same gunicorn setup
  (sync workers, access log on standard output);
- nginx serving the output of ``calendar-feed build`` (the limit of this machine);
- nginx with deploy/nginx-proxy-cache.conf in front of ours.

nginx runs in the foreground with every path (config, pid, logs, cache, temp
files) in the run's temporary directory.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from gunicorn_conf import READY
from procs import HOST, BenchError, Reply, fetch, free_port, listening, service

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PROXY_CONFIG = REPO / "deploy" / "nginx-proxy-cache.conf"
WORKERS = 2
HOP_HEADERS = {"date", "server", "connection", "content-length", "transfer-encoding", "keep-alive"}

# What the proxy config says for production, and what the benchmark puts instead.
PROXY_PLACEHOLDERS = {
    "listen": "listen 80;",
    "upstream": "server 127.0.0.1:8000;",
    "cache": "/var/cache/nginx/calendar-feed",
    "access_log": "/var/log/nginx/calendar-feed.access.log",
}


def nginx_version() -> str:
    if not shutil.which("nginx"):
        return "not installed"
    result = subprocess.run(["nginx", "-v"], capture_output=True, text=True, timeout=10)
    return (result.stderr or result.stdout).strip().removeprefix("nginx version: ")


@contextlib.contextmanager
def gunicorn(
    app: str,
    *,
    env: Mapping[str, str],
    workdir: Path,
    name: str,
    timeout: float,
    pythonpath: Path | None = None,
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn with 2 sync workers on a free port, once both workers have loaded the app."""
    port = free_port()
    log = workdir / f"{name}.log"
    log.write_bytes(b"")
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--workers", str(WORKERS),
        "--graceful-timeout", "5",
        "--config", str(BENCH / "gunicorn_conf.py"),
        "--access-logfile", "-",  # as `calendar-feed serve` logs every request
    ]  # fmt: skip
    if pythonpath:
        command += ["--pythonpath", str(pythonpath)]
    command.append(app)

    def ready() -> bool:
        return log.read_text("utf-8", "replace").count(READY) >= WORKERS

    with service(command, env=env, log=log, ready=ready, timeout=timeout, cwd=workdir) as process:
        yield port, process


@contextlib.contextmanager
def calendar_feed_serve(
    events: Path, *, env: Mapping[str, str], workdir: Path, timeout: float
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``calendar-feed serve`` as the README runs it, once its workers answer /healthz."""
    port = free_port()
    log = workdir / "ours.log"
    log.write_bytes(b"")
    command = [
        sys.executable, "-m", "calendar_feed", "serve", str(events),
        "--port", str(port), "--workers", str(WORKERS), "--max-bytes", "0",
    ]  # fmt: skip

    def ready() -> bool:
        if log.read_text("utf-8", "replace").count("Booting worker") < WORKERS:
            return False
        try:
            return fetch(port, "/healthz").status == 200
        except BenchError:
            return False

    with service(command, env=env, log=log, ready=ready, timeout=timeout, cwd=workdir) as process:
        yield port, process


def save_floor_response(port: int, path: str, directory: Path) -> dict[str, str]:
    """Save the live server's feed bytes and headers (200 and 304) for the framework floor."""
    full = fetch(port, path)
    etag = full.header("ETag")
    not_modified = fetch(port, path, {"If-None-Match": etag})
    if full.status != 200 or not_modified.status != 304:
        raise BenchError(
            f"expected 200 and 304 from {path}, got {full.status}, {not_modified.status}"
        )
    (directory / "floor.body").write_bytes(full.body)
    saved = {"200": _end_to_end(full), "304": _end_to_end(not_modified)}
    (directory / "floor.headers.json").write_text(json.dumps(saved, indent=1), "utf-8")
    return {
        "BENCH_FLOOR_BODY": str(directory / "floor.body"),
        "BENCH_FLOOR_HEADERS": str(directory / "floor.headers.json"),
    }


def _end_to_end(reply: Reply) -> dict[str, str]:
    return {k: v for k, v in reply.headers.items() if k.lower() not in HOP_HEADERS}


@contextlib.contextmanager
def nginx(server_block: str, *, workdir: Path, name: str) -> Iterator[int]:
    """nginx in the foreground with ``server_block``, whose ``{port}`` becomes a free port."""
    prefix = workdir / name
    prefix.mkdir()
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(_main_config(prefix, server_block.replace("{port}", str(port))), "utf-8")
    prefix.chmod(0o755)
    check = subprocess.run(
        ["nginx", "-t", "-q", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.returncode != 0:
        raise BenchError(f"nginx rejects the {name} configuration:\n{check.stderr}")
    command = ["nginx", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    with service(
        command,
        env=os.environ,
        log=prefix / "stderr.log",
        ready=listening(port),
        timeout=30,
        stop_signal=signal.SIGQUIT,  # graceful: finish requests, then exit
    ):
        yield port


def static_server_block(site: Path, access_log: Path) -> str:
    """nginx serving a built site as a plain static host would, with correct types."""
    return f"""
server {{
    listen {HOST}:{{port}};
    root {site};
    access_log {access_log};
    location / {{ }}
}}
"""


def proxy_server_block(upstream_port: int, cache: Path, access_log: Path) -> str:
    """deploy/nginx-proxy-cache.conf with its production paths and ports replaced."""
    text = PROXY_CONFIG.read_text("utf-8")
    replacements = {
        PROXY_PLACEHOLDERS["listen"]: f"listen {HOST}:{{port}};",
        PROXY_PLACEHOLDERS["upstream"]: f"server {HOST}:{upstream_port};",
        PROXY_PLACEHOLDERS["cache"]: str(cache),
        PROXY_PLACEHOLDERS["access_log"]: str(access_log),
    }
    for old, new in replacements.items():
        if text.count(old) != 1:
            raise BenchError(
                f"{PROXY_CONFIG.relative_to(REPO)} should contain {old!r} exactly once; "
                "update PROXY_PLACEHOLDERS in bench/servers.py with the config"
            )
        text = text.replace(old, new)
    return text


def _main_config(prefix: Path, server_block: str) -> str:
    user = ""
    if os.geteuid() == 0:  # nginx then runs its workers as this user
        user = "user {} {};".format(*_unprivileged())
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / (kind + '_temp')};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Written by bench/servers.py for one benchmark run.
daemon off;
master_process on;
worker_processes {WORKERS};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
{user}
events {{
    worker_connections 1024;
}}
http {{
    types {{
        text/html html;
        text/css css;
        text/calendar ics;
        application/json json;
        application/atom+xml atom;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css text/calendar application/json application/atom+xml;
    sendfile on;
    tcp_nopush on;
{temp}
{server_block}
}}
"""


def _unprivileged() -> tuple[str, str]:
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup"), ("nobody", "nobody")):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            grp.getgrnam(group)
            return user, group
    raise BenchError("no unprivileged user for nginx's workers (www-data or nobody)")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition()`` every 20 ms until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.02)
