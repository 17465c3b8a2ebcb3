"""What every part of a benchmark run shares: its options, temporary directory, results,
the environment of measured processes, and the commands it times."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from procs import BenchError, Timed, run_timed
from results import Results, Sample

from calendar_feed.publish.stamp import STAMP_FILE

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TODAY = "2024-09-20"
IMPORTS = "import icalendar, yaml, pytz, jinja2"


class Harness:
    """One run: ``args`` from the command line, ``tmp`` for its files, ``results`` to fill."""

    def __init__(self, args: argparse.Namespace, tmp: Path, results: Results):
        self.args = args
        self.tmp = tmp
        self.results = results
        self.env = child_env(tmp)
        tmp.chmod(0o755)  # nginx's workers (not root) read the sites and write the cache below
        self.files: dict[int, Path] = {}
        self.cache_flags = False
        """Whether ``calendar-feed build`` takes ``--cache DIR`` and ``--no-cache``."""

    def step(self, function: Callable[..., None], *args: object) -> None:
        """Run one part; a failure is recorded in the results and the run goes on."""
        try:
            function(self, *args)
        except BenchError as error:
            self.results.errors.append(f"{function.__name__}: {error}")

    def timed(self, command: Sequence[str], timeout: float = 600, **kwargs: object) -> Timed:
        return run_timed(command, env=self.env, timeout=timeout, **kwargs)  # type: ignore[arg-type]

    def runs_for(self, size: int) -> int:
        return min(self.args.runs, 3) if size >= 10_000 else self.args.runs

    def detect_cache_flags(self) -> None:
        """Until the build cache lands, builds run without its flags (and are cold anyway)."""
        help_text = self.timed([*CALENDAR_FEED, "build", "--help"]).stdout.decode()
        self.cache_flags = bool(re.search(r"--cache\b", help_text)) and "--no-cache" in help_text
        self.results.cache_flags = self.cache_flags

    def build(
        self,
        events: Path,
        out: Path,
        *,
        cache: Path | None = None,
        history: Path | None = None,
        today: str | None = TODAY,
    ) -> list[str]:
        """``calendar-feed build``: cold (``--no-cache``) unless given a ``cache`` folder."""
        command = [*CALENDAR_FEED, "build", str(events), "--out", str(out)]
        command += ["--history", str(history)] if history else ["--no-history"]
        if today:
            command += ["--today", today]
        if self.cache_flags:
            command += ["--cache", str(cache)] if cache else ["--no-cache"]
        return [*command, "--max-bytes", "0"]

    def default_cache(self) -> Path:
        """Where a build without ``--cache`` would keep its cache: inside the run's folder."""
        return Path(self.env["XDG_CACHE_HOME"]) / "calendar-feed"


CALENDAR_FEED = [sys.executable, "-m", "calendar_feed"]


def child_env(tmp: Path) -> dict[str, str]:
    """The environment of every measured process: bytecode cached, the repo importable,
    and any default cache in the run's folder, never the user's ~/.cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["XDG_CACHE_HOME"] = str(tmp / "xdg-cache")
    return env


def without_stamp(out: Path) -> None:
    """Remove the build stamp, so that the next build of ``out`` renders everything."""
    (out / STAMP_FILE).unlink(missing_ok=True)


def measure_command(phase: str, events: Path) -> list[str]:
    return [sys.executable, str(BENCH / "measure.py"), phase, str(events)]


def sample(timings: list[Timed]) -> Sample:
    if timings and timings[0].stdout.startswith(b"{"):  # measure.py: the phase's own time
        data = [json.loads(t.stdout) for t in timings]
        return Sample(tuple(d["seconds"] for d in data), tuple(d["peak_rss_mb"] for d in data))
    return Sample(tuple(t.seconds for t in timings), tuple(t.peak_rss_mb for t in timings))
