"""Processes for the benchmark: timed one-shot commands and servers that always stop.

Every process is started in its own session (process group) and stopped by the
code that started it, also when a measurement fails: one-shot commands are
killed after a timeout, servers are stopped by a context manager (SIGTERM, then
SIGKILL to the whole group).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """A measurement could not be made; the message says which and why."""


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak_rss_mb: float
    stdout: bytes


# Started with `python -S` between the suite and each measured command. Linux counts
# the memory of the process that exec()s a program in that program's peak RSS, so a
# command started straight from the suite (itself 60-200 MB) would report at least
# the suite's size; this small process starts it instead, times it and reports its
# peak RSS (RUSAGE_CHILDREN: the one child it waited for) as JSON in argv[1].
_LAUNCHER = """
import json, resource, subprocess, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
code = subprocess.call(command)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(report, "w") as stream:
    json.dump({"seconds": seconds, "peak_kb": peak, "code": code}, stream)
sys.exit(0 if code == 0 else 1)
"""


def run_timed(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    timeout: float,
    cwd: Path | None = None,
    stdout: Path | None = None,
) -> Timed:
    """Run ``command`` in a fresh process; wall time from start to exit and its peak RSS.

    A watchdog kills the process group (launcher and command) after ``timeout`` seconds.
    """
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(
            stdout.open("wb") if stdout else tempfile.TemporaryFile()  # noqa: SIM115
        )
        err = stack.enter_context(tempfile.TemporaryFile())
        report = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "report.json"
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(report)]
        process = subprocess.Popen(
            [*launcher, *command],
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        watchdog = threading.Timer(timeout, _kill_group, (process.pid,))
        watchdog.start()
        try:
            process.wait()
        finally:
            watchdog.cancel()
        result = json.loads(report.read_text()) if report.exists() else {"code": -9}
        if process.returncode != 0 or result["code"] != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip()[-2000:]
            raise BenchError(
                f"{' '.join(command)} exited with {result['code']}"
                + (" (killed after the timeout)" if process.returncode < 0 else "")
                + (f":\n{message}" if message else "")
            )
        output = b""
        if stdout is None:
            out.seek(0)
            output = out.read()
    return Timed(result["seconds"], result["peak_kb"] / 1024, output)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@contextlib.contextmanager
def service(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    log: Path,
    ready: Callable[[], bool],
    timeout: float,
    cwd: Path | None = None,
    stop_signal: int = signal.SIGTERM,
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process for the duration of the ``with`` block, stopped however it ends.

    Waits until ``ready()`` is true (bounded by ``timeout``), failing with the
    end of the server's log if it exits or never gets ready.
    """
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if process.poll() is not None:
                raise BenchError(f"{command[0]} exited with {process.returncode}:\n{tail(log)}")
            if time.monotonic() > deadline:
                raise BenchError(f"{command[0]} not ready after {timeout:.0f} s:\n{tail(log)}")
            time.sleep(0.05)
        yield process
    finally:
        stop(process, stop_signal)


def stop(process: subprocess.Popen[bytes], stop_signal: int = signal.SIGTERM) -> None:
    """Ask the process to stop, then kill its whole group if it has not within 15 s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(stop_signal)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    _kill_group(process.pid)  # workers left behind by a master that died, if any
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def free_port() -> int:
    """A port nobody listens on right now; the kernel picks it."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            return probe.connect_ex((HOST, port)) == 0

    return check


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")


def fetch(port: int, path: str, headers: Mapping[str, str] | None = None) -> Reply:
    """One GET to 127.0.0.1 (never through a proxy from the environment)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        return Reply(response.status, dict(response.getheaders()), response.read())
    except (OSError, http.client.HTTPException) as error:
        raise BenchError(f"GET http://{HOST}:{port}{path}: {error!r}") from None
    finally:
        connection.close()


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (e.g. gunicorn and its workers)."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(child) for child in text)
    return [grandchild for child in found for grandchild in (child, *_children(child))]
