"""A department built from a site file: the files, feeds parsed back, filters, archives,
errors across files, the feed window and the size warning."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.publish.build import build_site
from calendar_feed.render.outputs import RESERVED_IDS
from tests.helpers import uids, vevents

TODAY = dt.date(2025, 3, 1)


def build(department: Path, **kwargs: object) -> dict[str, bytes]:
    options = {"history": False, "today": TODAY, **kwargs}
    return dict(build_site(department, None, **options).files)  # type: ignore[arg-type]


def test_file_tree(department: Path) -> None:
    files = build(department)
    expected = {
        "index.html", "embed.html", "calendar.ics", "events.json", "talks.ics", "style.css",
        "tags/lunch.ics", "tags/pde.ics", "tags/numerics.ics", "tags/analysis.ics",
        "tags/probability.ics",
        "lunch/index.html", "lunch/calendar.ics", "lunch/events.json",
        "lunch/announcements.atom", "lunch/2024-autumn/index.html",
        "lunch/2024-autumn/calendar.ics", "lunch/2025-spring/index.html",
        "lunch/2025-spring/calendar.ics", "lunch/events/2024-09-11.ics",
        "analysis/index.html", "analysis/archive/index.html", "analysis/archive/calendar.ics",
        "colloquium/calendar.ics", "colloquium/events/2025-03-14.ics",
    }  # fmt: skip
    assert expected <= set(files)


def test_department_feed_has_every_series_with_unique_uids(department: Path) -> None:
    body = build(department)["calendar.ics"]
    found = uids(body)
    assert len(found) == 8 + 2 + 2
    assert len(set(found)) == len(found)
    # Lunch and analysis both meet on 2025-02-26: two events, two UIDs.
    assert {"lunch-2025-02-26@calendar-feed", "analysis-2025-02-26@calendar-feed"} <= set(found)
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "北京大学数学科学学院 讨论班 / PKU Math Seminars"


def test_series_feed_merges_its_terms(department: Path) -> None:
    files = build(department)
    lunch = uids(files["lunch/calendar.ics"])
    assert len(lunch) == 8
    assert all(u.startswith("lunch-") for u in lunch)
    assert len(uids(files["lunch/2024-autumn/calendar.ics"])) == 4
    assert len(uids(files["lunch/2025-spring/calendar.ics"])) == 4


def test_tag_and_talks_feeds(department: Path) -> None:
    files = build(department)
    pde = vevents(files["tags/pde.ics"])
    assert sorted(str(e["UID"]) for e in pde) == [
        "analysis-2025-02-26@calendar-feed",
        "analysis-2025-03-05@calendar-feed",
        "lunch-2024-10-09@calendar-feed",
        "lunch-2025-03-05@calendar-feed",
    ]
    # Series tags are inherited: every lunch session is tagged lunch.
    assert len(uids(files["tags/lunch.ics"])) == 8
    talks = vevents(files["talks.ics"])
    assert all(str(e["STATUS"]) != "TENTATIVE" for e in talks)
    assert len(talks) == 12 - 2  # two open slots left out


def test_online_speaker_url_and_tags_in_the_event(department: Path) -> None:
    event = vevents(build(department)["lunch/events/2025-02-26.ics"])[0]
    conference = event["CONFERENCE"]
    assert str(conference) == "https://meeting.example.com/j/123456"
    assert conference.params["VALUE"] == "URI"
    assert conference.params["FEATURE"] == "VIDEO"
    assert "Join online:\nhttps://meeting.example.com/j/123456" in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == ["numerics", "lunch"]
    stream = IcsCalendarStream.calendar_from_ics(
        build(department)["lunch/events/2025-02-26.ics"].decode()
    )
    assert stream.events[0].categories == ["numerics", "lunch"]


def test_pages(department: Path) -> None:
    files = build(department)
    index = files["index.html"].decode()
    # Upcoming across all series, each labelled with its series; links to archives.
    assert index.count('class="series-label"') == 5  # sessions from 2025-03-01 on
    assert 'href="lunch/2024-autumn/index.html"' in index
    assert 'href="analysis/index.html"' in index
    assert "张三" not in index  # 2025-02-26 is past
    series = files["lunch/index.html"].decode()
    assert 'href="2024-autumn/index.html"' in series
    assert "Anna Schmidt" in series
    assert "王泽昊" not in series  # a past term lives on its own page
    term = files["lunch/2024-autumn/index.html"].decode()
    assert "王泽昊" in term
    assert 'href="../events/2024-09-11.ics"' in term
    spring = files["lunch/2025-spring/index.html"].decode()
    assert 'href="https://example.edu/~zhang"' in spring
    assert 'href="https://meeting.example.com/j/123456"' in spring


def test_json(department: Path) -> None:
    data = json.loads(build(department)["events.json"])
    assert [s["id"] for s in data["series"]] == ["lunch", "analysis", "colloquium"]
    assert len(data["sessions"]) == 12
    first = data["sessions"][0]
    assert first["series"] == "lunch"
    assert first["ics"] == "lunch/events/2024-09-11.ics"
    assert first["tags"] == ["probability", "lunch"]


LUNCH_DAYS = [
    "2024-09-11", "2024-09-18", "2024-09-25", "2024-10-09",
    "2025-02-26", "2025-03-05", "2025-03-12", "2025-03-19",
]  # fmt: skip


def test_feed_window_keeps_archives_complete(department: Path) -> None:
    # lunch's last session is 2025-03-19: 180 days back from it is 2024-09-20.
    files = build(department, today=dt.date(2025, 6, 1))
    kept = uids(files["lunch/calendar.ics"])
    assert kept == [f"lunch-{day}@calendar-feed" for day in LUNCH_DAYS[2:]]
    assert uids(files["lunch/archive.ics"]) == [f"lunch-{d}@calendar-feed" for d in LUNCH_DAYS]
    assert len(uids(files["lunch/2024-autumn/calendar.ics"])) == 4
    data = json.loads(files["events.json"])
    assert [s["id"] for s in data["sessions"] if s["series"] == "lunch"] == LUNCH_DAYS[2:]
    archive = json.loads(files["lunch/archive.json"])
    assert [s["id"] for s in archive["sessions"]] == LUNCH_DAYS
    # A series that pauses keeps its last sessions: the window stops at its last one.
    later = build(department, today=dt.date(2027, 1, 1))
    assert uids(later["lunch/calendar.ics"]) == kept


def test_clashing_terms_and_errors_in_several_files_reported_at_once(department: Path) -> None:
    spring = department.parent / "lunch" / "2025-spring.yaml"
    spring.write_text(spring.read_text().replace("2025-03-12", "2024-09-25"))
    colloquium = department.parent / "colloquium" / "events.yaml"
    colloquium.write_text(colloquium.read_text().replace("duration: 60", "duration: soon"))
    with pytest.raises(ValidationError) as caught:
        build(department)
    messages = [str(p) for p in caught.value.errors]
    assert any(m.startswith(f"{colloquium}:") and "defaults.duration" in m for m in messages), (
        messages
    )
    clash = next(m for m in messages if "another term" in m)
    assert clash.startswith(f"{spring}:")
    assert "sessions[2].date" in clash
    assert f"{department.parent / 'lunch' / '2024-autumn.yaml'}:" in clash


@pytest.mark.parametrize(
    "name", ["calendar.ics", "index.html", "talks.ics", "events.json", "embed.html", "tags"]
)
def test_a_series_id_the_site_uses_itself_is_refused_by_validate(
    department: Path, name: str
) -> None:
    analysis = department.parent / "analysis" / "events.yaml"
    analysis.write_text(analysis.read_text().replace("id: analysis", f"id: {name}", 1))
    result = CliRunner().invoke(main, ["validate", str(department)])
    assert result.exit_code == 1
    reserved = ", ".join(sorted(RESERVED_IDS))
    assert result.output.splitlines() == [
        f'{department}:13:5: calendar.id: "{name}" (in {analysis}) is a name the site uses '
        f"itself at its top ({reserved}); each series' files are in a folder named after its "
        "id: choose another",
        f"{department}: 1 error; nothing published",
    ]


def test_every_name_at_the_top_of_a_built_site_or_the_server_is_reserved(
    department: Path,
) -> None:
    from calendar_feed.server.web import create_app

    series = {"lunch", "analysis", "colloquium"}
    top = {path.split("/")[0] for path in build(department)} - series
    routes = {
        rule.rule.split("/")[1]
        for rule in create_app({"EVENTS_FILE": department}).url_map.iter_rules()
    }
    assert top | (routes - {"", "<path:name>"}) <= RESERVED_IDS


def test_a_file_listed_twice_is_one_error_at_its_line(department: Path) -> None:
    department.write_text(department.read_text() + "  - ./colloquium/events.yaml\n")
    result = CliRunner().invoke(main, ["validate", str(department)])
    assert result.exit_code == 1
    twice = department.parent / "colloquium" / "events.yaml"
    assert result.output.splitlines() == [
        f"{department}:15:5: series[4]: {twice} is listed twice (first at line 14); a file "
        "is listed once: remove this entry",
        f"{department}: 1 error; nothing published",
    ]


def test_site_file_problems(tmp_path: Path) -> None:
    department = tmp_path / "site.yaml"
    department.write_text(
        "site:\n  name: X\n  base_url: ftp://x\n  feed_window: -3\n  colour: red\n"
        "series:\n  - missing.yaml\n"
    )
    with pytest.raises(ValidationError) as caught:
        build(department)
    text = [str(p) for p in caught.value.errors]
    assert any("site.base_url" in t for t in text)
    assert any("site.feed_window" in t for t in text)
    assert any('unknown field "colour"' in t for t in text)


def test_missing_file_named_with_the_others(tmp_path: Path, department: Path) -> None:
    department.write_text(department.read_text() + "  - nowhere.yaml\n")
    with pytest.raises(ValidationError) as caught:
        build(department)
    assert [str(p) for p in caught.value.errors] == [
        f"{department.parent / 'nowhere.yaml'}: file not found"
    ]


def test_cli_validate_and_build(department: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(department)])
    assert result.exit_code == 0, result.output
    assert "OK, 3 series: lunch (8 sessions, 2 terms)" in result.output
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["build", str(department), "--out", str(out), "--today", "2025-03-01"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "lunch" / "2024-autumn" / "index.html").is_file()
    assert "lunch: started the revision history with 8 events" in result.output
    # Each series keeps its own history beside its events files.
    assert (department.parent / "lunch" / "lunch.history.json").is_file()
    assert (department.parent / "analysis" / "events.history.json").is_file()


def test_cli_reports_problems(department: Path) -> None:
    (department.parent / "analysis" / "events.yaml").write_text("calendar: {}\nsessions: []\n")
    result = CliRunner().invoke(main, ["validate", str(department)])
    assert result.exit_code == 1
    assert "calendar.id: missing required field" in result.output


def test_new_fields_in_a_single_events_file(tmp_path: Path) -> None:
    """speaker_url, online and tags work in a plain events.yaml too (page, feed, JSON, history)."""
    from calendar_feed.publish.build import build_site
    from tests.helpers import document

    events = tmp_path / "events.yaml"
    events.write_bytes(
        document(
            """\
            - date: 2024-09-11
              speaker: Ada
              title: Engines
              speaker_url: https://example.org/ada
              online: https://meet.example.org/x
              tags: [History, numerics]
            """
        )
    )
    history = tmp_path / "events.history.json"
    result = build_site(events, None, history=history, today=dt.date(2024, 9, 1))
    page = result.files["index.html"].decode()
    assert '<a href="https://example.org/ada" rel="noopener nofollow"><bdi>Ada</bdi></a>' in page
    assert '<a href="https://meet.example.org/x" rel="noopener nofollow">Join online</a>' in page
    assert '<span class="tag">history</span>' in page
    session = json.loads(result.files["events.json"])["sessions"][0]
    assert session["tags"] == ["history", "numerics"]
    assert session["online"] == "https://meet.example.org/x"
    event = vevents(result.files["calendar.ics"])[0]
    assert event["CONFERENCE"].params["FEATURE"] == "VIDEO"
    # The history remembers the new details: editing a tag is a change, rebuilding is not.
    again = build_site(events, None, history=history, today=dt.date(2024, 9, 1))
    assert again.release.changes == ()
    events.write_text(events.read_text().replace("[History, numerics]", "[numerics]"))
    edited = build_site(events, None, history=history, today=dt.date(2024, 9, 1))
    assert len(edited.release.changes) == 1


def test_bad_tags_are_positioned(tmp_path: Path) -> None:
    from calendar_feed.source.validation import load_schedule_bytes
    from tests.helpers import document

    data = document(
        """\
        - date: 2024-09-11
          speaker: Ada
          title: Engines
          tags: [ok, "not a tag"]
          online: zoom
        """
    )
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes(data)
    assert [str(p) for p in caught.value.errors] == [
        'events.yaml:13:16: sessions[0].tags[1]: "not a tag" is not a valid id: use letters, '
        'digits, "-", "_" or "." (at most 64, starting with a letter or digit)',
        'events.yaml:14:13: sessions[0].online: "zoom" is not a web address; write it as https://…',
    ]
