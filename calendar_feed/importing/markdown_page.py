"""A Markdown page read through markdown-it-py: tables, lists or headings of dates.

The parser's source line maps give every row its line. The schedule is the table,
list or run of headings with the most dates (one after a "Schedule"/"日程"
heading wins a tie); what comes before it introduces the series, sections after
it may hold abstracts. Front matter and the exporter's hidden block are set aside
first, with blank lines in their place so line numbers stay true.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .. import texts
from ..markdown.body import read_body
from ..markdown.format import SCHEDULE_LEAD, SCHEDULE_SUFFIX, SEMESTER_RE
from ..markdown.hidden import take_block
from .cells import Cell, clean, joined_people
from .dates import read_date, year_mark
from .html_table import HtmlTable, html_tables
from .inline import MATERIAL_RE, inline_cell
from .rows import ImportOptions, Row, Source, page_problem
from .words import CJK_RE, HEADING_FIELD, ROOM_LABELS, SCHEDULE_HEADINGS, TIME_LABELS

_FRONT_MATTER_RE = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\n(?P<body>.*?\n)(?:---|\.\.\.)[ \t]*\n", re.S
)
_LABEL_RE = re.compile(
    r"^[\s*_>#-]*(?P<label>[A-Za-z\u3400-\u9fff ]{1,24}?)[\s*_]*[:：][\s*_]*(?P<value>.*)$"
)
_MAINTAINER_RE = re.compile(
    r"^(?:this\s+(?:web\s*page|page|site|website)\s+is\s+)?maintained\s+by\s+(?P<who>.+?)\.?$",
    re.IGNORECASE,
)
_ORGANIZERS_RE = re.compile(
    r"(?P<comma>[，,]?)\s*(?:本学期)?由\s*(?P<names>\*\*[^*]+\*\*(?:\s*(?:和|与|及|、|，|,)\s*"
    r"\*\*[^*]+\*\*)*)\s*(?:同学)?(?:共同)?负责[。.]?\s*$"
)
_ROOM_RE = re.compile(
    r"(?<![A-Za-z])(?:Room|Rm\.?)\s+[A-Za-z]?\d[\w/\-]*(?:\.\d+)*[A-Za-z]?"
    r"|[A-Z]{1,4}\s?\d{2,4}[A-Z]?(?=[,.;)]|$)"
)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_LABELLED_FIELDS = {
    **{word: "speaker" for word in ("speaker", "presenter", "报告人", "主讲人", "主讲", "讲者")},
    **{word: "title" for word in ("talk", "topic", "报告题目")},  # 题目： is read_body's
    **{word: "abstract" for word in ("abstract", "摘要", "报告摘要")},
    **{word: "affiliation" for word in ("affiliation", "institution", "单位")},
    **{word: "time" for word in TIME_LABELS},
    **{word: "room" for word in ROOM_LABELS},
}
"""``Speaker: Name`` lines under a date or heading, and the field each fills."""


def markdown() -> MarkdownIt:
    """CommonMark with tables and strikethrough, HTML kept as blocks (``<details>``)."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclass
class _Candidate:
    """A table, list or run of headings that may be the schedule."""

    kind: str
    index: int
    """Position among the page's top-level blocks."""
    nodes: list[SyntaxTreeNode]
    dated: int
    after_heading: bool
    end: int = 0
    """Index of the first top-level block after it."""
    html: HtmlTable | None = None
    """The table, when it is written in HTML."""


