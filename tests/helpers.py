"""Helpers shared by several test modules; test modules import from here, never each other."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

from calendar_feed.publish.stamp import STAMP_FILE

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.yaml"
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


def site_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, for byte-for-byte comparisons.

    Leaves out the build stamp, which records when the files were written
    (tests/test_build_stamp.py checks it).
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
