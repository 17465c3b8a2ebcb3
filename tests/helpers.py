"""Helpers shared by several test modules; test modules import from here, never each other."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import queue
import re
import shutil
import signal
import subprocess
import textwrap
import threading
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from calendar_feed.model import Schedule, Session
from calendar_feed.publish.stamp import STAMP_FILE

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.yaml"
DEPARTMENT = ROOT / "examples" / "department"
"""The example department: three series, lunch in two terms."""
TODAY = dt.date(2024, 9, 20)
"""The day the server's tests pretend it is: between the two talks of the shipped file."""
SEED_PAGE = Path(__file__).resolve().parent / "data" / "seed-page.md"
"""A copy of the seminar's hand-kept Markdown page, so the suite needs nothing outside the repo."""

HEAD = """\
calendar:
  id: demo
  name: Demo Seminar
  timezone: Asia/Shanghai
defaults:
  start: "12:00"
  end: "13:30"
  location: Room 101
sessions:
"""


def document(sessions: str, head: str = HEAD) -> bytes:
    """``head`` followed by the dedented ``sessions`` indented under `sessions:`."""
    return (head + textwrap.indent(textwrap.dedent(sessions), "  ")).encode("utf-8")


def unescape_text(value: str) -> str:
    """RFC 5545 TEXT unescaping (section 3.3.11)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def copy_department(folder: Path) -> Path:
    """The example department copied into ``folder``; its site file (builds write histories
    beside the copy, never into the repository)."""
    shutil.copytree(DEPARTMENT, folder)
    return folder / "site.yaml"


def session_of(schedule: Schedule, key: str) -> Session:
    """The session whose key (explicit id or ISO date) is ``key``."""
    return next(session for session in schedule.sessions if session.key == key)


def vevents(body: bytes) -> list[Any]:
    """A feed's VEVENTs as icalendar reads it, after the independent ``ical`` parser has
    read it too (it raises on what RFC 5545 does not allow)."""
    from ical.calendar_stream import IcsCalendarStream
    from icalendar import Calendar

    IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return list(Calendar.from_ical(body).walk("VEVENT"))


def uids(body: bytes) -> list[str]:
    """The UIDs of a feed's events, in order (both parsers read it)."""
    return [str(event["UID"]) for event in vevents(body)]


def site_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, for byte-for-byte comparisons.

    Leaves out the build stamp, which records when the files were written
    (tests/publish/test_build_stamp.py checks it).
    """
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != STAMP_FILE
    }


class Outline(HTMLParser):
    """Collect tags with their attributes and the text inside elements of interest."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if a.get("id")]

    def by_id(self, element_id: str) -> dict[str, str | None]:
        return next(a for _, a in self.tags if a.get("id") == element_id)


# -- the real browser (Debian's Chromium through Playwright) ---------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});
"""
"""Records Content-Security-Policy violations; init scripts are injected by the browser
itself, so the page's own CSP does not block this one."""


def browser_missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return ""


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """A WSGI app on a free port of 127.0.0.1 (Werkzeug, in a thread): its base URL."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


# -- a real server process (gunicorn, `calendar-feed serve`) on 127.0.0.1 ---------------

SERVER_TIMEOUT = 30


def framing_page(embed_url: str) -> Any:
    """A WSGI app: a department homepage of another origin that frames the embed in
    ``iframe#seminars``, accessibly itself (a language, a landmark, a titled frame)."""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Site home</title>"
        "</head><body><main><h1>Site of Mathematics</h1>"
        f"<iframe id='seminars' title='Seminars' src='{embed_url}' width='600' height='520'>"
        "</iframe></main></body></html>"
    ).encode()

    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]

    return app


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``url`` with no proxy, whatever the environment says: it stays on 127.0.0.1."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=SERVER_TIMEOUT) as response:
        return response.status, dict(response.headers), response.read()


@dataclass
class Running:
    """A server process started by :func:`running_server`, and what it printed so far."""

    process: subprocess.Popen[str]
    base: str
    """``http://127.0.0.1:PORT`` (no trailing slash)."""
    log: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.log)


@contextlib.contextmanager
def running_server(
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    workers_booted: int = 0,
) -> Iterator[Running]:
    """Start ``command`` (bound to 127.0.0.1:0), wait for gunicorn's "Listening at" line
    (and for ``workers_booted`` "Booting worker" lines), and stop it with SIGTERM
    afterwards (SIGKILL to its group if it hangs).

    The exit status is in ``running.process.returncode`` after the ``with`` block.
    """
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            log.append(line)
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        port = None
        while port is None:
            line = lines.get(timeout=SERVER_TIMEOUT)
            if not line:
                raise AssertionError("the server exited before listening:\n" + "".join(log))
            if found := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(found.group(1))
        booted = sum("Booting worker" in line for line in log)
        while booted < workers_booted:  # every worker has loaded the app
            booted += "Booting worker" in lines.get(timeout=SERVER_TIMEOUT)
        yield Running(process, f"http://127.0.0.1:{port}", log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=SERVER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=SERVER_TIMEOUT)
        reader.join(timeout=SERVER_TIMEOUT)
        process.stdout.close()  # type: ignore[union-attr]


def open_page(
    browser: Any,
    url: str,
    allowed: tuple[str, ...] = (),
    expect_status: int = 200,
    scripts: bool = True,
    **options: Any,
) -> Any:
    """Open ``url`` in a fresh context that records console errors, page errors and CSP
    violations, and refuses (and lists) every request outside ``allowed`` (default: ``url``).
    With ``scripts`` false every script file is refused, as in a browser without
    JavaScript (which Playwright itself cannot evaluate anything in, axe-core included).
    ``options`` go to ``browser.new_context`` (viewport, color_scheme, is_mobile).

    Returns (context, page, errors, outside); the caller closes the context.
    """
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    outside: list[str] = []
    prefixes = allowed or (url,)

    def only_local(route: Any) -> None:
        if not scripts and route.request.resource_type == "script":
            route.abort()
        elif route.request.url.startswith(prefixes) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(url)
    assert response is not None
    assert response.status == expect_status
    page.wait_for_load_state("load")
    return context, page, errors, outside


AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
"""axe-core's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices."""


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on ``page`` (a Playwright page or frame), one readable line
    each: rule, impact, what it checks, and the elements it found. Empty when none."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_RULES}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
        for v in results["violations"]
    ]