def read_markdown(text: str, name: str, options: ImportOptions) -> Source:
    """The page's rows and what its introduction says; problems go in Source.problems."""
    source = Source(rows=[])
    warn = functools.partial(source.warning, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, source.hidden = take_block(text, warn)
    text, front_title = _without_front_matter(text)
    lines = text.split("\n")
    blocks = SyntaxTreeNode(markdown().parse(text)).children
    candidates = _candidates(blocks, lines)
    candidate = _schedule(candidates)
    if candidate is None:
        source.problems.append(page_problem(name, 0, texts.IMPORT_NO_SCHEDULE))
        return source
    _introduction(blocks[: candidate.index], lines, source, front_title)
    terms = _same_tables(blocks, candidate)
    for line, dates in _others(candidates, candidate):
        if line not in {_line(table) for table in terms}:
            warn(line, texts.import_skipped(texts.IMPORT_OTHER_SCHEDULE.format(
                count=dates, line=_line(candidate.nodes[0]))))  # fmt: skip
    if candidate.kind == "table":
        for table in [candidate.nodes[0], *terms]:
            source.rows += _table_rows(table, options, warn)
    elif candidate.kind == "list":
        source.rows = _list_rows(candidate.nodes[0], lines, warn)
    elif candidate.html is not None:
        fields = column_fields(candidate.html.header, options, _line(candidate.nodes[0]), warn)
        source.rows = _rows_of(candidate.html.rows, fields, warn)
    else:
        source.rows = _heading_rows(blocks, candidate, lines, warn)
    _after(blocks[candidate.end :], lines, source)
    source.language_text = text
    return source


def _without_front_matter(text: str) -> tuple[str, str]:
    """The page with Jekyll/Hugo front matter blanked out, and its ``title:`` if any."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return text, ""
    title = re.search(r"^title:\s*(?P<t>.+?)\s*$", match["body"], re.MULTILINE)
    blank = "\n" * match[0].count("\n")
    return blank + text[match.end() :], (title["t"].strip("\"' ") if title else "")


# -- finding the schedule ------------------------------------------------------------


def _candidates(blocks: list[SyntaxTreeNode], lines: list[str]) -> list[_Candidate]:
    """Every table, list, HTML table and run of dated headings, in the page's order."""
    candidates: list[_Candidate] = []
    after_heading = False
    for index, block in enumerate(blocks):
        if block.type == "heading":
            after_heading = bool(SCHEDULE_HEADINGS.search(_plain(block)))
            if _date_leads(_plain(block)):
                candidates.append(_headings_from(blocks, index, after_heading))
        elif block.type == "table":
            dated = sum(1 for row in _body_rows(block) if _row_has_date(row))
            candidates.append(_Candidate("table", index, [block], dated, after_heading, index + 1))
        elif block.type in ("bullet_list", "ordered_list"):
            dated = sum(1 for item in block.children if _date_leads(_item_first_line(item)))
            candidates.append(_Candidate("list", index, [block], dated, after_heading, index + 1))
        elif block.type == "html_block" and "<table" in block.content.lower() and block.map:
            for table in html_tables(_through_table_end(lines, block.map[0]), _line(block)):
                dated = sum(1 for _, cells in table.rows if _cells_have_date(cells))
                candidate = _Candidate("html", index, [block], dated, after_heading, index + 1)
                candidates.append(candidate)
                candidate.html = table
    return candidates


def _schedule(candidates: list[_Candidate]) -> _Candidate | None:
    """The candidate with the most dates; one after a "Schedule" heading wins a tie."""
    dated = [c for c in candidates if c.dated]
    if not dated:
        return None
    return max(dated, key=lambda c: (c.dated + (0.5 if c.after_heading else 0), -c.index))


def _same_tables(blocks: list[SyntaxTreeNode], chosen: _Candidate) -> list[SyntaxTreeNode]:
    """Other tables with the chosen one's headings: one schedule kept as a table per term."""
    if chosen.kind != "table":
        return []
    headings = _headings_of(chosen.nodes[0])
    return [
        block
        for index, block in enumerate(blocks)
        if block.type == "table"
        and index != chosen.index
        and _headings_of(block) == headings
        and any(_row_has_date(row) for row in _body_rows(block))
    ]


def _headings_of(table: SyntaxTreeNode) -> list[str]:
    return [_plain(cell).strip().lower() for cell in table.children[0].children[0].children]


def _others(candidates: list[_Candidate], chosen: _Candidate) -> list[tuple[int, int]]:
    """(line, dates) of every other table, list or run of headings with several dates."""
    others = []
    end = 0  # blocks before it belong to the chosen schedule or to one listed
    for found in candidates:
        if found.index < end or found.kind == "html":
            continue
        if found.index == chosen.index:
            end = chosen.end
        elif found.dated >= 2:
            others.append((_line(found.nodes[0]), found.dated))
            end = found.end
    return others


def _headings_from(blocks: list[SyntaxTreeNode], index: int, after: bool) -> _Candidate:
    """A run of dated headings of one level, starting at ``index``."""
    level = blocks[index].tag
    nodes = []
    end = index
    for position in range(index, len(blocks)):
        block = blocks[position]
        if block.type == "heading" and block.tag <= level:
            if block.tag == level and _date_leads(_plain(block)):
                nodes.append(block)
            else:
                break
        end = position + 1
    return _Candidate("headings", index, nodes, len(nodes), after, end)


def _date_leads(text: str) -> bool:
    written = read_date(text)
    return written is not None and written.start <= 12


def _through_table_end(lines: list[str], start: int) -> str:
    """The page from ``start`` through the line closing the table (blank lines included)."""
    end = next((n for n in range(start, len(lines)) if "</table>" in lines[n].lower()), len(lines))
    return "\n".join(lines[start : end + 1])


def _cells_have_date(cells: list[Cell]) -> bool:
    return any(_date_leads(cell.text) and len(cell.text) < 40 for cell in cells)


def _row_has_date(row: SyntaxTreeNode) -> bool:
    return any(_date_leads(_plain(cell)) and len(_plain(cell)) < 40 for cell in row.children)


def _plain(node: SyntaxTreeNode) -> str:
    inline = _inline(node)
    return inline_cell(inline).text if inline is not None else ""


def _inline(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    if node.type == "inline":
        return node
    for child in node.children:
        if child.type == "inline":
            return child
    return None


def _item_first_line(item: SyntaxTreeNode) -> str:
    first = item.children[0] if item.children else None
    return _plain(first) if first is not None and first.type == "paragraph" else ""


def _body_rows(table: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    return [row for part in table.children if part.type == "tbody" for row in part.children]


def _line(node: SyntaxTreeNode) -> int:
    return node.map[0] + 1 if node.map else 0


# -- the introduction ----------------------------------------------------------------


def _introduction(
    blocks: list[SyntaxTreeNode], lines: list[str], source: Source, front_title: str
) -> None:
    """Name, local name, description, organizers, semester, usual time and room."""
    calendar = source.calendar
    description: list[str] = []
    label = ""  # a heading like "### Time:" whose value is the next paragraph
    for block in blocks:
        plain = _plain(block) if block.type in ("heading", "paragraph") else ""
        if block.type == "heading":
            label = _label_heading(plain)
            _heading(plain, source)
        elif label and block.type == "paragraph":
            target = source.time_text if label == "time" else source.room_text
            target.append((_line(block), plain))
            label = ""
        elif block.type in ("bullet_list", "ordered_list"):
            label = ""
            for item in block.children:
                _labelled_line(_line(item), _item_first_line(item), source)
        elif block.type == "paragraph":
            label = ""
            if text := _paragraph(_line(block), plain, _raw(block, lines), source):
                description.append(text)
    if "name" not in calendar and front_title:
        calendar["name"] = front_title
    if description:
        calendar["description"] = "\n\n".join(description)


def _heading(plain: str, source: Source) -> None:
    """The series' name (and the seed's ``## X日程表`` local name) from the first headings."""
    calendar = source.calendar
    if plain.endswith(SCHEDULE_SUFFIX) and "local_name" not in calendar:
        calendar["local_name"] = plain.removesuffix(SCHEDULE_SUFFIX).strip()
        calendar.setdefault("name", calendar["local_name"])
    elif "name" not in calendar and not SCHEDULE_HEADINGS.fullmatch(plain.strip(" :")):
        calendar["name"] = plain
    _note_year(plain, source, any_year=True)


def _paragraph(line: int, plain: str, raw: str, source: Source) -> str:
    """A paragraph of the introduction: what it tells, and the text left for the description."""
    if plain == SCHEDULE_LEAD:
        return ""
    if match := _MAINTAINER_RE.match(plain):
        source.calendar["maintainer"] = match["who"]
        return ""
    if _labelled_line(line, plain, source):
        return ""
    _note_year(plain, source)
    if semester := SEMESTER_RE.search(raw):
        source.calendar.setdefault("semester", semester[0])
    return _take_organizers(raw, source.calendar)


def _label_heading(text: str) -> str:
    """``time`` or ``room`` for a heading that is only such a label (``### Location:``)."""
    word = text.strip().rstrip(":：").strip().lower()
    if word in TIME_LABELS:
        return "time"
    if word in ROOM_LABELS:
        return "room"
    return ""


def _labelled_line(line: int, text: str, source: Source) -> bool:
    """A ``Time: …`` or ``Location: …`` line of the introduction; True if it was one."""
    match = _LABEL_RE.match(text)
    if not match:
        return False
    label = match["label"].strip().lower()
    if label in TIME_LABELS:
        source.time_text.append((line, match["value"]))
        if room := _ROOM_RE.search(match["value"]):
            source.room_text.append((line, room[0]))
        return True
    if label in ROOM_LABELS:
        source.room_text.append((line, match["value"]))
        return True
    return False


def _note_year(text: str, source: Source, any_year: bool = False) -> None:
    if source.year is not None:
        return
    year = year_mark(text)
    if year is None and any_year and (match := _YEAR_RE.search(text)):
        year = int(match[1])
    source.year = year


def _raw(block: SyntaxTreeNode, lines: list[str]) -> str:
    """The block's source lines, each stripped, as the page wrote them."""
    if not block.map:
        return ""
    return "\n".join(line.strip() for line in lines[block.map[0] : block.map[1]]).strip()


def _take_organizers(text: str, calendar: dict[str, object]) -> str:
    """Move a "本学期由**A**和**B**同学负责" clause into ``calendar``; return the rest."""
    organizers = _ORGANIZERS_RE.search(text)
    if not organizers or "organizers" in calendar:
        return text
    calendar["organizers"] = re.findall(r"\*\*([^*]+)\*\*", organizers["names"])
    rest = text[: organizers.start()].rstrip()
    if rest and organizers["comma"]:
        rest += "。"  # the clause replaced the end of the sentence
    return rest


# -- the three shapes of schedule ----------------------------------------------------


def _table_rows(
    table: SyntaxTreeNode, options: ImportOptions, warn: Callable[[int, str], None]
) -> list[Row]:
    header_row = table.children[0].children[0]
    headings = [_plain(cell) for cell in header_row.children]
    fields = column_fields(headings, options, _line(header_row), warn)
    body = [
        (_line(tr), [inline_cell(_inline(td)) for td in tr.children]) for tr in _body_rows(table)
    ]
    return _rows_of(body, fields, warn)


def _rows_of(
    body: list[tuple[int, list[Cell]]], fields: list[str], warn: Callable[[int, str], None]
) -> list[Row]:
    """Rows of a table (Markdown or HTML)."""
    records = [
        (n, " ".join(c.text for c in cells), cells_row(n, fields, cells)) for n, cells in body
    ]
    return dated_rows(records, warn)


def dated_rows(
    records: list[tuple[int, str, Row | None]], warn: Callable[[int, str], None]
) -> list[Row]:
    """The rows of a table or sheet, from (line, its text, its row or None when undated);
    an undated record naming a term (Fall 2018) sets the year of the rows after it."""
    rows: list[Row] = []
    year: int | None = None
    for line, text, row in records:
        if row is None:
            mark = year_mark(text)
            if mark is not None:
                year = mark
            elif text.strip():
                warn(line, texts.import_skipped(texts.IMPORT_NO_DATE.format(text=short(text))))
            continue
        row.year = year
        rows.append(row)
    return rows


def column_fields(
    headings: list[str], options: ImportOptions, line: int, warn: Callable[[int, str], None]
) -> list[str]:
    """The field each column holds, by its heading; ``--column`` choices first."""
    chosen = {heading.strip().lower(): name for name, heading in options.columns}
    fields = []
    for heading in headings:
        key = clean(heading).strip(" :：").lower()
        name = chosen.get(key) or HEADING_FIELD.get(key, "") or heading_field(key)
        if name in fields and name not in ("note", "number", ""):
            name = "note"  # a second "Topic" beside "Title": kept, in the note
        if not name and key:
            warn(line, texts.import_skipped(texts.IMPORT_UNKNOWN_COLUMN.format(heading=heading)))
        fields.append(name)
    if "date" not in fields and fields:
        fields[0] = fields[0] or "date"  # an unnamed first column of dates (``||Date|…``)
        if "date" not in fields:
            time = fields.index("time") if "time" in fields else -1
            if time >= 0:
                fields[time] = "date"  # 时间 often heads the column of dates
    return fields


def heading_field(heading: str) -> str:
    """The field of a longer heading by the first known word in it (``Long-Form Speaker``)."""
    for word in re.findall(r"[a-z#.]+|[\u3400-\u9fff]+", heading):
        if word in HEADING_FIELD:
            return HEADING_FIELD[word]
        for known in sorted(HEADING_FIELD, key=len, reverse=True):
            if CJK_RE.match(known) and known in word:
                return HEADING_FIELD[known]
    return ""


def cells_row(line: int, fields: list[str], cells: list[Cell]) -> Row | None:
    """A row from a table or sheet, or None when its date cell holds no date."""
    row = Row(line)
    for name, cell in zip(fields, cells, strict=False):
        _put(row, name, cell)
    if not row.date_text or read_date(row.date_text) is None:
        return None
    return row


def _put(row: Row, name: str, cell: Cell) -> None:
    """One cell into the field its column names."""
    name = "time_text" if name == "time" else name
    row.cancelled = row.cancelled or (cell.struck and name in ("date", "speaker", "title"))
    if name == "date":
        row.date_text = cell.text
    elif name in ("slides", "video"):
        for _, url in cell.links or [("", cell.text)]:
            add_link(row, name, url)
    elif name == "speaker":
        row.speaker = joined_people(cell.text.split("\n"))
        for label, url in cell.links:
            if label and label in row.speaker:
                add_link(row, "speaker_page", url)
    elif name in ("time_text", "title", "affiliation", "abstract", "bio", "room"):
        setattr(row, name, cell.text)
        if name == "title":
            row.notes.extend(_link_notes(cell))
    elif name == "note" and cell.text:
        row.notes.append(cell.text)


def add_link(row: Row, key: str, url: str) -> None:
    """A web address as the row's link; a relative path (``slides/x.pdf``) in its note."""
    url = url.strip()
    if url.startswith(("http://", "https://")) and key not in row.links:
        row.links[key] = url
    elif "/" in url or "." in url:
        row.notes.append(f"{key}: {url}")


def _link_notes(cell: Cell) -> list[str]:
    """Links in a title cell, kept in the note: they lead to the talk's materials."""
    return [url if label == cell.text else f"{label}: {url}" for label, url in cell.links]


def _list_rows(
    block: SyntaxTreeNode, lines: list[str], warn: Callable[[int, str], None]
) -> list[Row]:
    rows = []
    for item in block.children:
        first = item.children[0] if item.children else None
        line = _line(item)
        if first is None or first.type != "paragraph" or not _date_leads(_plain(first)):
            if _plain(first) if first is not None else "":
                warn(
                    line,
                    texts.import_skipped(texts.IMPORT_NO_DATE.format(text=short(_plain(first)))),
                )
            continue
        cell = inline_cell(_inline(first))
        body = [(n + 1, lines[n]) for n in range(first.map[1], item.map[1])] if first.map else []
        rows.append(_dated_row(line, cell, body, warn))
    return rows


def _heading_rows(
    blocks: list[SyntaxTreeNode],
    candidate: _Candidate,
    lines: list[str],
    warn: Callable[[int, str], None],
) -> list[Row]:
    rows = []
    for number, heading in enumerate(candidate.nodes):
        following = candidate.nodes[number + 1] if number + 1 < len(candidate.nodes) else None
        stop = (
            following.map[0]
            if following is not None and following.map
            else _end_line(blocks, candidate.end, len(lines))
        )
        start = heading.map[1] if heading.map else 0
        body = [(n + 1, lines[n]) for n in range(start, stop)]
        rows.append(_dated_row(_line(heading), inline_cell(_inline(heading)), body, warn))
    return rows


def _end_line(blocks: list[SyntaxTreeNode], end: int, default: int) -> int:
    if end < len(blocks) and blocks[end].map:
        return blocks[end].map[0]
    return default


def _dated_row(
    line: int, cell: Cell, body: list[tuple[int, str]], warn: Callable[[int, str], None]
) -> Row:
    """A list item or heading: the date and text on its line, then the lines under it."""
    written = read_date(cell.text)
    assert written is not None  # only dated items and headings are schedule rows
    row = Row(line, date_text=cell.text[: written.end], text=cell.text[written.end :])
    row.cancelled = cell.struck
    for label, url in cell.links:
        if MATERIAL_RE.match(label.strip()) and label.lower().startswith(("slide", "video")):
            add_link(row, "slides" if label.lower().startswith("slide") else "video", url)
        elif label and label not in cell.text[written.end :]:
            row.notes.append(f"{label}: {url}")
        else:
            row.notes.append(f"{label}: {url}" if label else url)
    rest = _labelled_body(body, row)
    fields, notes = read_body(rest, cell.text[: written.end].strip(" *:"), warn)
    row.fields = fields
    row.notes.extend(text for _, text in notes)
    return row


def _labelled_body(body: list[tuple[int, str]], row: Row) -> list[tuple[int, str]]:
    """Take ``Speaker: …``, ``Title: …``, ``Time: …`` lines under a date into the row."""
    rest = []
    for number, line in body:
        match = _LABEL_RE.match(line.strip()) if line.strip() else None
        label = match["label"].strip().lower() if match else ""
        name = _LABELLED_FIELDS.get(label)
        if label in ("title", "题目", "标题") and line.strip().startswith(("*", "_")):
            name = "title"  # **Title:** X; a plain 题目： line is read_body's (it may go on)
        if match and name and match["value"].strip() and not line.strip().startswith("<"):
            value = clean(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match["value"])).strip("*_ ")
            if name == "time":
                row.time_text = value
            elif not getattr(row, name):
                setattr(row, name, value)
            continue
        rest.append((number, line))
    return rest


def _after(blocks: list[SyntaxTreeNode], lines: list[str], source: Source) -> None:
    """Sections after the schedule, kept for abstracts; the maintainer footer."""
    heading: tuple[int, str] | None = None
    texts_under: list[str] = []

    def close() -> None:
        if heading is not None and texts_under:
            source.after.append((heading[0], heading[1] + "\n" + "\n\n".join(texts_under)))

    for block in blocks:
        plain = _plain(block) if block.type in ("heading", "paragraph") else ""
        if block.type == "paragraph" and (match := _MAINTAINER_RE.match(plain)):
            source.calendar.setdefault("maintainer", match["who"])
            continue
        if block.type == "heading":
            close()
            heading, texts_under = (_line(block), plain), []
        elif block.type == "paragraph":
            texts_under.append(_raw(block, lines))
    close()


def short(text: str) -> str:
    """The text on one line, cut to 60 characters: what a warning quotes of a row."""
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"
