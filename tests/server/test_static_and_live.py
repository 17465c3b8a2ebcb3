"""`build` and `serve` publish the same site: every file the static build writes is served
by the live server at the same path with the same bytes, for both kinds of site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendar_feed.cli import main
from calendar_feed.publish.stamp import STAMP_FILE
from calendar_feed.server.web import create_app
from tests.helpers import SHIPPED, copy_department

BASE = "https://example.edu/seminars/"
TODAY = "2025-03-01"
LIVE_ONLY = {("events", "index.html")}
"""The single series' listing: live, it also lists the subscriber options (?tba=0,
?alarm=15, ...) that only the server answers, so a static copy must not offer them.
Every other page is the same: the department's pages have no live-only part, and the
poster's links and QR code come from the base URL on both."""


def _source(kind: str, tmp_path: Path) -> Path:
    if kind == "events":
        path = tmp_path / "events.yaml"
        shutil.copyfile(SHIPPED, path)
        return path
    return copy_department(tmp_path / "dept")


@pytest.mark.parametrize("kind", ["events", "site"])
def test_every_built_file_is_served_with_the_same_bytes(kind: str, tmp_path: Path) -> None:
    source = _source(kind, tmp_path)
    # The server publishes first (starting the revision histories), then the build
    # publishes the same files against the same histories: nothing changed between.
    client = create_app(
        {"EVENTS_FILE": str(source), "TODAY": TODAY, "BASE_URL": BASE}
    ).test_client()
    out = tmp_path / "site"
    args = ["build", str(source), "--out", str(out), "--today", TODAY, "--base-url", BASE]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    built = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith((".calendar-feed", STAMP_FILE))
    )
    assert len(built) == (28 if kind == "events" else 50)  # every output of each kind
    compared = 0
    for path in built:
        response = client.get(f"/{path}" if path != "index.html" or kind == "site" else "/")
        assert response.status_code == 200, path
        if (kind, path) in LIVE_ONLY:
            assert response.data != (out / path).read_bytes()
            continue
        assert response.data == (out / path).read_bytes(), path
        compared += 1
    assert compared == len(built) - len([k for k in LIVE_ONLY if k[0] == kind])
    if kind == "site":  # and a folder's address is its index page, as on a static host
        assert client.get("/").data == (out / "index.html").read_bytes()
        assert client.get("/lunch/").data == (out / "lunch" / "index.html").read_bytes()
