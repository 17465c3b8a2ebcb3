"""Write the static site atomically: a failed build never touches the published one."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

MARKER = ".calendar-feed"
"""File left in every built site, so we never replace a directory we did not make."""


class BuildError(Exception):
    """The site could not be written; the previous output is still in place."""


def write_site(files: Mapping[str, bytes], out_dir: str | Path) -> Path:
    """Write ``files`` into a fresh directory beside ``out_dir``, then swap it in."""
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
        for relative, content in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        (staging / MARKER).write_text("Built by calendar-feed; safe to replace.\n")
        _publish_permissions(staging)
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _publish_permissions(root: Path) -> None:
    """mkdtemp makes a private 0700 directory; a web server needs to read the site."""
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


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
