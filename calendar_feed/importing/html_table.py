"""An HTML ``<table>`` written into a Markdown page (Jekyll sites often do), read as rows.

markdown-it-py keeps raw HTML as one block; the standard library's HTMLParser
takes it apart into cells, with the line of every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from .cells import Cell, clean


@dataclass
class HtmlTable:
    """A table's heading cells and its rows, each with its line on the page."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, first_line: int):
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.tables: list[HtmlTable] = []
        self.row: list[Cell] | None = None
        self.row_line = 0
        self.cell: list[str] | None = None
        self.links: list[tuple[str, str]] = []
        self.href = ""
        self.link_text: list[str] = []
        self.heading_row = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(HtmlTable())
        elif tag == "tr" and self.tables:
            self.row, self.row_line, self.heading_row = (
                [],
                self.first_line + self.getpos()[0] - 1,
                True,
            )
        elif tag in ("td", "th") and self.row is not None:
            self.cell, self.links = [], []
            self.heading_row = self.heading_row and tag == "th"
        elif tag == "a" and self.cell is not None:
            self.href, self.link_text = dict(attrs).get("href") or "", []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(Cell(clean("".join(self.cell)), self.links))
            self.cell = None
        elif tag == "a" and self.cell is not None and self.href:
            self.links.append((clean("".join(self.link_text)), self.href))
            self.href = ""
        elif tag == "tr" and self.row is not None and self.tables:
            table = self.tables[-1]
            if self.heading_row and not table.header and not table.rows:
                table.header = [cell.text for cell in self.row]
            elif not table.header and not table.rows:
                table.header = [cell.text for cell in self.row]  # a first row of <td> headings
            else:
                table.rows.append((self.row_line, self.row))
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            if self.href:
                self.link_text.append(data)


def html_tables(html: str, first_line: int) -> list[HtmlTable]:
    """Every table in ``html``, which starts on page line ``first_line``."""
    parser = _Parser(first_line)
    parser.feed(html)
    parser.close()
    return [table for table in parser.tables if table.header]
