"""Knowing, before any heavy import, that a build would write exactly the site already there.

After a successful ``calendar-feed build`` a small stamp file in the output folder
records a digest of everything that shapes the site's bytes: the events file, the
revision history, calendar-feed's own code, templates and static files, the
installed libraries' versions, Python's version and the build's options, plus a
digest of the written files' names, sizes and modification times and the moment
"today" ends. A rebuild whose digests all match and whose day has not ended has
nothing to do. Only the standard library is imported here, so the check costs a
few milliseconds rather than the import of icalendar, Jinja2, PyYAML and pytz.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..files import read_regular_file
from ..version import __version__

STAMP_FILE = ".calendar-feed-stamp.json"
"""In the output folder; a web server may show it, and it holds only digests."""
_PACKAGE = Path(__file__).resolve().parent.parent
_LIBRARIES = ("icalendar", "yaml", "pytz", "jinja2", "markupsafe", "segno")
"""Libraries whose version may change a byte of the site (their folder's dist-info names)."""


def inputs_digest(source: Path, options: Mapping[str, object], limit: int = 0) -> str:
    """Digest of the events or site file (up to ``limit`` + 1 bytes), the code and
    libraries, and ``options``; the other files a build read are in its stamp."""
    digest = hashlib.sha256()
    for part in (
        json.dumps(options, sort_keys=True, default=str).encode(),
        _file_bytes(source, limit),
        code_digest(),
        "\n".join(library_versions()).encode(),
        f"{__version__} {sys.version}".encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def nothing_to_do(out_dir: Path, inputs: str) -> list[str] | None:
    """The warnings the last build printed, if ``out_dir`` holds its site unchanged; else None."""
    try:
        stamp = json.loads((out_dir / STAMP_FILE).read_bytes())
        if (
            stamp["inputs"] != inputs
            or time.time() >= stamp["valid_until"]
            or stamp["site"] != _site_digest(out_dir)
            or stamp["read"] != _read_digests(stamp["read"])
        ):
            return None
        return [str(line) for line in stamp["warnings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(
    out_dir: Path, inputs: str, valid_until: float, warnings: Iterable[str], read: Iterable[Path]
) -> None:
    """Record a successful build and the other files it read (revision histories, a site
    file's events files) as they are now; a stamp that cannot be written only costs the
    next rebuild."""
    stamp = {
        "inputs": inputs,
        "valid_until": valid_until,
        "site": _site_digest(out_dir),
        "read": _read_digests({str(path): "" for path in read}),
        "warnings": list(warnings),
    }
    with contextlib.suppress(OSError):
        (out_dir / STAMP_FILE).write_text(json.dumps(stamp, indent=1) + "\n")


def _read_digests(files: Mapping[str, str]) -> dict[str, str]:
    return {path: hashlib.sha256(_file_bytes(Path(path))).hexdigest() for path in files}


def _file_bytes(path: Path, limit: int = 0) -> bytes:
    """Read like the build reads: never blocking on a FIFO, never more than ``limit`` + 1."""
    try:
        return read_regular_file(path, limit)
    except OSError as error:  # a missing history differs from an empty one
        return f"unreadable: {error.errno}".encode()


@functools.cache
def code_digest() -> bytes:
    """calendar-feed's sources, templates and static files, by content."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(root, name)
            digest.update(path.encode(errors="surrogateescape"))
            digest.update(_file_bytes(Path(path)))
    return digest.digest()


def library_versions() -> list[str]:
    """Installed distributions beside each library (``icalendar-7.3.2.dist-info`` ...)."""
    folders = set()
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            folders.add(os.path.dirname(os.path.dirname(spec.origin)))
    names = []
    for folder in sorted(folders):
        try:
            found = os.listdir(folder)
            names += sorted(n for n in found if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            names.append(f"{folder}: unreadable")
    return names


def _site_digest(out_dir: Path) -> str:
    """Names, sizes and modification times of every file in the site (not the stamp)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(out_dir):
        dirs.sort()
        for name in sorted(files):
            if root == str(out_dir) and name == STAMP_FILE:
                continue
            path = os.path.join(root, name)
            info = os.lstat(path)
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode(errors="replace"))
    return digest.hexdigest()


def valid_until(timezone: str, fixed_today: bool) -> float:
    """When a site built now stops being current: the end of today where the seminar
    happens and in UTC, whichever comes first (never, with an explicit --today)."""
    if fixed_today:
        return float("inf")
    import datetime as dt

    import pytz  # already imported by the build that calls this

    now = dt.datetime.now(dt.UTC)
    ends = []
    for zone in (pytz.timezone(timezone), pytz.utc):
        local = now.astimezone(zone)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time())
        ends.append(zone.localize(midnight).timestamp())
    return min(ends)
