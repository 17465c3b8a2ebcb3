"""Values drawn from a vocabulary: timezones, weekdays, languages, statuses, mail addresses.

Each is text first (FieldParser.text) and then one check; the messages say what
to write instead, with a suggestion where a near miss is likely.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from typing import Any

from ..model import WEEKDAYS, Kind, Status
from ..zones import known
from .loading import Node
from .parsers import FieldParser, quote

TIMEZONE_ALIASES = {
    "Asia/Beijing": "Asia/Shanghai",
    "Beijing": "Asia/Shanghai",
    "China": "Asia/Shanghai",
    "CST": "Asia/Shanghai",
    "Beijing Time": "Asia/Shanghai",
}
"""Names people often write for China's zone; IANA names it after Shanghai."""

_ADDRESS_RE = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[A-Za-z]{2,}")
ONE_ADDRESS = (
    "{value} is not exactly one e-mail address; write one address, as name@example.edu "
    "or as Name <name@example.edu>"
)
"""The complaint about a mail address, in events files and on the command line."""
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def is_email_address(value: str) -> bool:
    """Exactly one address, ``name@host.tld`` or ``Display Name <name@host.tld>``, as a
    From or To header carries it: the email package's own header parser finds one address
    and no defect (a second address, a line break, ``?bcc=`` after it, a bare name)."""
    from email.headerregistry import HeaderRegistry  # the email package only when needed

    header = HeaderRegistry()("To", value)
    addresses = header.addresses
    return (
        not header.defects
        and len(addresses) == 1
        and header.groups[0].display_name is None
        and _ADDRESS_RE.fullmatch(addresses[0].addr_spec) is not None
    )


def _is_zone_name(value: str) -> bool:
    """An IANA zone name (not ``posix/...``, ``right/...`` or ``posixrules``) that zoneinfo,
    which makes the times, can load too."""
    return value in _zone_names() and known(value)


@functools.cache
def _zone_names() -> frozenset[str]:
    """IANA's zone names as the tzdata package lists them, in one file. pytz's set of the
    same names (which ``pytz.timezone`` also builds) opens each of some 600 zone files
    first: a tenth of a small build."""
    try:
        import tzdata

        with open(os.path.join(os.path.dirname(tzdata.__file__), "zones"), "rb") as file:
            listed = file.read().decode()
    except (ImportError, OSError, TypeError):  # no tzdata package, or one inside a zip
        import pytz

        return frozenset(pytz.all_timezones_set)
    return frozenset(listed.split()) - {"Factory"}  # a placeholder zone, not in pytz's set


def machine_timezone() -> tuple[str, bool]:
    """This machine's IANA zone, and whether it could be told (else UTC).

    tzlocal reads TZ, /etc/timezone, /etc/localtime, systemd's and macOS's settings
    and Windows' registry: the places we would otherwise each have to know.
    """
    import tzlocal

    name = os.environ.get("TZ", "").removeprefix(":")  # first, as POSIX says; tzlocal
    if not _is_zone_name(name):  # caches the rest for the life of the process
        try:
            name = tzlocal.get_localzone_name()
        except Exception:  # tzlocal raises several kinds for a machine it cannot read
            name = None
    if name and _is_zone_name(name):
        return name, True
    return "UTC", False


class VocabularyParser(FieldParser):
    def kind_parsers(self) -> dict[Kind, Callable[[Node, str], Any]]:
        """FieldParser's kinds and those drawn from a vocabulary."""
        return {
            **super().kind_parsers(),
            Kind.TIMEZONE: self.timezone,
            Kind.LANGUAGE: self.language,
            Kind.WEEKDAY: self.weekday,
            Kind.STATUS: self.status,
            Kind.EMAIL: self.email,
            Kind.EMAIL_LIST: self.email_list,
        }

    def timezone(self, node: Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is None or _is_zone_name(value):
            return value
        hint = [TIMEZONE_ALIASES[value]] if value in TIMEZONE_ALIASES else []
        import difflib  # only when there is a hint to give

        import pytz

        hint = hint or difflib.get_close_matches(value, pytz.common_timezones, n=1, cutoff=0.7)
        suggestion = f'; did you mean "{hint[0]}"?' if hint else ""
        return self.refuse(
            node,
            path,
            f"unknown timezone {quote(value)}{suggestion} (use an IANA name like Asia/Shanghai)",
        )

    def weekday(self, node: Node, path: str) -> int | None:
        return self.checked_text(
            node,
            path,
            lambda v: WEEKDAYS.index(v.lower()) if v.lower() in WEEKDAYS else None,
            'expected a weekday like "wednesday", got {value}',
        )

    def language(self, node: Node, path: str) -> str | None:
        return self.checked_text(
            node,
            path,
            lambda v: v if _LANGUAGE_RE.match(v) else None,
            'expected a language tag like "zh" or "en", got {value}',
        )

    def status(self, node: Node, path: str) -> Status | None:
        known = {status.value: status for status in Status}
        return self.checked_text(
            node,
            path,
            lambda v: known.get(v.lower()),
            "expected one of talk, cancelled, open; got {value}",
        )

    def email(self, node: Node, path: str) -> str | None:
        """One mail address, bare or as ``Name <address>`` (a From or To header's form)."""
        return self.checked_text(
            node,
            path,
            lambda v: v if is_email_address(v) else None,
            ONE_ADDRESS,
        )

    def email_list(self, node: Node, path: str) -> tuple[str, ...] | None:
        """A list of mail addresses, or one."""
        return self.one_or_list(node, path, self.email, "addresses")
