"""Write the static site atomically: a failed build never touches the published one."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .stamp import Written, file_digest, record_written, written

MARKER = ".calendar-feed"
"""File left in every built site, so we never replace a directory we did not make."""


class BuildError(Exception):
    """The site could not be written; the previous output is still in place."""


def write_site(
    files: Iterable[tuple[str, bytes]], out_dir: str | Path, link: bool = False
) -> SiteFiles:
    """Write ``files`` (relative path, content) into a fresh directory beside ``out_dir``
    as they come, then swap it in, and stamp it with what was written (publish/stamp.py).

    With ``link``, a file whose bytes are unchanged and which is still as the last build
    of ``out_dir`` left it (by its stamp) is hard-linked from the current site instead
    of written again: after an edit of one session, nearly every file.
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
        earlier = written(out) if link else None
        digests, sizes = _write_files(files, staging, out, earlier)
        _write(staging / MARKER, _MARKER_TEXT)
        digests[MARKER] = file_digest(_MARKER_TEXT)
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    record_written(out, digests)
    return SiteFiles(out, sizes)


class SiteFiles(Mapping[str, bytes]):
    """The files a build wrote, read back from the site when asked for: a build reports
    on a few of them, and holding all of a large site's bytes would double its memory."""

    def __init__(self, out: Path, sizes: Mapping[str, int]) -> None:
        self._out = out
        self.sizes = dict(sizes)
        """Each file's size in bytes, by relative path."""

    def __getitem__(self, path: str) -> bytes:
        if path not in self.sizes:
            raise KeyError(path)
        return (self._out / path).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.sizes))

    def __len__(self) -> int:
        return len(self.sizes)


def file_sizes(files: Mapping[str, bytes]) -> Mapping[str, int]:
    """Each file's size, without reading back a site that was written (SiteFiles)."""
    return files.sizes if isinstance(files, SiteFiles) else {p: len(b) for p, b in files.items()}


_MARKER_TEXT = b"Built by calendar-feed; safe to replace.\n"


def _write_files(
    files: Iterable[tuple[str, bytes]], staging: Path, out: Path, earlier: Written | None
) -> tuple[dict[str, str], dict[str, int]]:
    """Each file written (or linked from ``out``); the digest and size of each one's bytes."""
    digests: dict[str, str] = {}
    sizes: dict[str, int] = {}
    folders = {""}
    new_root, old_root = f"{staging}{os.sep}", f"{out}{os.sep}"  # strings: 10,000 files
    for relative, content in files:
        folder = os.path.dirname(relative)
        if folder not in folders:
            os.makedirs(new_root + folder, exist_ok=True)
            os.chmod(new_root + folder, 0o755)  # whatever the umask
            folders.add(folder)
        digest = digests[relative] = file_digest(content)
        sizes[relative] = len(content)
        if earlier is not None and earlier.unchanged(old_root, relative, digest):
            with contextlib.suppress(OSError):
                os.link(old_root + relative, new_root + relative)
                continue
        _write(new_root + relative, content)
    return digests, sizes


def _write(target: str | Path, content: bytes) -> None:
    """A new 0644 file (whatever the umask) holding ``content``."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with memoryview(content) as view:
            done = 0
            while done < len(view):
                done += os.write(descriptor, view[done:])
        os.fchmod(descriptor, 0o644)
    finally:
        os.close(descriptor)


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
    """Clear staging folders and stamps left by builds that were killed (they cannot clean up)."""
    now = time.time()
    for leftover in out.parent.glob(f".{out.name}.new-*"):
        with contextlib.suppress(OSError):
            info = leftover.lstat()
            if now - info.st_mtime > older_than:
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
