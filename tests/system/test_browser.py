"""The listing in a real browser: Debian's headless Chromium driven by Playwright.

The server runs in a thread on 127.0.0.1; every request the page makes to any
other host is refused and counted, so the test never touches the network.
Where Chromium or Playwright is missing the test is skipped on a workstation but
fails on CI (``CI`` set), so it cannot silently stop running there.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from calendar_feed.server.web import create_app
from tests.helpers import SHIPPED, open_page, served

SCREENSHOT_COPY = Path("/tmp/calendar-feed-screenshot.png")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a free port of 127.0.0.1, served by Werkzeug in a thread."""
    events = tmp_path_factory.mktemp("browser") / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    app = create_app({"EVENTS_FILE": str(events), "TODAY": "2024-09-20"})
    with served(app) as base:
        yield base


def test_listing_in_chromium(browser, server, tmp_path):
    context, page, errors, outside = open_page(
        browser, server, viewport={"width": 1280, "height": 1700}
    )
    try:
        feed = f"{server}calendar.ics"
        webcal = "webcal://" + feed.removeprefix("http://")

        # A session's abstract expands when its summary is clicked.
        talk = page.locator("#s-2024-09-25")
        details = talk.locator("details")
        abstract = talk.locator(".abstract")
        assert details.evaluate("d => d.open") is False
        assert not abstract.is_visible()
        talk.locator("summary").click()
        assert details.evaluate("d => d.open") is True
        assert abstract.is_visible()
        assert "we introduce Centauri" in abstract.inner_text()

        # Subscribe buttons carry the feed's URL in each service's own form.
        assert page.get_attribute("#subscribe-webcal", "href") == webcal
        assert page.get_attribute("#subscribe-google", "href") == (
            "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
        )
        outlook = page.get_attribute("#subscribe-outlook", "href")
        assert outlook.startswith(
            "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed, safe="")
        )
        assert page.get_attribute("#subscribe-office365", "href").startswith(
            "https://outlook.office.com/calendar/0/addfromweb?url=" + quote(feed, safe="")
        )
        assert page.get_attribute("#subscribe-google-url", "href") == (
            "https://calendar.google.com/calendar/u/0/r/settings/addbyurl"
        )
        assert page.input_value("#feed-url") == feed
        assert page.locator("#copy-feed-url").is_visible()  # the script ran, within the CSP
        google = talk.locator("a.google").get_attribute("href")
        assert "action=TEMPLATE" in google
        assert "dates=20240925T040000Z%2F20240925T053000Z" in google
        assert talk.locator("a.ics").get_attribute("href") == "events/2024-09-25.ics"
        download = page.request.get(server + "events/2024-09-25.ics")
        assert download.status == 200
        assert download.headers["content-disposition"].startswith("attachment")

        # The QR code is drawn, at a size a phone camera can read.
        qr = page.locator("#qr svg").bounding_box()
        assert qr is not None
        assert qr["width"] >= 100
        assert qr["height"] >= 100
        assert page.locator("#qr svg path").count() >= 1

        # The feed options are explained on the live server.
        assert "?alarm=15" in page.locator("#feed-options").inner_text()

        page.evaluate("window.scrollTo(0, 0)")
        shot = tmp_path / "listing.png"
        page.screenshot(path=str(shot))
        shutil.copyfile(shot, SCREENSHOT_COPY)

        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
        assert outside == []

        # The policy is really in force: an injected inline script is refused.
        page.evaluate(
            "document.body.append(Object.assign(document.createElement('script'),"
            " {textContent: 'window.__ran = true'}))"
        )
        assert page.evaluate("window.__ran") is None
        assert any(v.startswith("script-src") for v in page.evaluate("window.__cspViolations"))
    finally:
        context.close()


def test_listing_fits_a_phone(browser, server, tmp_path):
    context, page, errors, outside = open_page(
        browser, server, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        for name in ("google", "webcal", "outlook", "office365"):
            box = page.locator(f"#subscribe-{name}").bounding_box()
            assert box is not None
            assert box["width"] > 300
        qr = page.locator("#qr svg").bounding_box()
        assert qr is not None
        assert qr["x"] >= 0
        assert qr["x"] + qr["width"] <= 390
        shot = tmp_path / "listing-phone.png"
        page.screenshot(path=str(shot))
        shutil.copyfile(shot, SCREENSHOT_COPY.with_name("calendar-feed-screenshot-phone.png"))
        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
        assert outside == []
    finally:
        context.close()


def test_one_click_copies_the_feed_url(browser, server):
    context, page, errors, outside = open_page(browser, server)
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
        button = page.locator("#copy-feed-url")
        assert button.inner_text() == "Copy / 复制"
        button.click()
        expect(button).to_have_text("Copied / 已复制")  # no string predicate: the CSP has no eval
        assert page.evaluate("navigator.clipboard.readText()") == f"{server}calendar.ics"
        # The URL is also left selected in its box, for a manual Ctrl+C.
        selected = page.evaluate(
            "(() => { const i = document.getElementById('feed-url');"
            " return i.value.slice(i.selectionStart, i.selectionEnd); })()"
        )
        assert selected == f"{server}calendar.ics"
        assert errors == []
        assert page.evaluate("window.__cspViolations") == []
        assert outside == []
    finally:
        context.close()


def test_without_javascript_the_feed_url_is_still_shown(browser, server):
    context, page, errors, outside = open_page(browser, server, java_script_enabled=False)
    try:
        url = page.locator("#feed-url")
        assert url.is_visible()
        assert url.input_value() == f"{server}calendar.ics"
        box = url.bounding_box()
        assert box is not None
        assert box["width"] > 200  # wide enough to read and select
        assert not page.locator("#copy-feed-url").is_visible()  # no button that cannot work
        assert page.locator("#subscribe-google-url").is_visible()
        assert "From URL" in page.locator("#google-fallback").inner_text()
        assert page.locator("#refresh-times").is_visible()
        assert errors == []
        assert outside == []
    finally:
        context.close()
