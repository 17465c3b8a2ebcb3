"""Every common shape of schedule, and the words in it, read through the one pipeline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.importing.importer import ImportOptions, import_source
from calendar_feed.model import Schedule

USUAL = {"timezone": "Europe/London", "start": "16:00", "end": "17:00"}


def schedule(text: str, name: str = "page.md", **options: object) -> Schedule:
    data = textwrap.dedent(text).encode("utf-8")
    options = {**USUAL, **options}
    return import_source(data, name, ImportOptions(**options)).loaded.schedule  # type: ignore[arg-type]


def errors(text: str, name: str = "page.md", **options: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        schedule(text, name, **options)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


def rows(result: Schedule) -> list[tuple[str, str, str, str]]:
    """(date, status, speaker, title) of each session, the four things an import must get right."""
    return [(s.date.isoformat(), s.status.value, s.speaker, s.title) for s in result.sessions]


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["Sep 4", "Sep. 4", "4 Sep", "September 4th", "2024-09-04", "2024/9/4", "9月4日",
     "2024年9月4日", "Wed, Sep 4", "周三 9月4日", "4-Sep-24", "20240904"],
)  # fmt: skip
def test_dates_in_the_forms_people_write(written: str) -> None:
    page = f"# Seminar (Fall 2024)\n\n| Date | Speaker | Title |\n|--|--|--|\n| {written} | A B | T |\n"
    assert rows(schedule(page)) == [("2024-09-04", "talk", "A B", "T")]


def test_day_and_month_order_is_taken_from_the_whole_column() -> None:
    page = """\
    # Seminar
    | Date | Speaker | Title |
    |--|--|--|
    | 04/09/2024 | A B | One |
    | 18/09/2024 | C D | Two |
    """
    assert [r[0] for r in rows(schedule(page))] == ["2024-09-04", "2024-09-18"]


def test_a_written_weekday_settles_the_order() -> None:
    page = """\
    # Seminar 2024
    - **Wed 04/09**: One (Ada Lovelace)
    - **Wed 11/09**: Two (Alan Turing)
    """
    assert rows(schedule(page)) == [
        ("2024-09-04", "talk", "Ada Lovelace", "One"),
        ("2024-09-11", "talk", "Alan Turing", "Two"),
    ]


def test_a_truly_ambiguous_column_names_the_option() -> None:
    page = "# Seminar 2024\n\n- 04/09: One (Ada Lovelace)\n- 05/10: Two (Alan Turing)\n"
    assert errors(page) == [
        'page.md:3: cannot tell whether "04/09" is day/month or month/day: no date in the '
        "column tells; give --date-order dmy or --date-order mdy"
    ]
    assert [r[0] for r in rows(schedule(page, date_order="dmy"))] == ["2024-09-04", "2024-10-05"]


def test_a_term_crossing_new_year_rolls_the_year_over() -> None:
    page = "# Seminar 2024秋\n\n1. Dec 18\n1. Jan 8\n1. Feb 5\n"
    assert [r[0] for r in rows(schedule(page))] == ["2024-12-18", "2025-01-08", "2025-02-05"]


def test_a_year_from_a_heading_or_option_and_none_invented() -> None:
    page = "# Seminar\n\n- Sep 11: Talk (Ada Lovelace)\n"
    assert errors(page) == [
        'page.md:3: cannot tell the year of "Sep 11": the page names none (like "Fall 2024" '
        'or "2024秋"); give --year'
    ]
    assert rows(schedule(page, year=2030))[0][0] == "2030-09-11"


def test_a_wrong_weekday_is_reported_and_the_date_kept() -> None:
    page = "# Seminar\n\n- Tue, Sep 4, 2024: Talk (Ada Lovelace)\n"
    imported = import_source(page.encode(), "page.md", ImportOptions(**USUAL))  # type: ignore[arg-type]
    assert [str(w) for w in imported.warnings] == [
        "page.md:3: warning: 2024-09-04 is a Wednesday, but the page says Tuesday; the date is kept"
    ]


# -- cancellations and open slots -----------------------------------------------------


def test_cancellations_and_open_slots_in_their_usual_words() -> None:
    page = """\
    # 讨论班 2024秋

    | 日期 | 报告人 | 题目 | 备注 |
    |---|---|---|---|
    | 9月4日 | 王五 | 一个题目 | |
    | 9月11日 | No seminar | | |
    | 9月18日 | | | 中秋放假 |
    | 9月25日 | 休息 | | |
    | 10月2日 | | Thanksgiving | |
    | ~~10月9日~~ | 李四 | 另一个题目 | |
    | 10月16日 | TBA | TBD | |
    | 10月23日 | 待定 | | |
    | 10月30日 | (open) | | |
    | 11月6日 | | | |
    | 11月13日 | 赵六 | 第三个题目 (Cancelled) | |
    """
    result = schedule(page)
    assert [(s.date.isoformat(), s.status.value, s.reason) for s in result.sessions] == [
        ("2024-09-04", "talk", ""),
        ("2024-09-11", "cancelled", ""),
        ("2024-09-18", "cancelled", "中秋放假"),
        ("2024-09-25", "cancelled", ""),
        ("2024-10-02", "cancelled", "Thanksgiving"),
        ("2024-10-09", "cancelled", ""),
        ("2024-10-16", "open", ""),
        ("2024-10-23", "open", ""),
        ("2024-10-30", "open", ""),
        ("2024-11-06", "open", ""),
        ("2024-11-13", "cancelled", ""),
    ]
    assert (result.sessions[5].speaker, result.sessions[10].title) == ("李四", "第三个题目")
    assert result.series.language == "zh"


# -- shapes --------------------------------------------------------------------------


def test_a_chinese_table_with_affiliation_and_the_schedule_after_its_heading() -> None:
    page = """\
    ---
    title: 组会
    ---
    # 计算数学讨论班（2023秋）

    时间：周三 下午3:00-4:30 地点：理科一号楼 1114

    - 联系人：张三
    - 邮箱：someone@example.org

    ## 日程

    | 日期 | 主讲人 | 单位 | 报告题目 |
    |---|---|---|---|
    | 2023-09-13 | 王五 | 北京大学 | 题目一 |
    | 2023-12-27 | 李四 | 清华大学 | 题目二 |
    | 2024-01-03 | 元旦放假 | | |
    """
    result = schedule(page, start="", end="")
    assert result.series.name == "计算数学讨论班（2023秋）"
    first = result.sessions[0]
    assert (first.affiliation, first.start.strftime("%H:%M"), first.end.strftime("%H:%M")) == (
        "北京大学",
        "15:00",
        "16:30",
    )
    assert rows(result)[2] == ("2024-01-03", "cancelled", "", "")


def test_one_heading_per_talk_with_labelled_lines() -> None:
    page = """\
    Seminar on Things, Spring 2025
    ===============================

    Mondays 4-5pm, Room 12.

    ### Feb 3: Ada Lovelace
    Title: Engines and their uses
    Abstract: About engines.

    ### Feb 10 — no seminar (reading week)

    ### Feb 17
    **Speaker:** Alan Turing (Manchester)
    **Title:** Machines
    """
    result = schedule(page)
    assert rows(result) == [
        ("2025-02-03", "talk", "Ada Lovelace", "Engines and their uses"),
        ("2025-02-10", "cancelled", "", ""),
        ("2025-02-17", "talk", "Alan Turing", "Machines"),
    ]
    assert (result.sessions[0].abstract, result.sessions[2].affiliation) == (
        "About engines.",
        "Manchester",
    )
    assert result.sessions[1].reason == "no seminar (reading week)"


def test_abstracts_kept_in_a_later_section_find_their_talk() -> None:
    page = """\
    # Seminar, Fall 2024

    - **Sep 9**: Engines (Ada Lovelace)
    - **Sep 16**: Machines (Alan Turing)

    ## Abstracts

    ### Alan Turing: Machines
    Can machines think?

    ### Sep 9
    On engines.
    """
    first, second = schedule(page).sessions
    assert (first.abstract, second.abstract) == ("On engines.", "Can machines think?")


def test_a_list_after_other_lists_and_a_second_schedule_is_reported() -> None:
    page = """\
    # Seminar 2024

    - Organizers: A and B
    - Mailing list: x@example.org

    ## Schedule

    1. Sep 9: Engines (Ada Lovelace)
    2. Sep 16: Machines (Alan Turing)

    ## Last year

    1. Sep 11: Old (Someone Else)
    2. Sep 18: Older (Someone Else)
    """
    imported = import_source(textwrap.dedent(page).encode(), "page.md", ImportOptions(**USUAL))  # type: ignore[arg-type]
    assert len(imported.loaded.schedule.sessions) == 2
    assert [str(w) for w in imported.warnings] == [
        "page.md:13: warning: skipped: another schedule here (2 dates); only the one at line 8 "
        "is imported"
    ]


# -- spreadsheets and calendar files -------------------------------------------------


def test_a_tsv_sheet_with_a_column_named_by_option(tmp_path: Path) -> None:
    sheet = tmp_path / "talks.tsv"
    sheet.write_text(
        "When\tGuest\tTalk\tWhere\n"
        "2025-03-03\tAda Lovelace\tEngines\tRoom 1\n"
        "2025-03-10\tHoliday\t\t\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["import", str(sheet), "--column", "speaker=Guest", "--timezone", "UTC",
         "--start", "10:00", "--end", "11:00"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f'{sheet}: warning: no title for the series in the file; it is named "talks" after the '
        f"file (edit calendar.name)\n"
        f"{sheet}: 2 sessions found: 1 talk, 1 cancelled, 0 open slots, 0 skipped\n"
    )
    assert "    speaker: Ada Lovelace\n    title: Engines\n" in result.stdout
    assert 'defaults:\n  start: "10:00"\n  end: "11:00"\n  location: Room 1\n' in result.stdout
    unnamed = CliRunner().invoke(main, ["import", str(sheet), "--timezone", "UTC"])
    assert f'{sheet}:1: warning: skipped: column "Guest" (name its field with --column ' in (
        unnamed.stderr
    )


def test_an_ics_export_speaker_title_zone_and_cancellation(tmp_path: Path) -> None:
    ics = tmp_path / "export.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Indico//EN\r\n"
        "X-WR-CALNAME:Theory Seminar\r\n"
        "BEGIN:VEVENT\r\nUID:1@indico\r\nDTSTAMP:20240101T000000Z\r\n"
        "DTSTART;TZID=Europe/Zurich:20240916T141500\r\nDTEND;TZID=Europe/Zurich:20240916T151500\r\n"
        "SUMMARY:Ada Lovelace: Engines\r\nLOCATION:Room 4/2-037\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:2@indico\r\nDTSTAMP:20240101T000000Z\r\n"
        "DTSTART;TZID=Europe/Zurich:20240923T141500\r\nDTEND;TZID=Europe/Zurich:20240923T151500\r\n"
        "SUMMARY:Alan Turing: Machines\r\nSTATUS:CANCELLED\r\nLOCATION:Room 4/2-037\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    imported = import_source(ics.read_bytes(), ics.name)
    assert imported.warnings == ()
    result = imported.loaded.schedule
    assert (result.series.name, result.series.timezone) == ("Theory Seminar", "Europe/Zurich")
    assert rows(result) == [
        ("2024-09-16", "talk", "Ada Lovelace", "Engines"),
        ("2024-09-23", "cancelled", "Alan Turing", "Machines"),
    ]
    assert (result.sessions[0].start.isoformat(), result.sessions[0].location) == (
        "2024-09-16T14:15:00+02:00",
        "Room 4/2-037",
    )


def test_linked_dates_and_an_abstract_in_details() -> None:
    page = """\
    # Seminar, Fall 2024

    - [Sep 10](https://example.org/1): Engines (Ada Lovelace)
      <details><summary>Abstract</summary>

      About engines.

      </details>
    - **Sep 17** - Alan Turing: Machines
    """
    first, second = schedule(page).sessions
    assert (first.speaker, first.title, first.abstract) == (
        "Ada Lovelace",
        "Engines",
        "About engines.",
    )
    assert first.note == "Sep 10: https://example.org/1"
    assert (second.speaker, second.title) == ("Alan Turing", "Machines")
