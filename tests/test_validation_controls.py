"""The one-regex control-character check refuses exactly what the per-character one did."""

from __future__ import annotations

import sys
import unicodedata

from calendar_feed.source.parsers import FORBIDDEN_CONTROL


def test_same_characters_as_unicode_category_cc_minus_tab_and_newline():
    def refused(char: str) -> bool:
        if char in "\n\t":
            return False
        return unicodedata.category(char) == "Cc" or char in "\u2028\u2029"

    expected = [c for c in map(chr, range(sys.maxunicode + 1)) if refused(c)]
    found = [c for c in map(chr, range(sys.maxunicode + 1)) if FORBIDDEN_CONTROL.search(c)]
    assert found == expected
