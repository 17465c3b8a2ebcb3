"""The listing page as a reader gets it: sections, markers, links, and escaped text."""

from __future__ import annotations

import datetime as dt
import json

from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import HEAD, Outline, document

TODAY = dt.date(2024, 9, 20)


def test_sections_split_on_today(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    outline = Outline(html)
    upcoming = html.index('id="upcoming"')
    past = html.index('id="past"')
    # Past sessions are listed newest first, after the upcoming ones.
    assert upcoming < html.index('id="s-2024-09-25"') < html.index('id="s-2025-01-08"') < past
    assert past < html.index('id="s-2024-09-18"') < html.index('id="s-2024-09-11"')
    assert len([i for i in outline.ids() if i.startswith("s-")]) == 18


def test_next_session_is_marked(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    assert '<li id="s-2024-09-25" class="session talk next">' in html
    assert (
        '<p class="next-pointer">Next: <a href="#s-2024-09-25">Wed 25 Sep — <bdi>陈畅 (北京大学)</bdi></a></p>'
        in html
    )
    later = render_listing(shipped, PageContext(today=dt.date(2024, 9, 26)))
    # No talk left: the next open slot (not the cancelled holiday) is pointed at.
    assert '<p class="next-pointer">Next: <a href="#s-2024-10-09">Wed 09 Oct</a></p>' in later


def test_talk_details_cancelled_and_open(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    chen = html[html.index('id="s-2024-09-25"') : html.index('id="s-2024-10-02"')]
    assert (
        '<strong><bdi>陈畅</bdi></strong>, <span class="affiliation"><bdi>北京大学</bdi></span>'
        in chen
    )
    assert "<details>" in chen
    assert (
        '<summary><span lang="en">Abstract and speaker</span> / <span lang="zh">具体信息</span>'
        "</summary>" in chen
    )
    assert "heterogeneous training environments.<br>\nIn this talk" in chen
    assert "12:00–13:30, Beijing time (UTC+8)" in chen
    holiday = html[html.index('id="s-2024-10-02"') : html.index('id="s-2024-10-09"')]
    assert '<del><time datetime="2024-10-02T12:00:00+08:00">Wed 02 Oct 2024</time></del>' in holiday
    assert "Cancelled (<bdi>假期</bdi>)" in holiday
    assert "Add to Google Calendar" not in holiday
    slot = html[html.index('id="s-2024-10-09"') : html.index('id="s-2024-10-16"')]
    assert "Open slot" in slot
    assert "want to speak? Ask <bdi>吴清玉</bdi> or <bdi>沈城烽</bdi>" in slot
    assert '<a class="ics" href="events/2024-10-09.ics" download>' in slot


def test_page_language_and_charset(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    assert html.startswith('<!doctype html>\n<html lang="zh">')
    assert '<meta charset="utf-8">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html
    assert "This webpage is maintained by Ting Lin (@alisomia)." in html


def test_without_base_url_there_are_no_subscribe_buttons(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    assert 'id="subscribe-webcal"' not in html
    assert '<a id="feed-download" href="calendar.ics">calendar.ics</a>' in html


def test_subscribe_links_with_a_site_url(shipped):
    outline = Outline(
        render_listing(shipped, PageContext(today=TODAY, site_url="https://ex.org/am/"))
    )
    assert outline.by_id("subscribe-webcal")["href"] == "webcal://ex.org/am/calendar.ics"
    assert outline.by_id("subscribe-google")["href"] == (
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fex.org%2Fam%2Fcalendar.ics"
    )
    assert outline.by_id("subscribe-outlook")["href"].startswith(
        "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fex.org%2Fam%2Fcalendar.ics&name="
    )
    assert outline.by_id("feed-url")["value"] == "https://ex.org/am/calendar.ics"
    google = next(a["href"] for t, a in outline.tags if t == "a" and a.get("class") == "google")
    # The first Google link belongs to the next talk, 2024-09-25 12:00-13:30 Beijing time.
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
    assert "&dates=20240925T040000Z%2F20240925T053000Z&" in google
    assert "&ctz=Asia%2FShanghai" in google


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def test_hostile_text_is_shown_not_executed():
    quoted = json.dumps(HOSTILE)
    fields = ("speaker", "title", "affiliation", "abstract", "bio", "location", "note")
    sessions = "- date: 2024-09-11\n" + "".join(f"  {f}: {quoted}\n" for f in fields)
    data = document(sessions).decode().replace("name: Demo Seminar", f"name: {quoted}")
    schedule = load_schedule_bytes(data.encode()).schedule
    html = render_listing(schedule, PageContext(today=TODAY, site_url="https://ex.org/"))
    outline = Outline(html)
    # The one script is the page's own file (copy.js); nothing from the YAML becomes a tag.
    assert [(t, a) for t, a in outline.tags if t in ("script", "img")] == [
        ("script", {"src": "copy.js", "defer": None})
    ]
    assert not any(k.startswith("on") for _, a in outline.tags for k in a)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert HOSTILE in "".join(outline.text)


def test_page_links_to_the_announcements_feed(shipped):
    outline = Outline(render_listing(shipped, PageContext(today=TODAY)))
    assert outline.by_id("announcements")["href"] == "announcements.atom"
    assert ("link", {"rel": "alternate", "type": "application/atom+xml",
                     "title": "应用数学青年讨论班（午餐会） · PKU Applied Math Lunch Seminar: announcements",
                     "href": "announcements.atom"}) in outline.tags  # fmt: skip


def test_text_spelling_the_items_marker_stays_text():
    """The listing's items are joined in at a marker; text that spells it is escaped."""
    marker = "<!--calendar-feed:upcoming_items-->"
    sessions = f"- date: 2024-09-25\n  speaker: Ada\n  title: {json.dumps(marker)}\n"
    sessions += "- date: 2024-10-02\n  speaker: Grace\n  title: Compilers\n"
    schedule = load_schedule_bytes(document(sessions)).schedule
    html = render_listing(schedule, PageContext(today=TODAY))
    assert marker not in html
    assert "&lt;!--calendar-feed:upcoming_items--&gt;" in html
    assert html.count('<li id="s-') == 2
    assert html.index('id="s-2024-09-25"') < html.index('id="s-2024-10-02"')


def test_a_talk_in_another_language_is_marked_with_it():
    head = HEAD.replace("  timezone:", "  language: zh\n  timezone:")
    schedule = load_schedule_bytes(
        document(
            """\
            - date: 2025-03-05
              speaker: 陈畅
              title: Centauri
              abstract: We introduce Centauri.
              language: en
            - date: 2025-03-12
              speaker: 王泽昊
              title: 声音合成
              abstract: 随着电子和数字技术的兴起。
            """,
            head=head,
        )
    ).schedule
    html = render_listing(schedule, PageContext(today=dt.date(2025, 3, 1)))
    assert html.startswith('<!doctype html>\n<html lang="zh">')
    english, chinese = html.split('<li id="s-')[1:]
    assert '<p class="title" dir="auto" lang="en">Centauri</p>' in english
    assert '<div class="abstract" dir="auto" lang="en">' in english
    assert '<p class="title" dir="auto">声音合成</p>' in chinese  # the page's own language
    assert '<div class="abstract" dir="auto">' in chinese


def test_bilingual_labels_carry_both_languages(shipped):
    html = render_listing(shipped, PageContext(today=TODAY))
    assert (
        '<h2 id="upcoming-heading"><span lang="en">Upcoming</span> / '
        '<span lang="zh">即将进行</span></h2>' in html
    )
