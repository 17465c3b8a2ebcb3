"""Read only regular files and replace files atomically: no hang, no half file, no link followed."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a directory, pipe, device or socket: reading it could hang or never end."""


def read_regular_file(path: str | Path, limit: int = 0) -> bytes:
    """The bytes of ``path`` (at most ``limit`` + 1 if ``limit`` > 0), only from a regular file.

    Opened non-blocking and checked with ``fstat`` before any read, so a FIFO, a
    directory or /dev/zero put in place of a file is refused at once instead of
    hanging the caller or filling its memory. Raises OSError (NotRegularFile, whose
    ``strerror`` says what the path is, for anything but a regular file).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise NotRegularFile(errno.EINVAL, f"is {kind}, not a regular file")
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read() if limit <= 0 else stream.read(limit + 1)
    finally:
        os.close(descriptor)


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 (newlines as given) with :func:`write_bytes_atomically`."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, then rename it over ``path`` in one step.

    Readers see the old file or the new one, never half of one; unchanged bytes are
    not rewritten. An existing file keeps its permissions; a new one is 0644
    (mkstemp's 0600 would hide it from a web server or a colleague).
    """
    target = Path(path)
    try:
        if read_regular_file(target) == data:
            return
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_inside(directory: Path, name: str, data: bytes) -> None:
    """Write ``directory/name`` without following any link below ``directory``.

    Each folder of ``name`` is opened relative to the one before with O_NOFOLLOW; a
    link found on the way is removed and replaced by a real folder, and the file is
    renamed over whatever ``name`` was, so a link is replaced itself and its target,
    wherever it points, is never touched. New folders are 0755 and the file 0644.
    """
    *folders, leaf = Path(name).parts
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    descriptor = os.open(directory, flags)
    try:
        for folder in folders:
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISLNK(os.stat(folder, dir_fd=descriptor, follow_symlinks=False).st_mode):
                    os.unlink(folder, dir_fd=descriptor)
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder, 0o755, dir_fd=descriptor)
            inner = os.open(folder, flags | os.O_NOFOLLOW, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        replace_in(descriptor, leaf, data, 0o644)
    finally:
        os.close(descriptor)


def replace_in(folder: int, name: str, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file in the open ``folder``, then rename it over ``name``:
    the name itself is replaced, whatever it was (a link too), never a link's target."""
    temporary = f".{name}.{os.urandom(8).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, mode, dir_fd=folder)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise
