"""Real schedules of other seminars import to their stored events.yaml (see SOURCES.md)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from calendar_feed.errors import ValidationError
from calendar_feed.importing.importer import ImportOptions, import_source
from calendar_feed.model import Schedule
from tests.helpers import SEED_PAGE
from tests.importing.corpus import CASES, CORPUS, EXPECTED, MACHINE_ZONE, Case, workbook_from_csv


@pytest.fixture(autouse=True)
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", MACHINE_ZONE)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_real_schedule_imports_to_its_expected_file(case: Case) -> None:
    imported = import_source(case.path.read_bytes(), case.path.name, case.options)
    assert imported.text == case.expected.read_text(encoding="utf-8")


def test_the_seed_page_still_imports_to_the_shipped_schedule(shipped: Schedule) -> None:
    (seed,) = [case for case in CASES if case.name == "seed-page"]
    imported = import_source(seed.path.read_bytes(), seed.path.name, seed.options)
    assert imported.loaded.schedule == shipped
    assert imported.warnings == ()


def test_a_workbook_imports_like_the_sheet_it_was_saved_from(tmp_path: Path) -> None:
    sheet = CORPUS / "ihea-erhb-past-seminars.csv"
    book = workbook_from_csv(sheet, tmp_path / "ihea-erhb-past-seminars.xlsx")
    options = ImportOptions(timezone="UTC", start="15:30", end="16:30")
    from_book = import_source(book.read_bytes(), book.name, options)
    from_sheet = import_source(sheet.read_bytes(), sheet.name, options)
    assert from_book.text == (EXPECTED / "ihea-erhb-past-seminars-xlsx.yaml").read_text("utf-8")
    assert from_book.loaded.schedule.sessions == from_sheet.loaded.schedule.sessions
    assert from_book.summary == (
        "ihea-erhb-past-seminars.xlsx: 46 sessions found: 46 talks, 0 cancelled, 0 open slots, "
        "0 skipped"
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_page_saved_as_utf16_with_a_bom(encoding: str, shipped: Schedule) -> None:
    (seed,) = [case for case in CASES if case.name == "seed-page"]
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + SEED_PAGE.read_text(encoding="utf-8").encode(encoding)
    assert import_source(data, "seed.md", seed.options).loaded.schedule == shipped


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        ("# 讨论班\n\n1. 9月11日\n".encode("gbk"), "GBK / GB18030 (Chinese Windows)"),
        ("# Séminaire\n\n- 11 Sep 2024\n".encode("cp1252"), "Windows-1252 / Latin-1"),
        ("# Seminar\n\n- Sep 11, 2024\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ],
)
def test_other_encodings_are_one_clear_error(data: bytes, looks_like: str) -> None:
    with pytest.raises(ValidationError) as caught:
        import_source(data, "page.md")
    (problem,) = caught.value.problems
    assert str(problem).endswith(
        f"not UTF-8 or UTF-16 text; it looks like {looks_like}: save it as UTF-8 and import again"
    )


# -- what a page does not say is not made up -----------------------------------------


def test_the_seattle_page_takes_its_time_and_room_from_its_introduction() -> None:
    page = CORPUS / "uw-escience-python-seminar.md"
    imported = import_source(page.read_bytes(), page.name)
    assert [str(w) for w in imported.warnings] == [
        f"{page.name}: warning: timezone {MACHINE_ZONE} is this machine's: the page names "
        "none; give --timezone if the seminar meets elsewhere"
    ]
    schedule = imported.loaded.schedule
    first, second = schedule.sessions[:2]
    assert (schedule.series.timezone, schedule.series.language) == (MACHINE_ZONE, "en")
    assert (second.start.strftime("%H:%M"), second.end.strftime("%H:%M")) == ("15:00", "16:00")
    assert second.location.startswith("Data Science Studio Meeting Room (610C)")
    assert (first.status.value, first.reason) == (
        "cancelled",
        "no seminar this week due to eScience all-hands meeting",
    )
    assert (second.speaker, second.title) == ("Jake VanderPlas", "IPython: Beyond Normal Python")


def test_a_time_and_room_in_one_intro_line() -> None:
    page = (
        "# Applied Math Seminar, Fall 2024\n\nTime: 3:00–4:00pm, Room 610C\n\n"
        "| Date | Speaker | Title |\n|---|---|---|\n| Sep 9 | Ada Lovelace | Engines |\n"
        "| Sep 16 | No seminar | |\n"
    )
    imported = import_source(page.encode("utf-8"), "page.md", ImportOptions(timezone="UTC"))
    talk, cancelled = imported.loaded.schedule.sessions
    assert (talk.start.isoformat(), talk.end.isoformat()) == (
        "2024-09-09T15:00:00+00:00",
        "2024-09-09T16:00:00+00:00",
    )
    assert (talk.location, talk.speaker, talk.title) == ("Room 610C", "Ada Lovelace", "Engines")
    assert (cancelled.status.value, cancelled.reason) == ("cancelled", "")


@pytest.mark.parametrize(
    ("case_name", "options", "message"),
    [
        (
            "uw-python-geosciences",
            ImportOptions(timezone="America/Los_Angeles"),
            "uw-python-geosciences.md:7: the usual time has a start (15:30) but no end; give --end",
        ),
        (
            "cypress-2023-24",
            ImportOptions(timezone="America/New_York"),
            "cypress-2023-24.md: no usual time: the page states none (like `Time: 3:00-4:00pm`); "
            "give --start and --end",
        ),
    ],
)
def test_a_page_without_a_whole_time_is_refused_with_the_option_to_give(
    case_name: str, options: ImportOptions, message: str
) -> None:
    (case,) = [case for case in CASES if case.name == case_name]
    with pytest.raises(ValidationError) as caught:
        import_source(case.path.read_bytes(), case.path.name, options)
    assert [str(p) for p in caught.value.problems if p.severity == "error"] == [message]


def test_a_summer_school_calendar_keeps_its_talks_and_skips_its_breaks() -> None:
    (case,) = [case for case in CASES if case.name == "vipss2024"]
    imported = import_source(case.path.read_bytes(), case.path.name, case.options)
    assert imported.summary == (
        "vipss2024.ics: 38 sessions found: 38 talks, 0 cancelled, 0 open slots, 34 skipped"
    )
    skipped = [str(w) for w in imported.warnings if ": skipped: " in str(w)]
    assert skipped[:2] == [
        'vipss2024.ics:5: warning: skipped: "Breakfast and coffee (in front of the lecture '
        'room)" is a break in the programme, not a session',
        'vipss2024.ics:21: warning: skipped: "Coffee Break" is a break in the programme, not a '
        "session",
    ]
    lecture = imported.loaded.schedule.sessions[0]
    assert (lecture.speaker, lecture.title, lecture.abstract) == (
        "Blitvic",
        "Lecture 1.a",
        "Blitvic, Positivity Everywhere",
    )
    assert (lecture.start.isoformat(), lecture.end.isoformat()) == (
        "2024-07-08T09:00:00-04:00",
        "2024-07-08T10:00:00-04:00",
    )
