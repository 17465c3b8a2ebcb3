"""Spreadsheets: CSV/TSV text and .xlsx workbooks, one row per date under a heading row.

Columns are chosen by their heading, as in a Markdown table (words.HEADINGS,
``--column`` first). A workbook's cells keep their types: a date cell is a date,
a time cell a time, so nothing is re-read from text that Excel has already parsed.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Sequence
from typing import Any

from .. import texts
from .cells import Cell, clean
from .markdown_page import cells_row, column_fields, dated_rows
from .rows import ImportOptions, Row, Source, page_problem
from .words import HEADING_FIELD


def read_delimited(text: str, name: str, options: ImportOptions, tab: bool = False) -> Source:
    """A CSV or TSV file; the delimiter is sniffed unless the name says tab-separated."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = "\t" if tab else _sniff(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[tuple[int, list[Any]]] = []
    line = 1
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
    return _rows(records, name, options, text)


def read_workbook(data: bytes, name: str, options: ImportOptions) -> Source:
    """The first sheet of an .xlsx workbook whose heading row names a date column."""
    import openpyxl  # only when a workbook is imported

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return Source([], problems=[page_problem(name, 0, f"cannot read the workbook: {exc}")])
    sheets = []
    for sheet in book.worksheets:
        records = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1)
            if any(v not in (None, "") for v in values)
        ]
        sheets.append(records)
    book.close()
    dated = [s for s in sheets if s and any(_is_date_heading(v) for v in s[0][1])]
    records = dated[0] if dated else (sheets[0] if sheets else [])
    text = " ".join(str(v) for _, values in records for v in values if v is not None)
    return _rows(records, name, options, text)


def _is_date_heading(value: Any) -> bool:
    return HEADING_FIELD.get(clean(str(value or "")).lower()) == "date"


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _rows(records: Sequence[tuple[int, Sequence[Any]]], name: str, options: ImportOptions,
          text: str) -> Source:  # fmt: skip
    source = Source([], language_text=text)
    warn = functools.partial(source.warning, name)
    records = [(line, values) for line, values in records if any(_text(v) for v in values)]
    if not records:
        source.problems.append(page_problem(name, 0, texts.IMPORT_NO_SCHEDULE))
        return source
    header_line, header = records[0]
    fields = column_fields([_text(v) for v in header], options, header_line, warn)
    source.rows = dated_rows(
        [(n, " ".join(map(_text, values)), _row(n, fields, values)) for n, values in records[1:]],
        warn,
    )
    if not source.rows:
        source.problems.append(page_problem(name, 0, texts.IMPORT_NO_SCHEDULE))
    return source


def _row(line: int, fields: list[str], values: Sequence[Any]) -> Row | None:
    """One record; typed cells (dates, times) are taken as they are."""
    cells = [Cell(_text(v)) for v in values]
    day: dt.date | None = None
    start: dt.time | None = None
    for field_name, value in zip(fields, values, strict=False):
        if field_name == "date" and isinstance(value, dt.datetime | dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            cells[fields.index("date")] = Cell(day.isoformat())
        elif field_name == "time" and isinstance(value, dt.time):
            start = value
    row = cells_row(line, fields, cells)
    if row is not None:
        row.day = day
        row.start = start
    return row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return clean(str(value))
