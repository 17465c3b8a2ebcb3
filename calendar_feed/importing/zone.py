"""This machine's timezone as an IANA name: the one setting import may take from here."""

from __future__ import annotations

import pytz


def machine_zone() -> str:
    """This machine's IANA zone, or "" when it cannot be told.

    tzlocal reads TZ, /etc/timezone, /etc/localtime, systemd's and macOS's settings
    and Windows' registry: the places we would otherwise each have to know.
    """
    import tzlocal  # only when a source names no zone

    try:
        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several kinds for a machine it cannot read
        return ""
    return name if name and name in pytz.all_timezones_set else ""
