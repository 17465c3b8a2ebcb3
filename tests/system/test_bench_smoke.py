"""The benchmark suite in its smoke form, so it cannot rot: every part once, at 10 sessions.

It checks that the harness works (schedules, builds, gunicorn, nginx, wrk, the
proxy config, edit-to-live, RESULTS.md), not how fast anything is. In CI
(``CI`` set) a missing wrk or nginx is a failure: .ci/run installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

SECTIONS = (
    "## Machine and versions",
    "## Targets (issue 6)",
    "## Targets (issue 15)",
    "## Build",
    "## What each feed contains (10 sessions)",
    "## Serving",
    "## Edit to live",
    "## Site (issue 14)",
)


def test_quick_benchmark_run_writes_every_section(tmp_path: Path):
    missing = [tool for tool in ("wrk", "nginx") if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not installed (apt-get install wrk nginx)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path / "RESULTS.md"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--sizes", "10"]
    result = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in text
    assert "## Errors" not in text
    for server in ("calendar-feed", "Flask floor", "nginx static", "proxy cache"):
        assert f"| {server} " in text or f" {server} |" in text
    assert "req/s" in text
    assert "| 10 sessions | atomic rename | 1 |" in text
    assert "| 10 sessions | in-place write | 1 |" in text
