"""Every page the project makes, checked by axe-core in Chromium: WCAG 2.0, 2.1 and 2.2 at
levels A and AA, and axe's best practices, in the light and the dark colour scheme.

Built pages are served from the folder ``calendar-feed build`` wrote; live pages come
from the app (the listing with and without JavaScript, at desktop width and on a
phone; the 404 page; the error banner while the file is broken; the embed alone and
inside an iframe of another origin). axe-core is the copy bundled with
axe-playwright-python, so the check runs offline. A failure lists each violation
with its impact and the elements it found.

Skipped without Chromium or Playwright on a workstation, failing on CI.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.exceptions import NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware

from calendar_feed.cli import main
from calendar_feed.server.web import create_app
from tests.helpers import (
    SHIPPED,
    TODAY,
    axe_violations,
    copy_department,
    framing_page,
    open_page,
    served,
)

SCHEMES = ("light", "dark")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DEPARTMENT_TODAY = "2025-03-01"


def _built(runner, source: Path, out: Path, today: str, *extra: str) -> None:
    args = ["build", str(source), "--out", str(out), "--today", today, "--no-history", *extra]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Base URLs: the built seminar and department, the live ones, a broken live one,
    and a host page of another origin framing the department's embed."""
    from click.testing import CliRunner

    runner = CliRunner()
    root = tmp_path_factory.mktemp("a11y")
    events = root / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    _built(
        runner,
        events,
        root / "built",
        TODAY.isoformat(),
        "--base-url",
        "https://example.edu/lunch/",
    )
    site_file = copy_department(root / "dept")
    _built(runner, site_file, root / "dept-built", DEPARTMENT_TODAY)

    broken = root / "broken" / "events.yaml"
    broken.parent.mkdir()
    shutil.copyfile(SHIPPED, broken)
    live = create_app({"EVENTS_FILE": str(events), "TODAY": TODAY.isoformat()})
    broken_app = create_app(
        {
            "EVENTS_FILE": str(broken),
            "TODAY": TODAY.isoformat(),
            "CHECK_INTERVAL": 0,
            "SETTLE_SECONDS": 0,
        }
    )
    broken_app.test_client().get("/")  # the good version first, then the edit that breaks it
    stat = broken.stat()
    broken.write_text(
        broken.read_text("utf-8").replace("date: 2024-10-09", "date: 2024-10-32"), "utf-8"
    )
    os.utime(broken, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert b'id="problems"' in broken_app.test_client().get("/").data

    host: dict[str, object] = {}

    def host_app(environ, start_response):  # type: ignore[no-untyped-def]
        return host["app"](environ, start_response)  # type: ignore[operator]

    with (
        served(SharedDataMiddleware(NotFound(), {"/": str(root / "built")})) as built,
        served(SharedDataMiddleware(NotFound(), {"/": str(root / "dept-built")})) as dept_built,
        served(live) as live_base,
        served(broken_app) as broken_base,
        served(host_app) as host_base,
    ):
        site_file.write_text(
            site_file.read_text().replace("https://math.example.edu", host_base.rstrip("/"))
        )
        dept_live = create_app(
            {"EVENTS_FILE": str(site_file), "TODAY": DEPARTMENT_TODAY, "HISTORY_FILE": False}
        )
        with served(dept_live) as dept_base:
            host["app"] = framing_page(dept_base + "embed")
            yield {
                "built": built,
                "dept-built": dept_built,
                "live": live_base,
                "broken": broken_base,
                "dept": dept_base,
                "host": host_base,
            }


# (name, site, path, options): every page the project makes, and each state of the listing.
PAGES = [
    ("built listing", "built", "index.html", {}),
    ("built poster", "built", "poster.html", {}),
    ("built department", "dept-built", "index.html", {}),
    ("built series page", "dept-built", "lunch/index.html", {}),
    ("built term archive", "dept-built", "lunch/2024-autumn/index.html", {}),
    ("built embed", "dept-built", "embed.html", {}),
    ("live listing", "live", "", {}),
    ("live listing without JavaScript", "live", "", {"scripts": False}),
    ("live listing on a phone", "live", "", {"viewport": PHONE, "is_mobile": True}),
    (
        "live listing on a phone without JavaScript",
        "live",
        "",
        {"viewport": PHONE, "is_mobile": True, "scripts": False},
    ),
    ("live poster", "live", "poster.html", {}),
    ("live 404 page", "live", "no-such-page", {}),
    ("live error banner", "broken", "", {}),
    ("live department", "dept", "", {}),
    ("live series page", "dept", "lunch/", {}),
    ("live term archive", "dept", "lunch/2025-spring/", {}),
    ("live embed", "dept", "embed", {}),
]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    ("site", "path", "options"),
    [pytest.param(*rest, id=name) for name, *rest in PAGES],
)
def test_no_axe_violations(browser, sites, scheme, site, path, options):
    base = sites[site]
    status = 404 if path == "no-such-page" else 200
    context, page, errors, _ = open_page(
        browser,
        base + path,
        allowed=(base,),
        expect_status=status,
        color_scheme=scheme,
        **{"viewport": DESKTOP, **options},
    )
    try:
        violations = axe_violations(page)
        assert not violations, f"axe-core on {path or '/'} ({scheme}):\n" + "\n".join(violations)
        if status == 200 and options.get("scripts", True):  # else the console says so
            assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_embed_inside_an_iframe_has_no_axe_violations(browser, sites, scheme):
    host, base = sites["host"], sites["dept"]
    context, page, errors, _ = open_page(
        browser, host, allowed=(host, base), color_scheme=scheme, viewport=DESKTOP
    )
    try:
        frame = page.frame_locator("iframe").locator("body")
        frame.wait_for()
        embedded = next(f for f in page.frames if f.url.startswith(base))
        violations = axe_violations(page) + axe_violations(embedded)
        assert not violations, f"axe-core on the framed embed ({scheme}):\n" + "\n".join(violations)
        assert errors == []
    finally:
        context.close()


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const what = el.id ? `#${el.id}` : el.tagName.toLowerCase() +
    (el.classList.length ? `.${el.classList[0]}` : "");
  const text = (el.value || el.innerText || "").trim().split("\\n")[0].slice(0, 40);
  const session = el.closest("li[id]");
  const box = el.getBoundingClientRect();
  return {
    name: `${what} "${text}"` + (session && session !== el ? ` in #${session.id}` : ""),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    seen: box.width > 0 && box.height > 0 && box.left >= 0,  // the skip link comes into view
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), el),
  };
}"""
"""The focused element: a readable name, whether its focus ring shows, and its place."""


def _tab_through(page, limit: int = 300) -> list[dict]:
    """Press Tab until focus leaves the page: each element focused, in order."""
    order: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (order and focused["index"] <= order[-1]["index"]):
            return order
        order.append(focused)
    raise AssertionError(f"focus never left the page after {limit} presses of Tab")


def _check_rings_and_order(order: list[dict]) -> list[str]:
    names = [f["name"] for f in order]
    print("\nkeyboard order:\n  " + "\n  ".join(names))  # for the record (pytest -s)
    assert [f["name"] for f in order if not f["ring"]] == [], "focused without a visible ring"
    assert [f["name"] for f in order if not f["seen"]] == [], "focused but not on screen"
    return names


def test_the_listing_is_used_by_keyboard_alone(browser, sites):
    base = sites["live"]
    context, page, errors, _ = open_page(browser, base, viewport=DESKTOP)
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        names = _check_rings_and_order(_tab_through(page))
        ids = [name.split(" ")[0] for name in names]
        # First the skip link, then the subscribe controls in the order they are read.
        assert ids[0] == "a.skip-link"
        controls = [
            "#subscribe-google",
            "#subscribe-webcal",
            "#subscribe-outlook",
            "#subscribe-office365",
            "#subscribe-google-url",
            "#feed-url",
            "#copy-feed-url",
        ]
        start = ids.index(controls[0])
        assert ids[start : start + len(controls)] == controls
        # Every session's disclosure and links are reached, in the page's order.
        assert ids.count("summary") == page.locator("details").count() > 0
        assert ids.count("a.ics") == page.locator("a.ics").count()

        # The skip link jumps to the schedule: the next Tab is inside it.
        page.keyboard.press("Shift+Tab")  # back out of the page, then in again at the top
        page.goto(base)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#upcoming"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#upcoming') !== null")

        # Enter opens a disclosure; Enter on Copy copies the feed URL.
        summary = page.locator("#s-2024-09-25 summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator("#s-2024-09-25 details").evaluate("d => d.open") is True
        page.locator("#copy-feed-url").focus()
        page.keyboard.press("Enter")
        # Playwright's own wait: a string predicate would be eval'd, which the page's CSP refuses.
        expect(page.locator("#copy-feed-url")).to_have_text("Copied / 已复制")
        assert page.evaluate("navigator.clipboard.readText()") == f"{base}calendar.ics"
        assert errors == []
    finally:
        context.close()


def test_the_department_page_is_used_by_keyboard_alone(browser, sites):
    base = sites["dept"]
    context, page, errors, _ = open_page(browser, base, viewport=DESKTOP)
    try:
        names = _check_rings_and_order(_tab_through(page))
        ids = [name.split(" ")[0] for name in names]
        assert ids[0] == "a.skip-link"
        # The feed box and its Copy button, then the filtered feeds (talks only, by tag).
        assert ids.index("#feed-url") + 1 == ids.index("#copy-feed-url")
        assert ids.index("#copy-feed-url") < ids.index("#talks-feed") < ids.index("a.tag-feed")
        # The box is wide enough to show the whole URL, as on a series' page.
        shown = page.locator("#feed-url").evaluate("box => box.clientWidth >= box.scrollWidth")
        assert shown is True
        assert errors == []
    finally:
        context.close()


DATE_LINE = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d \w{3} \d{4} ", re.MULTILINE)


def test_the_listing_prints_as_a_clean_schedule(browser, tmp_path):
    """Printed to PDF: no buttons, each web address beside its link, no session split."""
    from click.testing import CliRunner
    from pypdf import PdfReader

    events = tmp_path / "events.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    speaker = "    speaker: 陈畅\n"
    text = text.replace(speaker, speaker + "    speaker_url: https://example.edu/~chen\n")
    # Tall sessions (a note of five lines each), so that page ends fall inside some.
    note = "    note: |\n" + "".join(f"      Line {n} of a note.\n\n" for n in range(5))
    text = re.sub(r"^  - date: .*\n", lambda m: m[0] + note, text, flags=re.MULTILINE)
    events.write_text(text, "utf-8")
    site = tmp_path / "site"
    _built(CliRunner(), events, site, TODAY.isoformat(), "--base-url", "https://example.edu/l/")
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.pdf(path=str(tmp_path / "listing.pdf"), format="A4")
    page.close()
    pages = [p.extract_text() for p in PdfReader(tmp_path / "listing.pdf").pages]
    print(f"\nthe listing prints on {len(pages)} A4 pages")
    printed = "\n".join(pages)

    for control in ("Google Calendar", "Microsoft 365", "Copy", "Download .ics", "Skip to"):
        assert control not in printed
    assert "陈畅 <https://example.edu/~chen>" in printed  # the address beside its link
    assert "https://example.edu/l/calendar.ics" in printed  # the feed URL, to type in
    sessions = 0
    for number, content in enumerate(pages):
        before_first, *each = DATE_LINE.split(content)
        if number:  # nothing of a session carried over from the page before
            assert "Room to be announced" not in before_first, f"page {number + 1}"
        for session in each:  # every session ends on the page it starts on
            assert "Room to be announced" in session, f"a session split after page {number + 1}"
        sessions += len(each)
    assert sessions == 18


@pytest.mark.parametrize(("motion", "scrolling"), [("no-preference", "smooth"), ("reduce", "auto")])
def test_scrolling_is_smooth_only_for_those_who_did_not_ask_for_less_motion(
    browser, sites, motion, scrolling
):
    base = sites["live"]
    context, page, errors, _ = open_page(browser, base, reduced_motion=motion)
    try:
        root = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
        button = page.evaluate(
            "getComputedStyle(document.getElementById('subscribe-google')).transitionDuration"
        )
        assert (root, button) == (scrolling, "0.15s" if motion == "no-preference" else "0s")
        assert errors == []
    finally:
        context.close()
