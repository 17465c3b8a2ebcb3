"""RFC 5545 §3.1 line folding, byte for byte as icalendar folds, at a fraction of the cost.

icalendar builds every component and its content lines; only its last step, folding
each line at 75 octets, looks at one character at a time and was the largest part of
a 10,000-session feed. Here the same rule works on the UTF-8 bytes of a whole line:
a line holds at most 74 octets before its CRLF (continuations a space and 74 more),
is never cut inside a character, and a cut that would leave a backslash or caret
(the start of an escape) at the end of a line moves that character to the next one.
tests/render/test_folding.py compares the two on every kind of line.
"""

from __future__ import annotations

from collections.abc import Iterable

CALENDAR_END = b"END:VCALENDAR\r\n"
"""The closing line of every calendar: ical.py ends each with it, components.py strips it
from the serialized head (here, beside the other rules of content lines, both import it)."""
LIMIT = 75
"""As icalendar's ``_foldline``: a line is cut before the character that would reach it."""
_SEPARATOR = b"\r\n "
_ESCAPES = (ord("\\"), ord("^"))


def fold_line(line: str) -> bytes:
    """One content line folded, as ``icalendar.parser.Contentline.to_ical`` gives it."""
    data = line.encode("utf-8")
    last = LIMIT - 1  # bytes a line may hold
    if len(data) <= last:
        return data
    chunks = []
    start = 0
    while len(data) - start > last:
        end = start + last
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        chunks.append(data[start:end])
        start = end
    chunks.append(data[start:])
    return _SEPARATOR.join(chunks)


def fold_lines(lines: Iterable[str]) -> bytes:
    """A component's content lines as bytes, as ``icalendar.Contentlines.to_ical`` gives them."""
    return b"\r\n".join([fold_line(line) for line in lines if line]) + b"\r\n"
