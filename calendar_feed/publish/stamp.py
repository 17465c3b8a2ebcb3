"""Knowing, before any heavy import, that a build would write exactly the site already there.

A build leaves a small stamp file in the output folder. It records each file it
wrote, as the build left it: the digest of its bytes, and its inode, size,
modification and change times. Any later change of a file (an edit in place that
keeps the size and puts the modification time back included) changes its change
time, which no one can set back; a file whose change time is not safely older than
the stamp (a coarse clock gives a file and the stamp the same time) is compared by
content, the way git treats a "racy" index entry. So a file still as recorded is
one the next build may hard-link instead of writing it again (publish/site_dir.py).

After a successful ``calendar-feed build`` the stamp also records a digest of
everything that shapes the site's bytes: the events file, the revision history,
calendar-feed's own code, templates and static files, the installed libraries'
versions, Python's version and the build's options, and the moment "today" ends.
A rebuild whose digests all match, whose day has not ended and whose every file is
still as recorded, with no file or folder added, has nothing to do. Only the
standard library is imported here, so the check costs a few milliseconds rather
than the import of icalendar, Jinja2, PyYAML and pytz.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from ..files import read_regular_file
from ..version import __version__

STAMP_FILE = ".calendar-feed-stamp.json"
"""In the output folder; a web server may show it, and it holds only digests, sizes,
inode numbers and times."""
_PACKAGE = Path(__file__).resolve().parent.parent
_LIBRARIES = ("icalendar", "yaml", "pytz", "tzdata", "jinja2", "markupsafe", "segno")
"""Libraries whose version may change a byte of the site (their folder's dist-info names)."""


def inputs_digest(source: Path, options: Mapping[str, object], limit: int = 0) -> str:
    """Digest of the events or site file (up to ``limit`` + 1 bytes), the code and
    libraries, and ``options``; the other files a build read are in its stamp."""
    digest = hashlib.sha256()
    for part in (
        json.dumps(options, sort_keys=True, default=str).encode(),
        _file_bytes(source, limit),
        code_fingerprint().encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Everything besides a build's own inputs that can change a byte of what it makes:
    calendar-feed's version, code, templates and static files, the libraries, Python."""
    parts = [__version__, sys.version, code_digest().hex(), *library_versions()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


FileRecord = list[Any]
"""A file as a build left it: [digest of its bytes (file_digest), inode, size,
modification and change times in ns], as JSON gives it back."""


@dataclasses.dataclass(frozen=True)
class Written:
    """The files the last build wrote into a folder, and when the record was made."""

    files: Mapping[str, FileRecord]
    clock: int
    """The filesystem's time just before the files were looked at: a file changed at this
    time or later may have changed again without its change time showing it."""

    def unchanged(self, folder: str, relative: str, digest: str = "") -> bool:
        """``relative`` (in ``folder``, which ends with a separator) is still the file
        recorded (and holds bytes of ``digest``, if given): by its inode, size and times,
        and by its content if they cannot tell."""
        path = folder + relative  # not os.path.join: 10,000 files
        try:
            record = self.files[relative]
            if digest and record[0] != digest:
                return False
            info = os.lstat(path)
            if [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns] != record[1:]:
                return False
            if not stat.S_ISREG(info.st_mode):
                return False
            if record[4] < self.clock:
                return True
            return bool(file_digest(read_regular_file(path, info.st_size)) == record[0])
        except (OSError, KeyError, TypeError):  # gone, or a stamp edited by hand
            return False


def file_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def record_written(out_dir: Path, digests: Mapping[str, str]) -> None:
    """Stamp ``out_dir`` with its files (by relative path, with the digest of the bytes
    written), as they are now; a stamp that cannot be written only costs the next build."""
    with contextlib.suppress(OSError), _new_stamp(out_dir) as (stream, clock):
        files = {}
        for relative, digest in digests.items():
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(out_dir, relative))
                times = (info.st_mtime_ns, info.st_ctime_ns)
                files[relative] = (digest, info.st_ino, info.st_size, *times)
        stream.write(json.dumps({"clock": clock, "files": files}).encode())


def written(out_dir: Path, stamp: Mapping[str, Any] | None = None) -> Written | None:
    """What the last build recorded of ``out_dir``'s files (in ``stamp``, if it was read
    already); None if nothing usable."""
    stamp = _read_stamp(out_dir) if stamp is None else stamp
    files, clock = stamp.get("files"), stamp.get("clock")
    if not isinstance(files, dict) or type(clock) is not int:
        return None
    return Written(files, clock)


def nothing_to_do(out_dir: Path, inputs: str) -> list[str] | None:
    """The warnings the last build printed, if ``out_dir`` holds its site unchanged; else None."""
    stamp = _read_stamp(out_dir)
    try:
        if (
            stamp["inputs"] != inputs
            or time.time() >= stamp["valid_until"]
            or stamp["read"] != _read_digests(stamp["read"])
            or not _site_unchanged(out_dir, written(out_dir, stamp))
        ):
            return None
        return [str(line) for line in stamp["warnings"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def write_stamp(
    out_dir: Path, inputs: str, valid_until: float, warnings: Iterable[str], read: Iterable[Path]
) -> None:
    """Record that the site in ``out_dir`` is a successful build of ``inputs`` and of the
    other files it read (revision histories, a site file's events files) as they are now;
    a stamp that cannot be written only costs the next rebuild."""
    stamp = _read_stamp(out_dir)
    if "files" not in stamp:
        return
    stamp |= {
        "inputs": inputs,
        "valid_until": valid_until,
        "read": _read_digests({str(path): "" for path in read}),
        "warnings": list(warnings),
    }
    with contextlib.suppress(OSError), _new_stamp(out_dir) as (stream, _):
        stream.write(json.dumps(stamp).encode() + b"\n")  # no indent: the C encoder


def _read_stamp(out_dir: Path) -> dict[str, Any]:
    try:
        stamp = json.loads(read_regular_file(out_dir / STAMP_FILE))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


@contextlib.contextmanager
def _new_stamp(out_dir: Path) -> Iterator[tuple[BinaryIO, int]]:
    """A new stamp file to write, and the filesystem's time as it was made; it replaces
    the stamp when the block ends without an error. It is made beside the site, where
    a killed build's staging folders are cleared (site_dir.remove_stale_staging)."""
    out_dir = out_dir.resolve()
    temporary = out_dir.parent / f".{out_dir.name}.new-stamp-{os.urandom(8).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream, os.fstat(descriptor).st_ctime_ns
        os.replace(temporary, out_dir / STAMP_FILE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _site_unchanged(out_dir: Path, record: Written | None) -> bool:
    """Every file the last build wrote is still as it was, and nothing was added."""
    if record is None:
        return False
    folders, found = {""}, set()
    for relative in record.files:
        folder = relative.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    root = str(out_dir)
    for path, _, files in os.walk(root):
        relative = path[len(root) + 1 :]
        if relative not in folders:
            return False
        prefix = f"{relative}/" if relative else ""
        found.update(prefix + name for name in files if prefix or name != STAMP_FILE)
    if found != record.files.keys():
        return False
    root = os.path.join(root, "")
    return all(record.unchanged(root, relative) for relative in found)


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


def valid_until(timezone: str, fixed_today: bool) -> float:
    """When a site built now stops being current: the end of today where the seminar
    happens and in UTC, whichever comes first (never, with an explicit --today)."""
    if fixed_today:
        return float("inf")
    import datetime as dt

    from .. import zones  # already imported by the build that calls this

    now = dt.datetime.now(dt.UTC)
    ends = []
    for zone in (timezone, "UTC"):
        tomorrow = now.astimezone(zones.zone(zone)).date() + dt.timedelta(days=1)
        ends.append(zones.midnight(tomorrow, zone).timestamp())
    return min(ends)
