"""Read the lines under one date of the Markdown page: speaker, title and details.

A talk is a bold speaker line with the affiliation, a ``题目：`` line and a
``<details>`` block whose ``<b>摘要</b>`` / ``<b>报告人信息</b>`` / ``<b>链接</b>`` /
``<b>备注</b>`` headings start the abstract, bio, links and note. Text that fits
none of these goes to the note, with a warning naming its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..fields import LINK_LABELS
from .format import (
    ABSTRACT_LABEL,
    BIO_LABEL,
    LINKS_LABEL,
    NOTE_LABEL,
    RULE_RE,
    SUMMARY,
)

_TITLE_RE = re.compile(r"^(?:题目|标题|Title)\s*[:：]\s*(?P<title>.*)$", re.IGNORECASE)
_SPEAKER_RE = re.compile(r"^\*\*(?P<name>[^*]+?)\*\*(?![:：])(?P<rest>.*)$")
_LABEL_RE = re.compile(
    r"^(?:<b>|<strong>|\*\*)\s*(?P<label>[^<*]+?)\s*[:：]?\s*(?:</b>|</strong>|\*\*)"
    r"\s*(?P<colon>[:：]?)\s*(?P<rest>.*)$"
)
_SUMMARY_RE = re.compile(r"^<summary>(?P<text>.*)</summary>$")
_LINK_RE = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)$")
_SECTIONS = {
    ABSTRACT_LABEL: "abstract", "报告摘要": "abstract", "abstract": "abstract",
    BIO_LABEL: "bio", "报告人简介": "bio", "个人简介": "bio", "简介": "bio", "bio": "bio",
    "biography": "bio", "about the speaker": "bio",
    NOTE_LABEL: "note", "note": "note", "notes": "note",
    LINKS_LABEL: "links", "links": "links",
}  # fmt: skip
_SUMMARIES = {SUMMARY, "详细信息", "详情", "details", "more", "more details", ""}
_LINK_KEYS = {label.lower(): key for key, label in LINK_LABELS.items()}


def read_body(
    lines: list[tuple[int, str]], where: str, warn: Callable[[int, str], None]
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The fields found under one date, and the (line, text) pieces to keep in its note.

    ``where`` names the date in warnings; ``warn(line, message)`` reports them.
    """
    body = _Body(where, warn)
    body.read(lines)
    return body.fields, body.notes


