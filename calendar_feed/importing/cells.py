"""What one cell or line of a schedule says: its plain text, links, people and times."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from .words import CJK_RE, INSTITUTION_RE

_TIME = r"(?P<{0}h>\d{{1,2}})(?:\s*[:：.h]\s*(?P<{0}m>\d\d))?\s*(?P<{0}p>[ap]\.?\s*m\.?)?"
_TIME_RE = re.compile(
    r"(?<![\d/.\-])(?:(?P<zhp>上午|下午|晚上|中午)\s*)?"
    + _TIME.format("s")
    + r"(?:\s*(?:-+|–|—|~|～|to|至|到|until)\s*(?:(?P<zhe>上午|下午|晚上|中午)\s*)?"
    + _TIME.format("e")
    + r")?(?![\d/])",
    re.IGNORECASE,
)
_PERSON_RE = re.compile(r"^[^\d:;!?@#]{2,60}$")


@dataclass
class Cell:
    """A cell's text without markup, and the links it held as (label, url)."""

    text: str
    links: list[tuple[str, str]] = field(default_factory=list)
    struck: bool = False
    bold: str = ""
    """The first bold part, which pages use for a date or a speaker's name."""


def clean(text: str) -> str:
    """Collapse whitespace and HTML entities (``&nbsp;``) left in a cell."""
    text = html.unescape(text).replace("\u00a0", " ")
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


@dataclass(frozen=True)
class Times:
    """A start and maybe an end, as read from text like ``3:00-4:00pm``."""

    start: dt.time
    end: dt.time | None


def read_times(text: str) -> Times | None:
    """The first time or time range in ``text`` (12- or 24-hour, English or Chinese)."""
    for match in _TIME_RE.finditer(text):
        groups = match.groupdict()
        has_end = groups["eh"] is not None
        clock = groups["sm"] or groups["sp"] or groups["zhp"] or groups["em"] or groups["ep"]
        if not clock or (not has_end and not (groups["sm"] or groups["sp"] or groups["zhp"])):
            continue  # a bare number is not a time
        end_meridiem = _meridiem(groups["ep"], groups["zhe"] or groups["zhp"])
        start_meridiem = _meridiem(groups["sp"], groups["zhp"])
        end = _clock(groups["eh"], groups["em"], end_meridiem) if has_end else None
        if start_meridiem is None and end_meridiem is not None and end is not None:
            start_meridiem = end_meridiem
            guess = _clock(groups["sh"], groups["sm"], start_meridiem)
            if guess is None or guess > end:
                start_meridiem = "am"
        start = _clock(groups["sh"], groups["sm"], start_meridiem)
        if start is None or (has_end and end is None):
            continue
        return Times(start, end)
    return None


def _meridiem(english: str | None, chinese: str | None) -> str | None:
    if english:
        return "pm" if english.lower().startswith("p") else "am"
    if chinese:
        return "am" if chinese == "上午" else "pm"
    return None


def _clock(hours: str, minutes: str | None, meridiem: str | None) -> dt.time | None:
    hour, minute = int(hours), int(minutes or 0)
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def split_speaker(text: str) -> tuple[str, str]:
    """``Hang Liu (Rutgers)`` or ``Jon Doe, UW APL`` -> (speaker, affiliation)."""
    text = text.strip().strip(",;")
    parenthesised = re.fullmatch(r"(?P<name>[^()（）]+?)\s*[（(](?P<aff>[^()（）]+)[)）]", text)
    if parenthesised:
        return parenthesised["name"].strip(), parenthesised["aff"].strip()
    for separator in (",", "，", " - ", " – ", " — ", " | "):
        name, found, rest = text.partition(separator)
        if (
            found
            and rest.strip()
            and INSTITUTION_RE.search(rest)
            and not INSTITUTION_RE.search(name)
        ):
            return name.strip(), rest.strip()
    return text, ""


def looks_like_person(text: str) -> bool:
    """Short text without digits or sentence punctuation: a name, or names."""
    text = text.strip()
    if not text or not _PERSON_RE.match(text):
        return False
    if CJK_RE.search(text):
        return len(text) <= 12
    words = re.split(r"\s+|,\s*|\band\b|&", text)
    words = [w for w in words if w]
    return 1 <= len(words) <= 8 and all(w[0].isupper() or w in {"de", "van", "von"} for w in words)


def joined_people(names: list[str]) -> str:
    """Several names in one cell (``A<br>B``), joined as the page's language does."""
    names = [n.strip() for n in names if n.strip()]
    return ("、" if any(CJK_RE.search(n) for n in names) else ", ").join(names)
