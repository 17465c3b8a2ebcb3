"""Markdown page import and export: round trips with the seed page, variants, errors, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.fields import PROSE_KEYS
from calendar_feed.files import write_text_atomically
from calendar_feed.importing.importer import ImportOptions
from calendar_feed.importing.importer import import_source as import_page
from calendar_feed.markdown.exporter import render_markdown, unshown
from calendar_feed.markdown.hidden import BLOCK_START, hidden_block
from calendar_feed.model import Schedule
from calendar_feed.source.validation import load_schedule, load_schedule_bytes
from calendar_feed.source.writer import dump_events
from tests.helpers import SEED_PAGE

SHIPPED_ID = "pku-am-lunch"
SEED_OPTIONS = ImportOptions(
    SHIPPED_ID, "Asia/Shanghai", None, "12:00", "13:30", "地点待定 / Room to be announced"
)
"""The seed page states no zone, time or room: the shipped file's are given as options."""
USUAL = {"timezone": "Asia/Shanghai", "start": "12:00", "end": "13:30"}


def run_import(text: str, name: str = "page.md", **options: object) -> object:
    """Import a (dedented) page given as text."""
    data = textwrap.dedent(text).encode("utf-8")
    return import_page(data, name, ImportOptions(**{**USUAL, **options}))  # type: ignore[arg-type]


