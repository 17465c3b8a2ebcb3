"""The one-regex control-character check refuses exactly what the per-character one did."""

from __future__ import annotations

import sys
import unicodedata

from calendar_feed.source.parsers import FORBIDDEN_CONTROL, NOT_CHARACTERS


def test_same_characters_as_unicode_category_cc_minus_tab_and_newline():
    def refused(char: str) -> bool:
        if char in "\n\t":
            return False
        return unicodedata.category(char) == "Cc" or char in "\u2028\u2029"

    expected = [c for c in map(chr, range(sys.maxunicode + 1)) if refused(c)]
    found = [c for c in map(chr, range(sys.maxunicode + 1)) if FORBIDDEN_CONTROL.search(c)]
    assert found == expected


def test_every_code_point_xml_forbids_is_refused():
    """XML 1.0's Char production; CR is not refused but read as a line break."""

    def xml_char(code: int) -> bool:
        return (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )

    def refused(char: str) -> bool:
        return bool(FORBIDDEN_CONTROL.search(char) or NOT_CHARACTERS.search(char))

    illegal = [chr(c) for c in range(sys.maxunicode + 1) if not xml_char(c)]
    assert [c for c in illegal if not refused(c)] == []
    assert [ord(c) for c in map(chr, range(sys.maxunicode + 1)) if NOT_CHARACTERS.search(c)] == [
        *range(0xD800, 0xE000),
        0xFFFE,
        0xFFFF,
    ]
