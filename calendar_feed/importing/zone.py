"""This machine's timezone as an IANA name: the one setting import may take from here."""

from __future__ import annotations

import os
from pathlib import Path

import pytz


def machine_zone() -> str:
    """``TZ``, else /etc/timezone, else where /etc/localtime points; "" when none is named."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        candidates.append(target.partition("zoneinfo/")[2])
    for name in candidates:
        if name and name in pytz.all_timezones_set:
            return name
    return ""
