"""The corpus of real schedules under tests/data/import/ and how each is imported.

Each case names the file, the options a new organizer would give (only what the
file itself does not say), and the expected events.yaml beside it in expected/.
SOURCES.md names where every file comes from.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from calendar_feed.importing.importer import ImportOptions
from tests.helpers import SEED_PAGE

CORPUS = Path(__file__).resolve().parent.parent / "data" / "import"
EXPECTED = CORPUS / "expected"
MACHINE_ZONE = "America/Los_Angeles"
"""The zone tests give this machine (``TZ``), for pages that name none."""


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    options: ImportOptions = field(default_factory=ImportOptions)

    @property
    def expected(self) -> Path:
        return EXPECTED / f"{self.name}.yaml"


CASES = [
    Case(
        "seed-page",
        SEED_PAGE,
        ImportOptions(
            "pku-am-lunch",
            "Asia/Shanghai",
            None,
            "12:00",
            "13:30",
            "地点待定 / Room to be announced",
        ),
    ),
    Case("uw-escience-python-seminar", CORPUS / "uw-escience-python-seminar.md"),
    Case(
        "uw-python-geosciences",
        CORPUS / "uw-python-geosciences.md",
        ImportOptions(timezone="America/Los_Angeles", end="16:30"),
    ),
    Case(
        "cypress-2023-24",
        CORPUS / "cypress-2023-24.md",
        ImportOptions(timezone="America/New_York", start="11:00", end="12:00"),
    ),
    Case(
        "cypress-2022-23",
        CORPUS / "cypress-2022-23.md",
        ImportOptions(timezone="America/New_York", start="12:30", end="14:00"),
    ),
    Case(
        "yale-dsaas-spring-2025",
        CORPUS / "yale-dsaas-spring-2025.md",
        ImportOptions(timezone="America/New_York"),
    ),
    Case(
        "plct-open-reports",
        CORPUS / "plct-open-reports.md",
        ImportOptions(timezone="Asia/Shanghai", start="19:00", end="20:00"),
    ),
    Case(
        "sandp-agenda-2020",
        CORPUS / "sandp-agenda-2020.md",
        ImportOptions(timezone="Asia/Shanghai"),
    ),
    Case(
        "ehec-past-seminars",
        CORPUS / "ehec-past-seminars.csv",
        ImportOptions(timezone="America/New_York", end="15:30"),
    ),
    Case(
        "ihea-erhb-past-seminars",
        CORPUS / "ihea-erhb-past-seminars.csv",
        ImportOptions(timezone="UTC", start="15:30", end="16:30"),
    ),
    Case("vipss2024", CORPUS / "vipss2024.ics", ImportOptions(timezone="America/New_York")),
]


def workbook_from_csv(source: Path, target: Path) -> Path:
    """The CSV as an Excel user would keep it: one sheet, dates as real date cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    with source.open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.reader(handle)):
            if number and record:
                record[0] = dt.datetime.strptime(record[0], "%d-%b-%y")  # type: ignore[call-overload]
            sheet.append(record)
    book.save(target)
    return target
