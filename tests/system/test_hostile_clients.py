"""`calendar-feed serve` holds up against slow clients, over real sockets on 127.0.0.1.

The classic attacks on a server without a buffering proxy in front: clients that open a
connection and never finish their request's headers (Slowloris), and clients that ask
for the feed over and over and never read the answers, so the server's writes block.
With 60 of the first and 20 of the second connected, a normal subscriber still gets
the feed, the listing and /healthz in under 2 s. A Host header that is not a host name
is refused with 400 instead of a page of broken links.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import SHIPPED, running_server

SLOW_HEADERS = 60
NEVER_READ = 20
PROMISE = 2.0
"""Seconds a normal request may take while the slow clients are connected."""
PIPELINED = 1000
"""Feed requests each never-reading client sends at once: far more answer than its
socket buffers hold, so the server's writes to it block."""


def command() -> list[str]:
    """The installed `calendar-feed` script beside this Python, as the README runs it."""
    script = Path(sys.executable).with_name("calendar-feed")
    return [str(script)] if script.exists() else [sys.executable, "-m", "calendar_feed"]


@contextlib.contextmanager
def served(tmp_path: Path) -> Iterator[str]:
    """`calendar-feed serve` with its defaults (workers and all) on a free port."""
    shutil.copyfile(SHIPPED, tmp_path / "events.yaml")
    with running_server([*command(), "serve", "--port", "0"], cwd=tmp_path) as server:
        yield server.base
    assert server.process.returncode == 0, server.output


def connect(port: int, *, receive_buffer: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:  # before connecting, so the window the server sees is small
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


@contextlib.contextmanager
def slow_clients(port: int) -> Iterator[None]:
    """60 connections that trickle headers forever and 20 that never read, kept open."""
    held: list[socket.socket] = []
    stop = threading.Event()
    try:
        for _ in range(SLOW_HEADERS):
            sock = connect(port)
            sock.sendall(b"GET /calendar.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            held.append(sock)
        requests = b"GET /calendar.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * PIPELINED
        for _ in range(NEVER_READ):
            sock = connect(port, receive_buffer=4096)
            sock.setblocking(False)  # send what the server takes, never wait, never read
            with contextlib.suppress(BlockingIOError):
                sock.send(requests)
            held.append(sock)

        def trickle() -> None:  # one more byte of an endless header now and then
            while not stop.wait(1.0):
                for sock in held[:SLOW_HEADERS]:
                    with contextlib.suppress(OSError):
                        sock.send(b"a")

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        time.sleep(1.0)  # every slow client has reached a worker
        yield
    finally:
        stop.set()
        for sock in held:
            sock.close()


def timed_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    """Status and seconds of a plain GET over a new connection (no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers=headers or {})
    start = time.monotonic()
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - start


def test_slow_clients_do_not_stall_the_feed_the_page_or_healthz(tmp_path: Path):
    pytest.importorskip("gunicorn")
    with served(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        with slow_clients(port):
            for _ in range(3):  # several connections: whichever worker takes each
                for path in ("/calendar.ics", "/", "/healthz"):
                    status, seconds = timed_get(base + path)
                    assert status == 200, path
                    assert seconds < PROMISE, f"{path} took {seconds:.1f} s"


def raw_get(port: int, host: str) -> bytes:
    """The whole answer to ``GET /`` with this Host header, as the server sent it."""
    with connect(port) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_host_header_that_is_not_a_host_name_is_refused(tmp_path: Path):
    pytest.importorskip("gunicorn")
    with served(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        for host in ('a"><script>', "javascript:alert(1)"):
            answer = raw_get(port, host)
            assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
            assert b"The Host header of this request is not a host name." in answer
            assert b"http:///" not in answer
        answer = raw_get(port, "seminar.example.edu")
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert b'value="http://seminar.example.edu/calendar.ics"' in answer
