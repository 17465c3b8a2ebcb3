"""Drive a server with wrk for a fixed time and read its report.

Every server in a run is measured with the same wrk settings, so the rates are
comparable with each other; wrk shares the machine's cores with the server.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from procs import HOST, BenchError

THREADS = 2
CONNECTIONS = 8

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


@dataclass(frozen=True)
class Rate:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    bytes_per_request: float
    errors: int
    """Non-2xx/3xx responses plus socket errors other than the server closing connections."""


def wrk_version() -> str:
    """wrk prints its version with its usage and exits with 1."""
    if not shutil.which("wrk"):
        return "not installed"
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    first = (result.stdout or result.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "unknown"


def run_wrk(port: int, path: str, seconds: int, headers: Mapping[str, str] | None = None) -> Rate:
    """``wrk --latency`` against http://127.0.0.1:port/path for ``seconds`` seconds."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk did not finish: {' '.join(command)}") from None
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def parse_wrk(text: str) -> Rate:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read", text)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(\w+)", text, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(\w+)", text, re.MULTILINE)
    if not (rate and total and p50 and p99):
        raise BenchError(f"cannot read wrk's report:\n{text}")
    requests = int(total.group(1))
    read = float(total.group(4)) * _BYTES[total.group(5)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    # A server that closes each connection after its response (gunicorn's sync
    # workers) shows up as read errors; connect, write and timeout errors are real.
    errors = (int(bad.group(1)) if bad else 0) + (
        int(sockets.group(1)) + int(sockets.group(3)) + int(sockets.group(4)) if sockets else 0
    )
    return Rate(
        requests_per_second=float(rate.group(1)),
        p50_ms=float(p50.group(1)) * _UNITS[p50.group(2)],
        p99_ms=float(p99.group(1)) * _UNITS[p99.group(2)],
        requests=requests,
        bytes_per_request=read / requests if requests else 0.0,
        errors=errors,
    )
