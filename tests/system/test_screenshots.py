"""The pictures in the README and the manual, taken by the browser rather than by hand.

docs/img/listing.png is the top of the listing that ``calendar-feed build``
writes for the shipped events.yaml on a fixed day, in Debian's Chromium at desktop
width; docs/img/listing-dark.png the same in the dark colour scheme. The test rewrites each (only when its bytes change), so after a change to the
page's look, run it and commit the new picture. Skipped without Chromium or Playwright
on a workstation, failing on CI, like the other browser tests.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware

from calendar_feed.cli import main
from tests.helpers import ROOT, SHIPPED, TODAY, open_page, served

PICTURES = {
    "light": ROOT / "docs" / "img" / "listing.png",
    "dark": ROOT / "docs" / "img" / "listing-dark.png",
}
WIDTH, HEIGHT = 1200, 1540  # a desktop window tall enough for the next talk and a cancelled date
BASE_URL = "https://example.edu/lunch/"  # the manual's example address: subscribe buttons show


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_listing_picture_for_the_docs(browser, runner, tmp_path: Path, scheme: str):
    picture = PICTURES[scheme]
    events = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    site = tmp_path / "site"
    result = runner.invoke(
        main,
        [
            "build",
            str(events),
            "--out",
            str(site),
            "--today",
            TODAY.isoformat(),
            "--base-url",
            BASE_URL,
            "--no-history",
            "--no-cache",
        ],
    )
    assert result.exit_code == 0, result.output

    with served(SharedDataMiddleware(NotFound(), {"/": str(site)})) as base:
        context, page, errors, outside = open_page(
            browser,
            base + "index.html",
            allowed=(base,),
            viewport={"width": WIDTH, "height": HEIGHT},
            color_scheme=scheme,
        )
        try:
            heading = page.locator("h1")
            assert heading.inner_text() == "应用数学青年讨论班（午餐会）"
            assert heading.is_visible()
            assert page.locator("#subscribe-google").is_visible()
            # The picture shows the next talk and the cancelled date after it, whole.
            for session in ("#s-2024-09-25", "#s-2024-10-02"):
                box = page.locator(session).bounding_box()
                assert box is not None
                assert box["y"] + box["height"] <= HEIGHT, f"{session} is cut off"
            assert "陈畅" in page.locator("#s-2024-09-25").inner_text()
            assert "Cancelled (假期)" in page.locator("#s-2024-10-02").inner_text()
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == ("rgb(251, 251, 253)" if scheme == "light" else "rgb(21, 23, 28)")
            page.evaluate("window.scrollTo(0, 0)")
            shot = page.screenshot(full_page=False)
            assert errors == []
            assert page.evaluate("window.__cspViolations") == []
            assert outside == []
        finally:
            context.close()

    assert png_size(shot) == (WIDTH, HEIGHT)
    if not picture.is_file() or picture.read_bytes() != shot:
        picture.parent.mkdir(parents=True, exist_ok=True)
        picture.write_bytes(shot)
    assert png_size(picture.read_bytes()) == (WIDTH, HEIGHT)