def import_error(text: str, **options: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        run_import(text, **options)
    return [str(problem) for problem in caught.value.problems]


def rows(schedule: Schedule) -> list[tuple[str, ...]]:
    """Each session as (key, status, speaker, affiliation, title, abstract, bio, reason, note)."""
    return [
        (
            s.key,
            s.status.value,
            s.speaker,
            s.affiliation,
            s.title,
            s.abstract,
            s.bio,
            s.reason,
            s.note,
        )
        for s in schedule.sessions
    ]


def normalised(page: str) -> list[str]:
    """Non-blank lines without surrounding whitespace; every thematic break written ``---``."""
    lines = (line.strip() for line in page.replace("\r\n", "\n").split("\n"))
    return [re.sub(r"^-{3,}$", "---", line) for line in lines if line]


HEAD = """\
# Demo Seminar

## 演示讨论班日程表

本学期（{semester}）数学系将开展讨论班，本学期由**张三**和**李四**同学负责。

本学期日程如下：

"""
FOOT = """
-----
This webpage is maintained by Wang Wu (@ww)
"""
TALK = """\
1. Feb 26

    **王五**, 北京大学

    题目：一个标题

    <details>
    <summary>具体信息</summary>

    <b>摘要</b>:

    第一段。

    第二段：**加粗**，`代码`。

    <b>报告人信息</b>:

    王五是北京大学的学生。

    -------
    </details>

"""


# -- the seed page -------------------------------------------------------------------


def test_import_of_the_seed_page_is_the_shipped_schedule(shipped: Schedule) -> None:
    imported = import_page(SEED_PAGE.read_bytes(), str(SEED_PAGE), SEED_OPTIONS)
    assert imported.warnings == ()
    assert imported.loaded.warnings == ()
    assert imported.loaded.schedule == shipped


def test_seed_import_keeps_the_pages_text_verbatim() -> None:
    imported = import_page(SEED_PAGE.read_bytes(), "seed.md", SEED_OPTIONS)
    schedule = imported.loaded.schedule
    series = schedule.series
    assert (series.name, series.local_name, series.semester) == (
        "PKU Applied Math Lunch Seminar",
        "应用数学青年讨论班（午餐会）",
        "2024秋",
    )
    assert series.organizers == ("吴清玉", "沈城烽")
    assert series.maintainer == "Ting Lin (@alisomia)"
    assert series.description == "本学期（2024秋）应用数学拔尖计划将开展午餐会。"
    assert (series.timezone, series.language, series.weekday) == ("Asia/Shanghai", "zh", 2)
    assert len(schedule.sessions) == 18
    first, cancelled, second, holiday = schedule.sessions[:4]
    assert (first.speaker, first.affiliation) == ("王泽昊", "USCD")  # sic, as on the page
    assert first.start == dt.datetime(2024, 9, 11, 12, 0, tzinfo=first.start.tzinfo)
    assert first.start.utcoffset() == dt.timedelta(hours=8)
    assert (first.end.hour, first.end.minute) == (13, 30)
    assert first.location == "地点待定 / Room to be announced"
    assert second.abstract.count("\n") == 1  # two lines, one line break, as written
    assert second.abstract.startswith("Efficiently training large language models (LLMs)")
    assert second.bio.endswith("ASPLOS 2024 Best Paper award。")
    assert (cancelled.status.value, cancelled.reason) == ("cancelled", "")
    assert (holiday.status.value, holiday.reason) == ("cancelled", "假期")
    assert [s.key for s in schedule.sessions[-3:]] == ["2024-12-25", "2025-01-01", "2025-01-08"]
    assert all(s.is_open for s in schedule.sessions[4:])


def test_the_written_yaml_is_for_people() -> None:
    text = import_page(SEED_PAGE.read_bytes(), "seed.md", SEED_OPTIONS).text
    assert text.startswith("# events.yaml: the one source of truth")
    assert "# Imported from seed.md by `calendar-feed import`." in text
    assert "  organizers:\n    - 吴清玉\n    - 沈城烽\n" in text
    assert '  start: "12:00"\n  end: "13:30"\n  location: 地点待定 / Room to be announced\n' in text
    assert "    abstract: |\n      随着电子和数字技术的兴起" in text
    assert "    title: >-\n      Centauri: Enabling" in text
    assert "  - date: 2024-10-02\n    status: cancelled\n    reason: 假期\n" in text
    assert "\\u" not in text
    assert "!!" not in text
    keys = re.findall(r"^  (\w+):", text.split("\ndefaults:")[0], flags=re.MULTILINE)
    assert keys == [
        "id", "name", "local_name", "description", "semester", "organizers", "maintainer",
        "timezone", "language", "weekday",
    ]  # fmt: skip


def test_export_of_the_shipped_file_imports_back_to_the_same_schedule(shipped: Schedule) -> None:
    page = render_markdown(shipped)
    imported = import_page(page.encode("utf-8"), "export.md", SEED_OPTIONS)
    assert imported.warnings == ()
    assert imported.loaded.schedule == shipped
    assert unshown(shipped) == []


def test_export_of_the_shipped_file_is_the_seed_page(shipped: Schedule) -> None:
    expected = normalised(SEED_PAGE.read_text(encoding="utf-8"))
    actual = normalised(render_markdown(shipped).partition(BLOCK_START)[0])
    diff = "\n".join(difflib.unified_diff(expected, actual, "seed page", "export", lineterm=""))
    assert actual == expected, f"export differs from the seed page:\n{diff}"


def test_export_layout_matches_the_seed(shipped: Schedule) -> None:
    page = render_markdown(shipped)
    assert page.startswith(
        "# PKU Applied Math Lunch Seminar\n\n## 应用数学青年讨论班（午餐会）日程表\n\n"
        "本学期（2024秋）应用数学拔尖计划将开展午餐会，本学期由**吴清玉**和**沈城烽**同学负责。\n\n"
        "本学期日程如下：\n\n1. Sep 11\n\n    **王泽昊**, USCD\n\n    题目：声音合成"
    )
    assert "    <details>\n    <summary>具体信息</summary>\n\n    <b>摘要</b>:\n\n" in page
    assert "    -------\n    </details>\n\n1. ~~Sep 18~~\n1. Sep 25\n" in page
    assert "\n1. ~~Oct 2~~ (假期)\n1. Oct 9\n" in page
    visible, start, hidden = page.partition(BLOCK_START)
    assert visible.endswith(
        "1. Jan 8\n\n-----\nThis webpage is maintained by Ting Lin (@alisomia)\n\n"
    )
    assert start + hidden == hidden_block(shipped) + "\n"  # then only the hidden block


# -- hand-made variants --------------------------------------------------------------


def test_a_spring_semester_takes_its_year_from_the_label() -> None:
    page = HEAD.format(semester="2025春") + TALK + "1. ~~Mar 5~~ （停课）\n1. Mar 12\n" + FOOT
    imported = run_import(page)
    series = imported.loaded.schedule.series
    assert (series.semester, series.organizers, series.maintainer) == (
        "2025春",
        ("张三", "李四"),
        "Wang Wu (@ww)",
    )
    assert series.description == "本学期（2025春）数学系将开展讨论班。"
    assert series.id == "demo-seminar"
    assert rows(imported.loaded.schedule) == [
        (
            "2025-02-26", "talk", "王五", "北京大学", "一个标题",
            "第一段。\n\n第二段：**加粗**，`代码`。", "王五是北京大学的学生。", "", "",
        ),
        ("2025-03-05", "cancelled", "", "", "", "", "", "停课", ""),
        ("2025-03-12", "open", "", "", "", "", "", "", ""),
    ]  # fmt: skip
    assert imported.warnings == ()


def test_december_to_january_rolls_into_the_next_year() -> None:
    page = HEAD.format(semester="2024秋") + "1. Dec 18\n1. Dec 25\n1. Jan 1\n1. Jan 8\n" + FOOT
    schedule = run_import(page).loaded.schedule
    assert [s.key for s in schedule.sessions] == [
        "2024-12-18",
        "2024-12-25",
        "2025-01-01",
        "2025-01-08",
    ]


def test_year_option_overrides_the_label_and_is_needed_without_one() -> None:
    page = "# Demo Seminar\n\n1. Sep 11\n1. Sep 18\n1. Sep 25\n"
    assert import_error(page) == [
        'page.md:3: cannot tell the year of "Sep 11": the page names none (like "Fall 2024" or '
        '"2024秋"); give --year'
    ]
    schedule = run_import(page, year=2023).loaded.schedule
    assert [s.key for s in schedule.sessions] == ["2023-09-11", "2023-09-18", "2023-09-25"]
    assert schedule.series.semester == ""
    relabelled = run_import(HEAD.format(semester="2024秋") + "1. Sep 11\n", year=2030)
    assert relabelled.loaded.schedule.sessions[0].key == "2030-09-11"


def test_an_english_only_page_and_talk() -> None:
    page = """\
    # Applied Math Seminar

    Spring 2025: talks every Wednesday.

    1. February 26

        **Alice Smith**, MIT

        Title: Deep Learning: A "Survey" -- #1

        <details>
        <summary>Details</summary>

        <b>Abstract</b>: We survey deep learning.

        It works.

        <b>About the speaker</b>:

        Alice studies *things*.
        </details>

    1. Mar 5

    -----
    This webpage is maintained by Bob
    """
    imported = run_import(page)
    series = imported.loaded.schedule.series
    assert (series.language, series.semester, series.maintainer) == ("en", "Spring 2025", "Bob")
    assert series.description == "Spring 2025: talks every Wednesday."
    assert series.local_name == ""
    assert rows(imported.loaded.schedule) == [
        (
            "2025-02-26", "talk", "Alice Smith", "MIT", 'Deep Learning: A "Survey" -- #1',
            "We survey deep learning.\n\nIt works.", "Alice studies *things*.", "", "",
        ),
        ("2025-03-05", "open", "", "", "", "", "", "", ""),
    ]  # fmt: skip
    assert imported.warnings == ()


def test_a_chinese_only_title_names_the_series() -> None:
    imported = run_import("## 讨论班日程表\n\n1. 2024-09-11\n")
    series = imported.loaded.schedule.series
    assert (series.name, series.local_name, series.id) == ("讨论班", "讨论班", "seminar")


def test_a_talk_without_affiliation() -> None:
    page = HEAD.format(semester="2025春") + TALK.replace("**王五**, 北京大学", "**王五**") + FOOT
    (session,) = run_import(page).loaded.schedule.sessions
    assert (session.speaker, session.affiliation, session.title) == ("王五", "", "一个标题")


def test_extra_blank_lines_change_nothing() -> None:
    plain = HEAD.format(semester="2025春") + TALK + "1. Mar 5\n" + FOOT
    airy = re.sub(r"\n", "\n\n\n", plain)
    assert run_import(airy).loaded.schedule == run_import(plain).loaded.schedule


def test_windows_line_endings_and_a_bom(shipped: Schedule) -> None:
    text = SEED_PAGE.read_text(encoding="utf-8").replace("\n", "\r\n")
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    imported = import_page(data, "seed.md", SEED_OPTIONS)
    assert imported.loaded.schedule == shipped
    assert imported.warnings == ()


def test_tab_indented_bodies() -> None:
    page = HEAD.format(semester="2025春") + TALK.replace("    ", "\t") + FOOT
    spaced = HEAD.format(semester="2025春") + TALK + FOOT
    assert run_import(page).loaded.schedule == run_import(spaced).loaded.schedule


# -- what cannot be placed is kept, with a warning naming its line --------------------


def test_a_broken_block_is_kept_with_warnings_naming_its_lines() -> None:
    page = """\
    # Demo Seminar

    本学期（2025春）讨论班。

    1. Feb 26

        **王五**, 北京大学

        题目：一个标题

        会后聚餐。

        <details>
        <summary>具体信息</summary>

        <b>摘要</b>:

        摘要文字。

        <b>地点</b>: 理科一号楼
    1. Mar 5 (待定)
    """
    imported = run_import(page)
    assert [str(w) for w in imported.warnings] == [
        "page.md:11: warning: text kept in the note of Feb 26: "
        "it is not a speaker, a 题目： line or a details section",
        "page.md:13: warning: <details> is not closed before the next date; read up to there",
        'page.md:20: warning: unknown heading "地点"; kept in the note of Feb 26',
    ]
    assert rows(imported.loaded.schedule) == [
        (
            "2025-02-26", "talk", "王五", "北京大学", "一个标题", "摘要文字。", "", "",
            "会后聚餐。\n\n地点: 理科一号楼",
        ),
        ("2025-03-05", "open", "", "", "", "", "", "", ""),  # 待定: still open
    ]  # fmt: skip


def test_a_talk_missing_its_title_gets_a_placeholder_and_a_warning() -> None:
    page = "# Demo\n\n（2025春）\n\n1. Feb 26\n\n    **王五**, 北京大学\n"
    imported = run_import(page)
    assert [str(w) for w in imported.warnings] == [
        'page.md:5: warning: the talk on 2025-02-26 has no title; its title is set to "TBA"'
    ]
    assert imported.loaded.schedule.sessions[0].title == "TBA"


def test_a_date_listed_twice_gets_its_own_id() -> None:
    page = "# Demo\n\n（2025春）\n\n1. Feb 26\n1. Feb 26\n"
    imported = run_import(page)
    assert [s.key for s in imported.loaded.schedule.sessions] == ["2025-02-26", "2025-02-26-2"]
    assert [str(w) for w in imported.warnings] == [
        "page.md:6: warning: 2025-02-26 is listed again (first at line 5); "
        "this session gets the id 2025-02-26-2"
    ]


def test_validation_warnings_point_at_the_page_line() -> None:
    page = HEAD.format(semester="2024秋") + "1. Sep 11\n1. Sep 19\n1. Sep 25\n"
    imported = run_import(page)
    assert [str(w) for w in imported.warnings] == [
        "page.md:10: warning: sessions[1].date: 2024-09-19 is a Thursday; "
        "the series usually meets on Wednesdays"
    ]


# -- errors: nothing is imported -----------------------------------------------------


@pytest.mark.parametrize(
    ("page", "messages"),
    [
        (
            "# Notes\n\nJust some text.\n",
            [
                "page.md: not a schedule: found no table, list or headings of dates (like "
                "`| Sep 11 | Speaker | Title |` or `- **Sep 11**: Title (Speaker)`)"
            ],
        ),
        (
            "# Demo\n\n（2024秋）\n\n1. Sept 31\n1. Sept 30\n",
            ['page.md:5: warning: skipped: "Sept 31" is not a real date'],
        ),
        (
            "# Demo\n\n（2024秋）\n\n- 待定\n- 9月11日\n",
            ['page.md:5: warning: skipped: no date in "待定"'],
        ),
    ],
)
def test_rows_that_cannot_be_placed_are_skipped_with_their_line(
    page: str, messages: list[str]
) -> None:
    try:
        found = [str(w) for w in run_import(page).warnings]  # type: ignore[attr-defined]
    except ValidationError as error:
        found = [str(p) for p in error.problems]
    assert [m for m in found if "skipped" in m or "not a schedule" in m] == messages


def test_strict_turns_skips_into_errors() -> None:
    page = "# Demo\n\n（2024秋）\n\n1. Sept 31\n1. Sept 30\n"
    assert import_error(page, strict=True) == ['page.md:5: skipped: "Sept 31" is not a real date']


def test_options_that_do_not_validate_are_reported() -> None:
    page = HEAD.format(semester="2024秋") + "1. Sep 11\n"
    assert import_error(page, timezone="Asia/Beijing", series_id="bad id") == [
        'page.md: calendar.id: "bad id" is not a valid id: use letters, digits, "-", "_" or '
        '"." (at most 64, starting with a letter or digit)',
        'page.md: calendar.timezone: unknown timezone "Asia/Beijing"; did you mean '
        '"Asia/Shanghai"? (use an IANA name like Asia/Shanghai)',
    ]


def test_a_page_in_another_encoding_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        import_page("# 讨论班\n\n1. Sep 11\n".encode("gbk"), "page.md")
    assert [str(p) for p in caught.value.problems] == [
        "page.md:1: not UTF-8 or UTF-16 text; it looks like GBK / GB18030 (Chinese Windows): "
        "save it as UTF-8 and import again"
    ]


# -- the YAML writer -----------------------------------------------------------------

TRICKY = [
    "yes", "no", "on", "null", "~", "12:00", "2024-09-11", "1e5", "0o17", "- item", "# hash",
    "a: b", "a #b", "'single'", '"double"', "@at", "`tick`", "%pct", "!bang", "&anchor",
    "*alias", "{brace}", "[bracket]", "|pipe", ">fold", "?q", "100%", "地点：理科一号楼",
    "x" * 200, "line one\nline two\n\nthird: paragraph # not a comment",
]  # fmt: skip


ONE_LINE = {
    "line one\nline two\n\nthird: paragraph # not a comment": (
        "line one line two third: paragraph # not a comment"
    )
}


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("key", ["title", "abstract", "note", "speaker", "reason"])
def test_written_yaml_keeps_every_value_exactly(key: str, value: str) -> None:
    session = {"date": dt.date(2024, 9, 11), "status": "cancelled", key: value}
    calendar = {"id": "demo", "name": value, "timezone": "Asia/Shanghai", "organizers": [value]}
    data = {"calendar": calendar, "defaults": {"start": "12:00", "end": "13:30"}}
    text = dump_events({**data, "sessions": [session]})
    loaded = load_schedule_bytes(text.encode("utf-8"))
    (read,) = loaded.schedule.sessions
    one_line = ONE_LINE.get(value, value)  # a title, a name, a reason: shown on one line
    assert getattr(read, key) == (value if key in PROSE_KEYS else one_line)
    assert loaded.schedule.series.name == one_line
    assert loaded.schedule.series.organizers == (value,)


def test_long_urls_stay_on_one_plain_line() -> None:
    url = "https://example.org/" + "a" * 100
    session = {"date": dt.date(2024, 9, 11), "links": {"slides": url}}
    calendar = {"id": "demo", "name": "Demo", "timezone": "Asia/Shanghai"}
    text = dump_events({"calendar": calendar, "defaults": {"start": "12:00", "end": "13:30"},
                        "sessions": [session]})  # fmt: skip
    assert f"      slides: {url}\n" in text
    (read,) = load_schedule_bytes(text.encode("utf-8")).schedule.sessions
    assert read.links[0].url == url


def test_written_files_replace_old_ones_and_are_readable(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    write_text_atomically(new, "a: 1\n")
    assert (new.read_text(encoding="utf-8"), new.stat().st_mode & 0o777) == ("a: 1\n", 0o644)
    old = tmp_path / "old.yaml"
    old.write_text("old\n", encoding="utf-8")
    old.chmod(0o600)
    write_text_atomically(old, "新\n")
    assert (old.read_text(encoding="utf-8"), old.stat().st_mode & 0o777) == ("新\n", 0o600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.yaml", "old.yaml"]


# -- export details ------------------------------------------------------------------


def test_export_round_trips_notes_links_and_multi_line_titles(write_events) -> None:
    path = write_events(
        """\
        calendar:
          id: demo
          name: Demo Seminar
          description: |
            Weekly talks

            Second paragraph.
          organizers: [甲, 乙, 丙]
          maintainer: Someone
          timezone: Asia/Shanghai
        defaults:
          start: "12:00"
          end: "13:30"
          location: Room 1
        sessions:
          - date: 2024-12-30
            speaker: Alice
            title: |
              A title
              on two lines
            bio: Bio.
            note: Bring lunch.
            links:
              slides: https://example.org/s.pdf
              video: https://example.org/v
          - date: 2025-01-06
            status: cancelled
            note: Moved online.
          - date: 2026-01-05
        """
    )
    schedule = load_schedule(path).schedule
    page = render_markdown(schedule)
    assert "Weekly talks 本学期由**甲**、**乙**和**丙**同学负责。\n\nSecond paragraph." in page
    assert "1. Dec 30, 2024\n" in page
    assert "1. ~~Jan 6~~\n" in page
    assert "1. Jan 5, 2026\n" in page
    assert "    <b>链接</b>:\n\n    [Slides](https://example.org/s.pdf)\n" in page
    options = ImportOptions("demo", start="12:00", end="13:30", location="Room 1")
    imported = import_page(page.encode("utf-8"), "export.md", options)
    assert imported.warnings == ()
    # Language, weekday (none) and all travel in the comment block: nothing is guessed.
    assert imported.loaded.schedule == schedule


def test_unshown_names_what_the_page_cannot_carry(write_events) -> None:
    path = write_events(
        """\
        calendar: {id: demo, name: Demo, semester: 2024秋, timezone: Asia/Shanghai}
        defaults: {start: "12:00", end: "13:30", location: Room 1}
        sessions:
          - {date: 2024-09-11}
          - {date: 2024-09-18, id: welcome}
          - {date: 2024-09-25, start: "14:00", end: "15:00"}
        """
    )
    assert unshown(load_schedule(path).schedule) == [
        'calendar.semester "2024秋" is not in calendar.description, so the page does not show it',
        "2024-09-25: its time or room differs from the other sessions; the page shows neither",
    ]


# -- the commands --------------------------------------------------------------------


SEED_ARGS = [
    "--id", SHIPPED_ID, "--timezone", "Asia/Shanghai", "--start", "12:00", "--end", "13:30",
    "--location", "地点待定 / Room to be announced",
]  # fmt: skip


@pytest.mark.parametrize("command", ["import", "import-markdown"])
def test_cli_import_prints_the_events_file(command: str) -> None:
    result = CliRunner().invoke(main, [command, str(SEED_PAGE), *SEED_ARGS])
    assert result.exit_code == 0, result.output
    expected = import_page(SEED_PAGE.read_bytes(), str(SEED_PAGE), SEED_OPTIONS)
    assert result.stdout == expected.text
    assert result.stderr == (
        f"{SEED_PAGE}: 18 sessions found: 2 talks, 2 cancelled, 14 open slots, 0 skipped\n"
    )


def test_cli_import_writes_out_and_the_result_validates(tmp_path: Path, shipped) -> None:
    out = tmp_path / "events.yaml"
    out.write_text("old content\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(SEED_PAGE), "--out", str(out), *SEED_ARGS])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out} from {SEED_PAGE}\n"
    assert load_schedule(out).schedule == shipped
    check = CliRunner().invoke(main, ["validate", str(out)])
    assert check.exit_code == 0
    assert check.stdout == f"{out}: OK, 18 sessions (2 talks, 2 cancelled, 14 open slots)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.yaml"]  # no temporary file left


def test_cli_import_failure_leaves_out_untouched(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Demo\n\n1. Sep 11\n", encoding="utf-8")
    out = tmp_path / "events.yaml"
    out.write_text("precious: true\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "import",
            str(page),
            "--out",
            str(out),
            "--timezone",
            "UTC",
            "--start",
            "9:00",
            "--end",
            "10:00",
        ],
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f'{page}:3: cannot tell the year of "Sep 11": the page names none (like "Fall 2024" or '
        f'"2024秋"); give --year\n{page}: 1 error; nothing written\n'
    )
    assert out.read_text(encoding="utf-8") == "precious: true\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.yaml", "page.md"]


def test_cli_import_options_and_warnings(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Demo Seminar\n\n1. Sep 11: Alice Smith: On things\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["import", str(page), "--year", "2023", "--timezone", "Europe/Paris",
         "--start", "18:00", "--end", "19:00", "--location", "Salle 1", "--language", "fr"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        result.stderr == f"{page}: 1 session found: 1 talk, 0 cancelled, 0 open slots, 0 skipped\n"
    )
    schedule = load_schedule_bytes(result.stdout.encode("utf-8")).schedule
    (session,) = schedule.sessions
    assert (schedule.series.id, schedule.series.timezone) == ("demo-seminar", "Europe/Paris")
    assert schedule.series.language == "fr"
    assert (session.start.isoformat(), session.end.isoformat()) == (
        "2023-09-11T18:00:00+02:00",
        "2023-09-11T19:00:00+02:00",
    )
    assert (session.location, session.speaker, session.title) == (
        "Salle 1",
        "Alice Smith",
        "On things",
    )


def test_cli_import_of_a_missing_page() -> None:
    result = CliRunner().invoke(main, ["import", "no-such-page.md"])
    assert result.exit_code == 2
    assert "File 'no-such-page.md' does not exist." in result.stderr


def test_cli_export_prints_and_writes_the_page(tmp_path: Path, shipped_path: Path, shipped):
    printed = CliRunner().invoke(main, ["export-markdown", str(shipped_path)])
    assert printed.exit_code == 0
    assert printed.stdout == render_markdown(shipped)
    assert printed.stderr == ""
    out = tmp_path / "page.md"
    written = CliRunner().invoke(main, ["export-markdown", str(shipped_path), "--out", str(out)])
    assert written.exit_code == 0
    assert written.stdout == (
        f"Wrote {out} from {shipped_path}: 18 sessions (2 talks, 2 cancelled, 14 open slots)\n"
    )
    assert out.read_text(encoding="utf-8") == render_markdown(shipped)


def test_cli_export_of_an_invalid_file_writes_nothing(tmp_path: Path, write_events) -> None:
    path = write_events(
        "calendar: {id: demo, name: Demo, timezone: Nowhere}\n"
        'defaults: {start: "12:00", duration: 60}\n'
        "sessions: [{date: 2024-09-11}]\n"
    )
    out = tmp_path / "page.md"
    out.write_text("old page\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export-markdown", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.endswith(f"{path}: 1 error; nothing published\n")
    assert 'calendar.timezone: unknown timezone "Nowhere"' in result.stderr
    assert out.read_text(encoding="utf-8") == "old page\n"


def test_cli_export_keeps_a_session_id_in_the_hidden_block(write_events) -> None:
    path = write_events(
        """\
        calendar: {id: demo, name: Demo, timezone: Asia/Shanghai}
        defaults: {start: "12:00", end: "13:30", location: Room 1}
        sessions:
          - {date: 2024-09-11, id: kickoff}
        """
    )
    result = CliRunner().invoke(main, ["export-markdown", str(path)])
    assert result.exit_code == 0
    assert result.stderr == ""  # its id travels in the hidden comment block
    assert result.stdout.startswith(
        "# Demo\n\n本学期日程如下：\n\n1. Sep 11, 2024\n\n<!-- calendar-feed:"
    )
    assert '"sessions": {\n  "2024-09-11": {\n   "id": "kickoff"\n  }\n }' in result.stdout


def test_a_talks_own_language_survives_export_and_import(shipped: Schedule) -> None:
    english = dataclasses.replace(shipped.sessions[2], language="en")
    schedule = dataclasses.replace(
        shipped, sessions=(*shipped.sessions[:2], english, *shipped.sessions[3:])
    )
    page = render_markdown(schedule)
    assert '"language": "en"' in page.partition(BLOCK_START)[2]  # kept in the hidden block
    imported = import_page(page.encode("utf-8"), "export.md", ImportOptions(SHIPPED_ID))
    assert imported.loaded.schedule.sessions[2].language == "en"
    assert imported.loaded.schedule == schedule
