"""poster.html: the term on one A4 page, printed to PDF by the real browser."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from calendar_feed.publish.build import build_site
from tests.helpers import SHIPPED, TODAY

BASE_URL = "https://example.edu/lunch/"


def _print(browser, page_file: Path, pdf: Path) -> tuple[int, str]:
    """Print ``page_file`` to an A4 PDF; its page count and text (pypdf)."""
    from pypdf import PdfReader

    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    assert all(url.startswith("file://") for url in requests)  # nothing from the network
    reader = PdfReader(pdf)
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


RADICALS = str.maketrans({"⻘": "青", "⻓": "长", "⻔": "门", "⻢": "马", "⻛": "风"})
"""CJK radical-supplement characters some PDF text layers use for ideographs (no NFKC form)."""


def _flat(text: str) -> str:
    """Text without line breaks, with compatibility forms (Kangxi radicals, full-width
    punctuation) folded by NFKC, so PDF text and page text compare equal."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text.translate(RADICALS)))


def test_the_shipped_term_prints_on_one_a4_page(browser, tmp_path: Path):
    site = tmp_path / "site"
    build_site(SHIPPED, site, history=None, today=TODAY, base_url=BASE_URL)
    pages, text = _print(browser, site / "poster.html", tmp_path / "poster.pdf")
    assert pages == 1
    flat = _flat(text)
    for expected in (
        "应用数学青年讨论班（午餐会）",
        "PKU Applied Math Lunch Seminar",
        "王泽昊 (USCD)",
        "陈畅 (北京大学)",
        "Centauri: Enabling Efficient Scheduling",
        "Cancelled / 暂停 (假期)",
        "9月11日 周三",
        "10月2日 周三",
        "1月8日 周三",
        "https://example.edu/lunch/calendar.ics",
    ):
        assert _flat(expected) in flat
    assert flat.count("speakers welcome") == 14
    html = (site / "poster.html").read_text(encoding="utf-8")
    assert re.search(r'<figure class="qr"><svg [^>]*class="qr-code"', html)


@pytest.fixture(params=[14, 18, 24, 40])
def sessions(request: pytest.FixtureRequest) -> int:
    return request.param


def test_a_long_term_still_fits_one_page(browser, tmp_path: Path, sessions: int):
    """Every talk with a title longer than a line: the tightest case at each density."""
    lines = ["calendar:\n  id: long\n  name: Long Seminar\n  local_name: 长讨论班\n",
             "  timezone: Asia/Shanghai\n  base_url: https://example.edu/long/\n",
             'defaults:\n  start: "12:00"\n  end: "13:00"\n  location: Room 1\nsessions:\n']  # fmt: skip
    for week in range(sessions):
        day = f"2025-{1 + week // 4:02d}-{1 + (week % 4) * 7:02d}"
        lines.append(
            f"  - date: {day}\n    speaker: Speaker {week}\n    title: {'Long title ' * 12}{week}\n"
        )
    events = tmp_path / "events.yaml"
    events.write_text("".join(lines), encoding="utf-8")
    site = tmp_path / "site"
    # On the term's first day: the poster shows the year ahead (feed_window), all of it.
    build_site(events, site, history=None, today=dt.date(2025, 1, 1))
    pages, text = _print(browser, site / "poster.html", tmp_path / "long.pdf")
    assert pages == 1
    assert f"Speaker {sessions - 1}" in _flat(text)


def test_the_live_server_serves_the_poster(make_app):
    client = make_app(BASE_URL=BASE_URL).test_client()
    response = client.get("/poster.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "陈畅 (北京大学)" in body
    assert "https://example.edu/lunch/calendar.ics" in body
    assert client.get("/poster.css").mimetype == "text/css"
