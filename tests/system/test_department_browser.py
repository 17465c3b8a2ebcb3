"""The department in a real browser: the embed inside an iframe of another origin, and
times in the viewer's zone (America/New_York, Asia/Shanghai), with no console errors or
CSP violations. Skipped without Chromium or Playwright on a workstation, failing on CI.

Set CALENDAR_FEED_SHOTS to a folder to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from calendar_feed.server.web import create_app
from tests.helpers import copy_department, framing_page, open_page, served


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(department site, host page) on two ports of 127.0.0.1."""
    site_file = copy_department(tmp_path_factory.mktemp("dept-browser") / "dept")
    folder = site_file.parent
    host_holder: dict[str, object] = {}

    def host_app(environ, start_response):  # type: ignore[no-untyped-def]
        return host_holder["app"](environ, start_response)  # type: ignore[operator]

    with served(host_app) as host_base:
        host_origin = host_base.rstrip("/")
        site = folder / "site.yaml"
        site.write_text(site.read_text().replace("https://math.example.edu", host_origin))
        text = site.read_text().replace("  base_url: https://example.edu/seminars/\n", "")
        site.write_text(text)
        app = create_app({"EVENTS_FILE": str(site), "TODAY": "2025-03-01", "HISTORY_FILE": False})
        with served(app) as base:
            host_holder["app"] = framing_page(base + "embed")
            yield base, host_base


def _keep(shot: Path, name: str) -> None:
    folder = os.environ.get("CALENDAR_FEED_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(folder) / name)


def test_viewer_in_new_york_sees_both_times(browser, servers, tmp_path):
    base, _ = servers
    context, page, errors, outside = open_page(
        browser,
        base,
        (base,),
        timezone_id="America/New_York",
        viewport={"width": 1100, "height": 1400},
    )
    try:
        first = page.locator("#upcoming li.session").first
        assert "12:00–13:30, Beijing time (UTC+8)" in first.inner_text()
        note = first.locator(".viewer-time")
        assert note.get_attribute("data-zone") == "America/New_York"
        # 2025-03-05 12:00 in Beijing is 23:00 the evening before in New York (EST).
        assert "23:00–00:30 (America/New_York)" in note.inner_text()
        # Right after the written time, outside any <del> of a cancelled date.
        assert page.locator("del .viewer-time").count() == 0
        assert page.locator(".time + .viewer-time").count() == 5
        assert "Tue, Mar 4" in note.inner_text() or "Tue 4 Mar" in note.inner_text()
        assert page.locator(".viewer-time").count() == 5
        shot = tmp_path / "department.png"
        page.screenshot(path=str(shot), full_page=True)
        _keep(shot, "department-page.png")
        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
        assert outside == []
    finally:
        context.close()


def test_viewer_in_shanghai_sees_the_page_as_written(browser, servers):
    base, _ = servers
    context, page, errors, _ = open_page(
        browser, base + "lunch/", (base,), timezone_id="Asia/Shanghai"
    )
    try:
        assert page.locator("time[data-end]").count() == 3
        assert page.locator(".viewer-time").count() == 0
        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


def test_page_is_complete_without_javascript(browser, servers):
    base, _ = servers
    context, page, _errors, _ = open_page(
        browser, base, (base,), timezone_id="America/New_York", java_script_enabled=False
    )
    try:
        text = page.locator("#upcoming").inner_text()
        assert "Anna Schmidt" in text
        assert "12:00–13:30, Beijing time (UTC+8)" in text
        assert page.locator(".viewer-time").count() == 0
    finally:
        context.close()


def test_embed_inside_an_iframe_of_another_origin(browser, servers, tmp_path):
    base, host = servers
    context, page, errors, outside = open_page(
        browser,
        host,
        (base, host),
        timezone_id="America/New_York",
        viewport={"width": 800, "height": 700},
    )
    try:
        frame = page.frame_locator("#seminars")
        items = frame.locator("li.session")
        items.first.wait_for()
        assert items.count() == 5
        assert "Applied Math Lunch Seminar" in items.first.inner_text()
        assert "23:00–00:30 (America/New_York)" in items.first.inner_text()
        link = items.first.locator("a.title")
        assert link.get_attribute("target") == "_blank"
        embedded = next(f for f in page.frames if f.url.startswith(base))
        assert embedded.evaluate("window.__cspViolations") == []
        shot = tmp_path / "embed.png"
        page.screenshot(path=str(shot))
        _keep(shot, "embed-in-iframe.png")
        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
        assert outside == []
    finally:
        context.close()


def test_pages_refuse_to_be_framed_where_not_allowed(browser, servers):
    """The department page may not be framed at all; /embed only by the listed origin."""
    base, _ = servers
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.set_content(f"<iframe src='{base}'></iframe><iframe src='{base}embed'></iframe>")
        assert [f.url for f in page.frames[1:]] == ["chrome-error://chromewebdata/"] * 2
        assert any("frame-ancestors 'none'" in e for e in errors)
        assert any("frame-ancestors http://127.0.0.1:" in e for e in errors)
    finally:
        context.close()
