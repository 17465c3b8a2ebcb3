"""Bytes -> text: UTF-8 with or without a BOM, UTF-16 with one; else one clear error."""

from __future__ import annotations

import codecs

from .. import texts

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GUESSES = (
    ("utf-16-le", "UTF-16 without a byte-order mark"),
    ("gb18030", "GBK / GB18030 (Chinese Windows)"),
    ("big5", "Big5 (traditional Chinese)"),
    ("shift_jis", "Shift JIS (Japanese)"),
    ("cp1252", "Windows-1252 / Latin-1"),
)


class DecodeError(ValueError):
    """The bytes are in an encoding import does not read; the message names the likely one."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def decode(data: bytes) -> str:
    """The text of ``data``; DecodeError naming the encoding it looks like otherwise."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    texts.IMPORT_BAD_BOM.format(encoding=encoding.upper()), 1
                ) from exc
    if data.count(0) > len(data) // 4:  # ASCII as UTF-16: valid UTF-8, full of NULs
        raise DecodeError(texts.IMPORT_NOT_UTF8.format(encoding=_GUESSES[0][1]), 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DecodeError(texts.IMPORT_NOT_UTF8.format(encoding=_likely(data)), line) from None


def _likely(data: bytes) -> str:
    """The first encoding in which the bytes make sense (NULs every other byte: UTF-16)."""
    if data[1::2].count(0) > len(data) // 4:
        return _GUESSES[0][1]
    high = [i for i, byte in enumerate(data) if byte >= 0x80]
    paired = sum(1 for i in high if i + 1 < len(data) and data[i + 1] >= 0x80)
    double_byte = bool(high) and paired * 5 >= len(high) * 2  # CJK: high bytes come in pairs
    for encoding, label in _GUESSES[1:]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252" or (double_byte and any("\u3400" <= c <= "\u9fff" for c in text)):
            return label
    return _GUESSES[-1][1]