class _Body:
    """The indented lines under one date: speaker, title and the ``<details>`` sections."""

    def __init__(self, where: str, warn: Callable[[int, str], None]):
        self.warn = warn
        self.where = where
        self.fields: dict[str, Any] = {}
        self.notes: list[tuple[int, str]] = []
        self.sections: dict[str, list[tuple[int, str]]] = {}
        self.section: str | None = None
        self.loose: str | None = None  # "title" while the title's paragraph goes on
        self.stray: list[tuple[int, str]] = []

    def read(self, raw: list[tuple[int, str]]) -> None:
        details_line = 0
        for number, line in _dedent(raw):
            stripped = line.strip()
            if stripped.startswith("<details") or stripped == "</details>":
                details_line = self.details_tag(number, stripped, details_line)
                stripped = re.sub(r"^<details[^>]*>|^</details>", "", stripped).strip()
                if not stripped:
                    continue
                line = stripped  # <details><summary>Abstract</summary> on one line
            if summary := _SUMMARY_RE.match(stripped):
                self.summary(number, summary["text"].strip())
            elif RULE_RE.match(stripped) and (details_line or self.section):
                continue  # the rule that closes a talk's details
            elif (label := _LABEL_RE.match(stripped)) and self.heading(number, label, line):
                continue
            elif self.section:
                self.sections[self.section].append((number, line))
            else:
                self.loose_line(number, stripped, details_line)
        self.flush_stray()
        if details_line:
            self.warn(
                details_line, "<details> is not closed before the next date; read up to there"
            )
        self.finish_sections()

    def details_tag(self, number: int, tag: str, details_line: int) -> int:
        """Open or close a <details> block; the line it was opened on, or 0 once closed."""
        self.section = None
        if tag != "</details>":
            return number
        if not details_line:
            self.warn(number, "</details> without a <details> before it; ignored")
        return 0

    def summary(self, number: int, text: str) -> None:
        """``<summary>Abstract</summary>`` starts that section; other words are kept."""
        key = _SECTIONS.get(text.lower())
        if key is not None:
            self.section = key
            self.sections.setdefault(key, [])
        elif text.lower() not in _SUMMARIES:
            self.keep(number, text, "summary text")

    def heading(self, number: int, label: re.Match[str], line: str) -> bool:
        """Start a details section (摘要, 报告人信息, …); False if this is not a heading."""
        key = _SECTIONS.get(label["label"].strip().lower())
        if key is None:
            if not (line.strip().startswith("<") and label["colon"]):
                return False
            key = f"other:{label['label'].strip()}"
            self.warn(
                number,
                f'unknown heading "{label["label"].strip()}"; kept in the note of {self.where}',
            )
        self.flush_stray()
        self.section = key
        self.loose = None
        section = self.sections.setdefault(key, [])
        if section:
            section.append((number, ""))
        if label["rest"]:
            section.append((number, label["rest"]))
        return True

    def loose_line(self, number: int, text: str, in_details: int) -> None:
        """A line outside any section: the speaker, the title, or text to keep in the note."""
        if not text:
            self.loose = None
            self.flush_stray()
            return
        title = _TITLE_RE.match(text)
        speaker = _SPEAKER_RE.match(text)
        if title and "title" not in self.fields and not in_details:
            self.flush_stray()
            self.fields["title"] = title["title"].strip()
            self.loose = "title"
        elif speaker and "speaker" not in self.fields and not in_details:
            self.flush_stray()
            self.fields["speaker"] = speaker["name"].strip()
            affiliation = _affiliation(speaker["rest"])
            if affiliation:
                self.fields["affiliation"] = affiliation
            self.loose = None
        elif self.loose and not self.stray:
            previous = self.fields.get(self.loose, "")
            self.fields[self.loose] = f"{previous}\n{text}" if previous else text
        else:
            self.stray.append((number, text))

    def flush_stray(self) -> None:
        if self.stray:
            self.keep(self.stray[0][0], "\n".join(text for _, text in self.stray))
            self.stray = []

    def keep(self, number: int, text: str, what: str = "text") -> None:
        self.warn(
            number,
            f"{what} kept in the note of {self.where}: "
            "it is not a speaker, a 题目： line or a details section",
        )
        self.notes.append((number, text))

    def finish_sections(self) -> None:
        for key, lines in self.sections.items():
            text = _block(lines)
            if not text:
                continue
            if key == "links":
                self.links(lines)
            elif key.startswith("other:"):
                self.notes.append((lines[0][0], f"{key.removeprefix('other:')}: {text}"))
            elif key == "note":
                self.notes.append((lines[0][0], text))
            else:
                self.fields[key] = text

    def links(self, lines: list[tuple[int, str]]) -> None:
        links: dict[str, str] = {}
        for number, line in lines:
            match = _LINK_RE.match(line.strip())
            key = _LINK_KEYS.get(match["label"].strip().lower()) if match else None
            if match and key:
                links[key] = match["url"]
            elif line.strip():
                self.keep(number, line.strip(), "link")
        if links:
            self.fields["links"] = links


def _affiliation(rest: str) -> str:
    """``, USCD`` / ``（北京大学）`` / `` - MIT`` after the bold speaker name."""
    rest = rest.strip()
    if parenthesised := re.fullmatch(r"[（(](.*)[)）]", rest):
        return parenthesised[1].strip()
    return re.sub(r"^[,，、;；|\-–—]\s*", "", rest)


def _dedent(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    margin = min((len(t) - len(t.lstrip()) for _, t in lines if t.strip()), default=0)
    return [(n, t[margin:] if t.strip() else "") for n, t in lines]


def _block(lines: list[tuple[int, str]]) -> str:
    """A section's text: common indent removed, runs of blank lines made one."""
    out: list[str] = []
    for _, text in _dedent(lines):
        if text or (out and out[-1]):
            out.append(text)
    return "\n".join(out).strip("\n")
