"""The department case (issue 14): many series over many years, built from one site file.

    python bench/department.py                 # 50 series x 10 years: 10,000 sessions
    python bench/department.py --series 3 --years 2

Each series has one events file per academic year (a term each), 20 sessions a
year; the build runs in a child process, which reports its own peak memory
(resource.getrusage), so the figures are the build's, not this script's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import schedules

SESSIONS_PER_YEAR = 20
FIRST_YEAR = 2015
HEADER = """\
calendar:
  id: s{index:02d}
  name: Seminar {index:02d}
  local_name: 讨论班 {index:02d}
  semester: {year}-{next_year}
  timezone: Asia/Shanghai
  tags: [{tag}]
defaults:
  start: "{start}"
  duration: 90
  location: 理科一号楼 {room}
sessions:
"""
TAGS = ("analysis", "algebra", "geometry", "probability", "numerics")
CHILD = """
import json, resource, sys, time, datetime as dt
start = time.perf_counter()
from calendar_feed.publish.build import build_site
result = build_site(sys.argv[1], sys.argv[2], history=False,
                    today=dt.date.fromisoformat(sys.argv[3]), max_bytes=0)
seconds = time.perf_counter() - start
files = result.files
feeds = {p: len(b) for p, b in files.items() if p.endswith(".ics") and "/events/" not in p}
pages = {p: len(b) for p, b in files.items() if p.endswith(".html")}
series_pages = {p: n for p, n in pages.items() if p.count("/") == 1}
print(json.dumps({
    "seconds": seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "files": len(files),
    "sessions": sum(len(g.schedule.sessions) for g in result.site.groups),
    "largest_feed": max(feeds.items(), key=lambda i: i[1]),
    "largest_page": max(pages.items(), key=lambda i: i[1]),
    "department_index": pages["index.html"],
    "largest_series_index": max(series_pages.items(), key=lambda i: i[1]),
    "department_feed": feeds["calendar.ics"],
    "warnings": len(result.warnings),
}))
"""


def write_department(directory: Path, series: int, years: int) -> tuple[Path, dt.date]:
    """The site file and its events files; returns it and a 'today' in the last term."""
    rng = random.Random(schedules.SEED)
    entries = []
    for index in range(series):
        for offset in range(years):
            year = FIRST_YEAR + offset
            path = directory / f"s{index:02d}" / f"{year}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = [
                HEADER.format(
                    index=index, year=year, next_year=year + 1, tag=TAGS[index % len(TAGS)],
                    start=schedules.SLOTS[index % len(schedules.SLOTS)], room=1000 + index,
                )
            ]  # fmt: skip
            first = dt.date(year, 9, 1) + dt.timedelta(days=index % 7)
            for week in range(SESSIONS_PER_YEAR):
                lines.append(f"  - date: {first + dt.timedelta(weeks=2 * week)}\n")
                lines.append(schedules._talk(rng) if rng.random() < 0.8 else "")
            path.write_text("".join(lines), encoding="utf-8")
            entries.append(f"  - {path.relative_to(directory)}\n")
    site = directory / "site.yaml"
    site.write_text(
        "site:\n  name: Site benchmark\n  base_url: https://example.edu/seminars/\n"
        "  feed_window: 180\nseries:\n" + "".join(entries),
        encoding="utf-8",
    )
    today = dt.date(FIRST_YEAR + years - 1, 12, 1)
    return site, today


def measure(
    directory: Path, series: int, years: int, env: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Build the department in a child process with ``env`` (default: this process's)."""
    site, today = write_department(directory, series, years)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(site), str(directory / "out"), today.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        env=None if env is None else dict(env),
    )
    figures = json.loads(done.stdout)
    figures["wall_seconds"] = time.perf_counter() - started
    figures["series"], figures["years"] = series, years
    return figures


def section(figures: dict[str, object]) -> str:
    """The Markdown section bench/run.py adds to RESULTS.md."""
    feed, feed_size = figures["largest_feed"]  # type: ignore[misc]
    page, page_size = figures["largest_page"]  # type: ignore[misc]
    index, index_size = figures["largest_series_index"]  # type: ignore[misc]
    rows = [
        ("Series × years", f"{figures['series']} × {figures['years']}"),
        ("Sessions", f"{figures['sessions']:,}"),
        ("Files written", f"{figures['files']:,}"),
        ("Full build (child process)", f"{figures['seconds']:.1f} s"),
        ("Peak memory (ru_maxrss)", f"{figures['peak_rss_mb']:.0f} MB"),
        ("Site calendar.ics (feed_window 180 days)", f"{figures['department_feed']:,} B"),
        ("Largest feed", f"{feed}: {feed_size:,} B"),
        ("Site index.html", f"{figures['department_index']:,} B"),
        ("Largest series index.html", f"{index}: {index_size:,} B"),
        ("Largest page", f"{page}: {page_size:,} B"),
        ("Size warnings (feeds over 900 KB)", str(figures["warnings"])),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        "\n## Site (issue 14)\n\n"
        "`calendar-feed build SITE.yaml` on a generated department (bench/department.py): "
        "one events file per series and year, 20 sessions each.\n\n"
        "| Measure | Value |\n|---|---|\n" + table + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="calendar-feed-department-") as tmp:
        figures = measure(Path(tmp), args.series, args.years)
    print(json.dumps(figures, indent=2))
    print(section(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
