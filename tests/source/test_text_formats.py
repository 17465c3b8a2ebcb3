"""Every character the organizer typed reaches every format unchanged: TeX backslashes in the
feed, one policy for code points XML forbids, and isolated right-to-left text on the page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.publish.build import build_site
from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import TODAY, document

TEX = [
    r"$x \in \N$",
    r"$\nabla f(x)$",
    r"$a\,b$ and $a\;b$",
    r"line one \\ line two",
    r"\N\n\t\,\;\\",
    r"$\mathbb{N}$, \Nat; \newline",
]


def one_talk(title: str, abstract: str, speaker: str = "A", affiliation: str = "PKU") -> bytes:
    return document(
        f"""\
        - date: 2024-09-25
          speaker: {json.dumps(speaker, ensure_ascii=False)}
          affiliation: {json.dumps(affiliation, ensure_ascii=False)}
          title: {json.dumps(title, ensure_ascii=False)}
          abstract: {json.dumps(abstract, ensure_ascii=False)}
        """
    )


def built(tmp_path: Path, data: bytes) -> dict[str, bytes]:
    """Publish twice (first an open slot), so the Atom feed announces the talk with its text."""
    events = tmp_path / "events.yaml"
    history = tmp_path / "events.history.json"
    events.write_bytes(document("- date: 2024-09-25\n"))
    build_site(events, None, history=history, today=TODAY)
    events.write_bytes(data)
    return dict(build_site(events, tmp_path / "site", history=history, today=TODAY).files)


@pytest.mark.parametrize("snippet", TEX)
def test_tex_reaches_calendar_apps_unchanged(tmp_path, snippet):
    feed = built(tmp_path, one_talk(f"On {snippet}", f"We show {snippet}.\n\nThen more."))[
        "calendar.ics"
    ]
    event = next(iter(Calendar.from_ical(feed).walk("VEVENT")))
    assert str(event["SUMMARY"]) == f"A: On {snippet}"
    assert f"We show {snippet}.\n\nThen more." in str(event["DESCRIPTION"])
    strict = IcsCalendarStream.calendar_from_ics(feed.decode("utf-8")).events[0]
    assert strict.summary == f"A: On {snippet}"
    assert f"We show {snippet}.\n\nThen more." in (strict.description or "")


@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\uFFFE", "FFFE"), ("\\uFFFF", "FFFF")],  # YAML itself refuses surrogates
)
def test_code_points_xml_forbids_are_refused_with_their_position(tmp_path, runner, escape, code):
    events = tmp_path / "events.yaml"
    events.write_bytes(
        document(
            f"""\
            - date: 2024-09-25
              speaker: A
              title: "ab{escape}c"
            """
        )
    )
    result = runner.invoke(main, ["validate", str(events)])
    assert result.exit_code == 1
    assert result.output == (
        f"{events}:12:12: sessions[0].title: contains U+{code} (character 3), which is not a "
        "character and cannot appear in XML or a calendar; remove it\n"
        f"{events}: 1 error; nothing published\n"
    )


EDGES = "\ufffd \ue000 \ufdd0 \U0001fffe \U0010ffff \u00a0 ☃ 中文 <&> \t tab"
"""Code points at the edges of what XML allows, which are kept as typed."""


def test_every_output_parses_strictly_with_the_edge_code_points(tmp_path):
    files = built(tmp_path, one_talk(f"T {EDGES}", f"Abstract {EDGES}"))
    text = f"Abstract {EDGES}"
    atom = ET.fromstring(files["announcements.atom"])  # a strict XML parser
    contents = [e.text or "" for e in atom.iter() if e.tag.endswith("content")]
    assert any(text in c for c in contents)
    assert (
        json.loads(files["events.json"].decode("utf-8"), strict=True)["sessions"][0]["abstract"]
        == text
    )
    event = next(iter(Calendar.from_ical(files["calendar.ics"]).walk("VEVENT")))
    assert text in str(event["DESCRIPTION"])
    strict = IcsCalendarStream.calendar_from_ics(files["calendar.ics"].decode("utf-8"))
    assert text in (strict.events[0].description or "")
    page = AllText()
    page.feed(files["index.html"].decode("utf-8", errors="strict"))
    page.close()
    assert text in "".join(page.data)


class AllText(HTMLParser):
    """Every piece of text on a page, character references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []

    def handle_data(self, data: str) -> None:
        self.data.append(data)


RLO = "\u202e"
SPEAKER = f"Evil{RLO}Name"


def listing_with_override() -> str:
    loaded = load_schedule_bytes(one_talk("Title", "", SPEAKER, "Peking University"), "e.yaml")
    return render_listing(loaded.schedule, PageContext(today=TODAY))


def test_user_text_is_isolated_on_the_page():
    html = listing_with_override()
    assert f"<strong><bdi>{SPEAKER}</bdi></strong>" in html
    assert '<span class="affiliation"><bdi>Peking University</bdi></span>' in html
    assert '<p class="title" dir="auto">' in html


FIRST_AND_LAST_X = """
(span) => {
  const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
  const text = walker.nextNode();
  const at = (i) => {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    return range.getBoundingClientRect().left;
  };
  return [at(0), at(text.length - 1)];
}
"""


def test_a_right_to_left_override_does_not_reverse_the_affiliation_in_the_browser(browser):
    """In Chromium: 'Peking University' after an RLO in the name still reads left to right.

    The same page without the isolation shows it reversed, so the check can fail.
    """
    isolated = listing_with_override()
    leaking = isolated.replace("<bdi>", "").replace("</bdi>", "")
    page = browser.new_page()
    try:
        page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
        positions = []
        for html in (isolated, leaking):
            page.set_content(html)
            positions.append(page.locator(".affiliation").evaluate(FIRST_AND_LAST_X))
    finally:
        page.close()
    (first, last), (leaked_first, leaked_last) = positions
    assert first < last  # "P" left of "y": reads left to right
    assert leaked_first > leaked_last  # without <bdi> the override reverses it
