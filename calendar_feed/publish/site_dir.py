"""Write the static site atomically: a failed build never touches the published one."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path

MARKER = ".calendar-feed"
"""File left in every built site, so we never replace a directory we did not make."""


class BuildError(Exception):
    """The site could not be written; the previous output is still in place."""


Written = tuple[bytes, int, int, int]
"""A file as a build left it (digest, inode, size, mtime in ns): a later build may
link to it instead of writing it again."""


def write_site(
    files: Mapping[str, bytes],
    out_dir: str | Path,
    written: MutableMapping[str, Written] | None = None,
) -> Path:
    """Write ``files`` into a fresh directory beside ``out_dir``, then swap it in.

    With ``written`` (what the last build of ``out_dir`` wrote, from the build
    cache), a file whose bytes are unchanged and which is still as that build left
    it is hard-linked from the current site instead of written again: after an edit
    of one session, nearly every file. ``written`` gains this build's files.
    """
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out_dir} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError(
            f"refusing to replace {out_dir}: it is not empty and was not made by calendar-feed"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as exc:
        raise BuildError(f"cannot write next to {out_dir}: {exc.strerror or exc}") from None
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the site from a web server
        records = _write_files(files, staging, out, written)
        _write(staging / MARKER, b"Built by calendar-feed; safe to replace.\n")
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if written is not None:
        written.update(records)
    return out


def _write_files(
    files: Mapping[str, bytes],
    staging: Path,
    out: Path,
    written: Mapping[str, Written] | None,
) -> dict[str, Written]:
    records: dict[str, Written] = {}
    folders = {""}
    new_root, old_root = f"{staging}{os.sep}", f"{out}{os.sep}"  # strings: 10,000 files
    for relative, content in sorted(files.items()):
        folder = os.path.dirname(relative)
        if folder not in folders:
            os.makedirs(new_root + folder, exist_ok=True)
            os.chmod(new_root + folder, 0o755)  # whatever the umask
            folders.add(folder)
        if written is None:
            _write(new_root + relative, content)
            continue
        digest = hashlib.blake2b(content, digest_size=16).digest()
        earlier = written.get(relative)
        linked = None
        if earlier is not None and earlier[0] == digest:
            linked = _linked(old_root + relative, new_root + relative, earlier)
        records[relative] = linked or _write(new_root + relative, content, digest)
    return records


def _linked(current: str, target: str, earlier: Written) -> Written | None:
    """Link ``target`` to ``current`` if it is still the file the last build wrote."""
    try:
        info = os.lstat(current)
        if (info.st_ino, info.st_size, info.st_mtime_ns) != earlier[1:] or info.st_nlink != 1:
            return None
        os.link(current, target)
    except OSError:
        return None
    return earlier


def _write(target: str | Path, content: bytes, digest: bytes = b"") -> Written:
    """A new 0644 file (whatever the umask) holding ``content``."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with memoryview(content) as view:
            done = 0
            while done < len(view):
                done += os.write(descriptor, view[done:])
        os.fchmod(descriptor, 0o644)
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return (digest, info.st_ino, info.st_size, info.st_mtime_ns)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is; at no moment is there no site at ``out``."""
    if not out.exists():
        os.replace(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old site
        return
    # No atomic exchange here (not Linux, or the filesystem refuses): two renames,
    # with a moment between them when ``out`` is missing.
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    os.replace(out, retired)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(retired, out)  # put the old site back before reporting
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(error, os.strerror(error), str(second))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def remove_stale_staging(out: Path, older_than: float = 600) -> None:
    """Clear staging folders left by builds that were killed (they cannot clean up)."""
    now = time.time()
    for leftover in out.parent.glob(f".{out.name}.new-*"):
        with contextlib.suppress(OSError):
            if leftover.is_dir() and now - leftover.stat().st_mtime > older_than:
                shutil.rmtree(leftover)
