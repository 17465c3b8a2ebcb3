"""Benchmark calendar-feed from 10 to 10,000 sessions and write bench/RESULTS.md.

    python bench/run.py                      # the full run: several minutes
    python bench/run.py --quick --sizes 10   # the smoke form CI runs: a few seconds per part

Measures, each in fresh processes on this machine: loading, rendering and the
whole ``calendar-feed build`` per size (and yaml2ics on the same schedules), the
rebuild after one edit with and without the build cache, and where the time goes
(pyinstrument); the live server under gunicorn driven by wrk, next to nginx serving
the built site, a minimal Flask app (the framework floor) and
deploy/nginx-proxy-cache.conf; and the time from an edit of events.yaml to the new
feed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import builds
import department
import load
import machine
import report
import schedules
import servers
import serving
from harness import BENCH, REPO, Harness
from live import edit_to_live
from results import Results

SHIPPED = REPO / "events.yaml"
DEFAULT_SIZES = (10, 100, 1_000, 10_000)
SHIPPED_LABEL = "shipped events.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_tools(args)
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 2
    results = Results(
        command="python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        quick=args.quick,
    )
    with tempfile.TemporaryDirectory(prefix="calendar-feed-bench-") as tmp:
        harness = Harness(args, Path(tmp), results)
        run_all(harness)
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="calendar-feed-bench-kept-"))
            shutil.copytree(tmp, kept, dirs_exist_ok=True, ignore=shutil.ignore_patterns("pycache"))
            print(f"Kept the run's files (schedules, sites, logs) in {kept}")
        # A department: 50 series x 10 years (smoke form: 2 x 1), built from one site file.
        size = (2, 1) if args.quick else (50, 10)
        site_figures = department.measure(Path(tmp) / "department", *size, env=harness.env)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.render(results) + department.section(site_figures), "utf-8")
    errors = results.all_errors()
    print(f"Wrote {args.out}" + (f" with {len(errors)} error(s):" if errors else ""))
    for error in errors:
        print(f"  {error.splitlines()[0]}", file=sys.stderr)
    return 1 if errors else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke form: one run per measurement, 1 s per load case, one edit per mode",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        default=DEFAULT_SIZES,
        help="comma-separated session counts (default: 10,100,1000,10000); the server is "
        "measured at the smallest and the largest",
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the results"
    )
    parser.add_argument("--runs", type=int, help="fresh-process runs per build measurement")
    parser.add_argument("--duration", type=int, help="seconds of wrk per load case")
    parser.add_argument(
        "--skip-peer",
        action="store_true",
        help="run without yaml2ics (RESULTS.md then says it was not run)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep a copy of the run's files and server logs"
    )
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 5)
    args.duration = args.duration or (1 if args.quick else 5)
    args.edits = 1 if args.quick else 3
    return args


def missing_tools(args: argparse.Namespace) -> list[str]:
    """What the run needs and this machine lacks, with how to get it."""
    problems = []
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            problems.append(f"{tool} not found: apt-get install wrk nginx (Debian packages)")
    for module in ("gunicorn", "flask", "icalendar"):
        if importlib.util.find_spec(module) is None:
            problems.append(f"{module} not importable: pip install -e '.[bench]'")
    if not (args.quick or args.skip_peer) and importlib.util.find_spec("yaml2ics") is None:
        problems.append(
            "yaml2ics not installed (the full run compares with it): pip install -e '.[bench]' "
            "(or pass --skip-peer to record that it was not run)"
        )
    return problems


def run_all(h: Harness) -> None:
    """Every part in order; a part that fails is recorded and the next one runs."""
    r = h.results
    r.started = machine.now()
    r.load_average.append(machine.load_average())
    r.machine = machine.machine()
    r.versions = machine.versions()
    r.settings = {
        "runs per build measurement": f"{h.args.runs} (median; fewer at 10,000 sessions)",
        "wrk": f"{load.THREADS} threads, {load.CONNECTIONS} connections, "
        f"{h.args.duration} s per case, --latency",
        "gunicorn": f"{servers.WORKERS} sync workers (the default class), as in production",
        "nginx": f"{servers.WORKERS} worker processes, sendfile, access log to a file",
        "bytecode": "compiled once before measuring (PYTHONPYCACHEPREFIX in the run's "
        "temporary directory), as after any pip install",
    }
    schedule_dir = h.tmp / "schedules"
    schedule_dir.mkdir()
    for size in h.args.sizes:
        h.files[size] = schedules.write_schedule(schedule_dir, size)
    shipped = schedule_dir / "events.yaml"
    shutil.copyfile(SHIPPED, shipped)
    h.detect_cache_flags()
    h.step(builds.warm_up)
    h.step(builds.shipped_and_imports, shipped)
    for size in h.args.sizes:
        h.step(builds.build_size, size)
    h.step(builds.compare_contents, min(h.args.sizes))
    for size in sorted({min(h.args.sizes), max(h.args.sizes)}):
        h.step(serving.serve_size, size)
    if not h.args.quick:
        edit_dir = h.tmp / "edit-shipped"
        edit_dir.mkdir()
        shutil.copyfile(SHIPPED, edit_dir / "events.yaml")
        h.step(edit_to_live, SHIPPED_LABEL, edit_dir / "events.yaml")
    r.load_average.append(machine.load_average())
    r.finished = machine.now()


if __name__ == "__main__":
    sys.exit(main())
