"""What each calendar app is given: reminders, busy time, cancelled titles, SOURCE, links.

Every feed is parsed back with icalendar and with the independent `ical` package;
the reasons for each rule (which app shows what) are in docs/user-guide/subscribing.md.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

import calendar_feed.history.records
import calendar_feed.render.components
from calendar_feed.cli import main
from calendar_feed.publish.build import build_site
from calendar_feed.publish.stamp import STAMP_FILE
from calendar_feed.render.ical import FeedOptions, render_calendar, render_session
from calendar_feed.render.links import GOOGLE_LINK_LIMIT, google_event_link
from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.server.web import create_app
from calendar_feed.source.validation import load_schedule_bytes
from tests.helpers import ROOT, SHIPPED, TODAY, Outline, document

BASE = "https://example.edu/lunch/"
UID = "pku-am-lunch-{}@calendar-feed"


def with_base(schedule, base_url: str = BASE):
    return dataclasses.replace(
        schedule, series=dataclasses.replace(schedule.series, base_url=base_url)
    )


def parsed(data: bytes) -> tuple[Calendar, list]:
    """The feed as icalendar reads it, after checking the strict parser reads it too."""
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert [e.uid for e in strict.events] == [str(e["UID"]) for e in events]
    assert [e.summary for e in strict.events] == [str(e["SUMMARY"]) for e in events]
    assert [len(e.alarm) for e in strict.events] == [len(e.walk("VALARM")) for e in events]
    return calendar, events


# -- the feed, per subscriber option ---------------------------------------------------

VARIANTS = [
    (FeedOptions(), "", {"CONFIRMED": 2, "CANCELLED": 2, "TENTATIVE": 14}),
    (FeedOptions(include_open=False), "tba=0", {"CONFIRMED": 2, "CANCELLED": 2}),
    (FeedOptions(include_cancelled=False), "cancelled=0", {"CONFIRMED": 2, "TENTATIVE": 14}),
    (FeedOptions(alarm_minutes=15), "alarm=15", {"CONFIRMED": 2, "CANCELLED": 2, "TENTATIVE": 14}),
    (
        FeedOptions(False, False, 0),
        "tba=0&cancelled=0&alarm=0",
        {"CONFIRMED": 2},
    ),
]


@pytest.mark.parametrize(("options", "query", "statuses"), VARIANTS)
def test_each_variant_per_status(shipped, options, query, statuses):
    calendar, events = parsed(render_calendar(with_base(shipped), options))
    assert Counter(str(e["STATUS"]) for e in events) == statuses
    alarms = Counter(str(e["STATUS"]) for e in events for _ in e.walk("VALARM"))
    # Reminders go on talks only: never on a cancelled session or an open slot.
    expected_alarms = {"CONFIRMED": 2} if options.alarm_minutes is not None else {}
    assert alarms == expected_alarms
    for event in events:
        free = str(event["STATUS"]) in ("CANCELLED", "TENTATIVE")
        assert str(event.get("TRANSP", "OPAQUE")) == ("TRANSPARENT" if free else "OPAQUE")
    assert str(calendar["SOURCE"]) == BASE + "calendar.ics" + (f"?{query}" if query else "")
    assert calendar["SOURCE"].params["VALUE"] == "URI"
    strict = IcsCalendarStream.calendar_from_ics(
        render_calendar(with_base(shipped), options).decode()
    )
    assert strict.source == calendar["SOURCE"]


def test_summaries_per_status(shipped):
    _, events = parsed(render_calendar(with_base(shipped)))
    by_uid = {str(e["UID"]): str(e["SUMMARY"]) for e in events}
    assert by_uid[UID.format("2024-10-02")] == "CANCELLED (假期): PKU Applied Math Lunch Seminar"
    assert by_uid[UID.format("2024-09-18")] == "CANCELLED: PKU Applied Math Lunch Seminar"
    assert by_uid[UID.format("2024-10-09")] == "Open slot: PKU Applied Math Lunch Seminar"
    assert by_uid[UID.format("2024-09-11")].startswith("王泽昊: 声音合成与处理中的高效计算")


def test_alarm_fires_before_the_talk_and_says_what(shipped):
    _, events = parsed(render_calendar(shipped, FeedOptions(alarm_minutes=15)))
    talk = next(e for e in events if str(e["UID"]) == UID.format("2024-09-25"))
    [alarm] = talk.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].to_ical() == b"-PT15M"
    assert str(alarm["DESCRIPTION"]) == str(talk["SUMMARY"])


@pytest.mark.parametrize(
    ("reason", "summary"),
    [
        ("假期", "CANCELLED (假期): Demo Seminar"),
        ("speaker ill", "CANCELLED (speaker ill): Demo Seminar"),
        (
            "国庆节放假，学校统一安排调休，本周及下周的讨论班均暂停一次，敬请谅解",
            "CANCELLED (国庆节放假，学校统一安排调休…): Demo Seminar",
        ),
        (
            "the room is being renovated and no other room is free at lunch time",
            "CANCELLED (the room is being renovated…): Demo Seminar",
        ),
        ("two\nlines", "CANCELLED (two lines): Demo Seminar"),
    ],
)
def test_the_reason_is_in_the_title_and_kept_short(reason, summary):
    quoted = reason.replace("\n", "\\n")
    data = document(f'- date: 2024-10-02\n  status: cancelled\n  reason: "{quoted}"\n')
    schedule = load_schedule_bytes(data).schedule
    _, [event] = parsed(render_calendar(schedule))
    assert str(event["SUMMARY"]) == summary
    assert str(event["UID"]) == "demo-2024-10-02@calendar-feed"
    assert str(event["STATUS"]) == "CANCELLED"
    # The whole reason is still in the description, on one line as everywhere.
    one_line = reason.replace("\n", " ")
    assert str(event["DESCRIPTION"]).startswith(f"CANCELLED: {one_line}")


def test_a_session_file_names_no_source(shipped):
    calendar, _ = parsed(render_session(with_base(shipped), shipped.sessions[0]))
    assert "SOURCE" not in calendar


def test_without_a_base_url_no_variant_has_a_source(shipped):
    for options, _, _ in VARIANTS:
        calendar, _ = parsed(render_calendar(shipped, options))
        assert "SOURCE" not in calendar


# -- the live server: SOURCE is the URL subscribed, and the same options give the same bytes -


@pytest.fixture
def live(tmp_path):
    events = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, events)
    app = create_app({"EVENTS_FILE": str(events), "TODAY": TODAY.isoformat(), "BASE_URL": BASE})
    return app.test_client()


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("", "calendar.ics"),
        ("?tba=1&cancelled=1", "calendar.ics"),
        ("?tba=0", "calendar.ics?tba=0"),
        ("?cancelled=0&tba=0", "calendar.ics?tba=0&cancelled=0"),
        ("?alarm=015&tba=0", "calendar.ics?tba=0&alarm=15"),
        ("?alarm=30&utm_source=mail", "calendar.ics?alarm=30"),
    ],
)
def test_live_feed_names_itself_with_normalised_options(live, query, source):
    response = live.get("/calendar.ics" + query)
    assert response.status_code == 200
    calendar, _ = parsed(response.data)
    assert str(calendar["SOURCE"]) == BASE + source
    # Following SOURCE gives the very same bytes and ETag.
    again = live.get("/" + source)
    assert again.data == response.data
    assert again.headers["ETag"] == response.headers["ETag"]


def test_live_feed_without_a_base_url_has_no_source(client):
    for query in ("", "?tba=0", "?alarm=15"):
        calendar, _ = parsed(client.get("/calendar.ics" + query).data)
        assert "SOURCE" not in calendar


# -- a changed summary is one new revision ----------------------------------------------


def test_the_new_title_of_a_cancelled_session_bumps_sequence_once(
    shipped_copy, runner, monkeypatch
):
    """Published before titles carried the reason: the next build changes that one event."""

    def old_summary(series, session):
        return (
            "CANCELLED: PKU Applied Math Lunch Seminar"
            if session.is_cancelled
            else new(series, session)
        )

    new = calendar_feed.render.components.event_summary
    out = shipped_copy.parent / "site"
    args = ["build", str(shipped_copy), "--out", str(out), "--today", "2024-09-20", "--no-cache"]
    with monkeypatch.context() as patch:
        patch.setattr(calendar_feed.render.components, "event_summary", old_summary)
        patch.setattr(calendar_feed.history.records, "event_summary", old_summary)
        assert runner.invoke(main, args).exit_code == 0
    # The older code is patched in memory, not installed: its build stamp would say
    # nothing changed, and its build cache would be read, as they would not after a
    # real upgrade (both are keyed by the installed code).
    (out / STAMP_FILE).unlink()
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        '  2024-10-02: details changed: "CANCELLED (假期): PKU Applied Math Lunch Seminar" '
        "[SEQUENCE 1]"
    ]
    _, events = parsed((out / "calendar.ics").read_bytes())
    sequences = {str(e["UID"]): e.get("SEQUENCE", 0) for e in events}
    assert sequences.pop(UID.format("2024-10-02")) == 1
    assert set(sequences.values()) == {0}
    again = runner.invoke(main, args)
    assert again.output.splitlines()[1:] == []


# -- "Add to Google Calendar" links -----------------------------------------------------


def google_links(html: str) -> list[str]:
    return [
        a["href"] or "" for t, a in Outline(html).tags if t == "a" and a.get("class") == "google"
    ]


@pytest.mark.parametrize("base_url", ["", BASE])
def test_every_google_link_of_the_shipped_page_fits(shipped, base_url):
    html = render_listing(with_base(shipped, base_url), PageContext(today=TODAY))
    links = google_links(html)
    assert len(links) == 16  # every session but the two cancelled ones
    for link in links:
        assert len(link.encode("ascii")) <= GOOGLE_LINK_LIMIT
    # The Chinese talk was 6,239 characters long; its details are now cut to fit.
    chinese = google_event_link(with_base(shipped, base_url).series, shipped.sessions[0])
    assert chinese in links
    details = parse_qs(urlsplit(chinese).query)["details"][0]
    tail = "…\n" + BASE + "#s-2024-09-11" if base_url else "…"
    assert details.endswith(tail)
    assert len(chinese) > GOOGLE_LINK_LIMIT - 9  # no more than one character's bytes wasted


def test_a_long_chinese_abstract_is_cut_on_a_character_within_the_limit():
    abstract = "随着电子和数字技术的兴起，音乐和声音艺术经历了巨大的变革。" * 200
    data = document(
        f"- date: 2024-09-11\n  speaker: 王泽昊\n  title: 高效计算\n  abstract: {abstract}\n"
    ).replace(b"id: demo", b"id: demo\n  base_url: https://example.edu/s/")
    schedule = load_schedule_bytes(data).schedule
    link = google_event_link(schedule.series, schedule.sessions[0])
    assert len(link) <= GOOGLE_LINK_LIMIT
    assert link.isascii()
    query = parse_qs(urlsplit(link).query, strict_parsing=True, errors="strict")
    details = query["details"][0]
    body, _, url = details.rpartition("…\n")
    assert url == "https://example.edu/s/#s-2024-09-11"
    assert body.startswith("高效计算\n王泽昊\n\nAbstract:\n随着电子")
    assert abstract.startswith(body.split("Abstract:\n")[1])  # whole characters only
    assert query["text"] == ["王泽昊: 高效计算"]
    assert query["dates"] == ["20240911T040000Z/20240911T053000Z"]


def test_a_short_talk_keeps_its_whole_description(shipped):
    link = google_event_link(with_base(shipped).series, shipped.sessions[4])  # an open slot
    details = parse_qs(urlsplit(link).query)["details"][0]
    assert "…" not in details
    assert details.endswith(BASE + "#s-2024-10-09")


# -- the subscribe buttons ----------------------------------------------------------------


def test_subscribe_buttons_for_every_app(shipped):
    html = render_listing(with_base(shipped), PageContext(today=TODAY))
    outline = Outline(html)
    feed = BASE + "calendar.ics"
    name = quote("应用数学青年讨论班（午餐会） · PKU Applied Math Lunch Seminar").replace(
        "%20", "+"
    )
    assert outline.by_id("subscribe-google")["href"] == (
        "https://calendar.google.com/calendar/render?cid="
        + quote("webcal://example.edu/lunch/calendar.ics", safe="")
    )
    assert outline.by_id("subscribe-google-url")["href"] == (
        "https://calendar.google.com/calendar/u/0/r/settings/addbyurl"
    )
    assert outline.by_id("subscribe-outlook")["href"] == (
        f"https://outlook.live.com/calendar/0/addfromweb?url={quote(feed, safe='')}&name={name}"
    )
    assert outline.by_id("subscribe-office365")["href"] == (
        f"https://outlook.office.com/calendar/0/addfromweb?url={quote(feed, safe='')}&name={name}"
    )
    assert outline.by_id("feed-url")["value"] == feed
    assert "hidden" in outline.by_id("copy-feed-url")  # shown by the script only
    assert ("script", {"src": "copy.js", "defer": None}) in outline.tags


def listing_figures() -> list[str]:
    """The "Figures used on the listing" block of docs/user-guide/subscribing.md."""
    text = (ROOT / "docs" / "user-guide" / "subscribing.md").read_text(encoding="utf-8")
    block = re.search(r"## Figures used on the listing\n\n```\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return block[1].strip().split("\n")


def test_the_listing_says_how_long_an_edit_takes_in_each_app(shipped):
    html = render_listing(with_base(shipped), PageContext(today=TODAY))
    section = html[html.index('id="subscribe"') : html.index("</section>")]
    shown = re.findall(r"<li>([^<]*)</li>", section[section.index('id="refresh-times"') :])
    assert shown == listing_figures()


def test_the_live_page_warns_where_reminders_are_ignored(live):
    page = live.get("/").get_data(as_text=True)
    note = Outline(page)
    assert "alarm-note" in note.ids()
    assert "Google Calendar ignores reminders in subscribed calendars" in page
    assert "Apple Calendar's subscribe dialog removes alerts unless you untick" in page


def test_the_copy_script_is_served_and_allowed(live, tmp_path):
    response = live.get("/copy.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"navigator.clipboard.writeText" in response.data
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    result = build_site(SHIPPED, tmp_path / "site", history=None, base_url=BASE, today=TODAY)
    assert result.files["copy.js"] == response.data
    assert (tmp_path / "site" / "copy.js").read_bytes() == response.data


# -- diff predicts what build publishes -------------------------------------------------


def test_diff_right_after_build_reports_nothing(shipped_copy, runner):
    out = shipped_copy.parent / "site"
    built = runner.invoke(main, ["build", str(shipped_copy), "--out", str(out), "--base-url", BASE])
    assert built.exit_code == 0, built.output
    result = runner.invoke(main, ["diff", str(shipped_copy), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    history = shipped_copy.with_name("events.history.json")
    assert result.output == (
        f"Against {history}: no changes; subscribers' calendars stay as they are.\n"
    )
    # Without the same --base-url the URLs in every description differ: diff says why.
    other = runner.invoke(main, ["diff", str(shipped_copy)])
    assert "18 events change for subscribers" in other.stdout
    assert other.stderr == (
        f"{history}: warning: the last publish used the base URL {BASE}, this diff uses "
        "(none): every link in the descriptions differs. Give the same --base-url as build, "
        "or set calendar.base_url in the events file\n"
    )
    # And the next build with the same URL publishes nothing new, as diff said.
    again = runner.invoke(main, ["build", str(shipped_copy), "--out", str(out), "--base-url", BASE])
    assert again.output.count("\n") == 1, again.output


def test_diff_right_after_build_with_base_url_in_the_file(shipped_copy, runner):
    text = shipped_copy.read_text(encoding="utf-8")
    shipped_copy.write_text(
        text.replace("  # base_url: https://example.edu/lunch-seminar/", f"  base_url: {BASE}"),
        encoding="utf-8",
    )
    out = shipped_copy.parent / "site"
    built = runner.invoke(main, ["build", str(shipped_copy), "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert f"SOURCE;VALUE=URI:{BASE}calendar.ics".encode() in (out / "calendar.ics").read_bytes()
    result = runner.invoke(main, ["diff", str(shipped_copy)])
    assert result.exit_code == 0, result.output
    assert "no changes; subscribers' calendars stay as they are." in result.output


def test_every_rendering_command_takes_the_same_base_url_option(runner):
    for command in ("build", "serve", "diff"):
        help_text = runner.invoke(main, [command, "--help"]).output
        assert "--base-url" in help_text, command


def test_serve_uses_the_base_url_like_build(tmp_path, shipped_copy):
    built = build_site(shipped_copy, tmp_path / "site", history=None, base_url=BASE, today=TODAY)
    app = create_app(
        {"EVENTS_FILE": str(shipped_copy), "BASE_URL": BASE, "HISTORY_FILE": "", "TODAY": TODAY}
    )
    served = app.test_client().get("/calendar.ics").data
    assert served == built.files["calendar.ics"]
