"""Benchmark calendar-feed from 10 to 10,000 sessions and write bench/RESULTS.md.

    python bench/run.py                      # the full run: several minutes
    python bench/run.py --quick --sizes 10   # the smoke form CI runs: a few seconds per part

Measures, each in fresh processes on this machine: loading, rendering and the
whole ``calendar-feed build`` per size (and yaml2ics on the same schedules);
the live server under gunicorn driven by wrk, next to nginx serving the built
site, a minimal Flask app (the framework floor) and deploy/nginx-proxy-cache.conf;
and the time from an edit of events.yaml to the new feed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import department
import load
import report
import schedules
import servers
from procs import BenchError, Timed, fetch, process_tree_rss_mb, run_timed
from results import (
    STREAK,
    BuildSize,
    Contents,
    EditToLive,
    ProxyCheck,
    Results,
    Sample,
    ServeCase,
    ServeSize,
)

from calendar_feed.publish.stamp import STAMP_FILE

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHIPPED = REPO / "events.yaml"
DEFAULT_SIZES = (10, 100, 1_000, 10_000)
TODAY = "2024-09-20"
IMPORTS = "import icalendar, yaml, pytz, jinja2"
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
        Bench(args, Path(tmp), results).run()
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="calendar-feed-bench-kept-"))
            shutil.copytree(tmp, kept, dirs_exist_ok=True, ignore=shutil.ignore_patterns("pycache"))
            print(f"Kept the run's files (schedules, sites, logs) in {kept}")
        # A department: 50 series x 10 years (smoke form: 2 x 1), built from one site file.
        size = (2, 1) if args.quick else (50, 10)
        site_figures = department.measure(Path(tmp) / "department", *size)
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


class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path, results: Results):
        self.args = args
        self.tmp = tmp
        self.results = results
        self.env = child_env(tmp)
        tmp.chmod(0o755)  # nginx's workers (not root) read the sites and write the cache below
        self.files: dict[int, Path] = {}

    # -- the whole run ---------------------------------------------------------

    def run(self) -> None:
        r = self.results
        r.started = now()
        r.load_average.append(load_average())
        r.machine = machine()
        r.versions = versions()
        r.settings = {
            "runs per build measurement": f"{self.args.runs} (median; fewer at 10,000 sessions)",
            "wrk": f"{load.THREADS} threads, {load.CONNECTIONS} connections, "
            f"{self.args.duration} s per case, --latency",
            "gunicorn": f"{servers.WORKERS} sync workers (the default class), as in production",
            "nginx": f"{servers.WORKERS} worker processes, sendfile, access log to a file",
            "bytecode": "compiled once before measuring (PYTHONPYCACHEPREFIX in the run's "
            "temporary directory), as after any pip install",
        }
        schedule_dir = self.tmp / "schedules"
        schedule_dir.mkdir()
        for size in self.args.sizes:
            self.files[size] = schedules.write_schedule(schedule_dir, size)
        shipped = schedule_dir / "events.yaml"
        shutil.copyfile(SHIPPED, shipped)
        self.step(self.warm_up)
        self.step(self.shipped_and_imports, shipped)
        for size in self.args.sizes:
            self.step(self.build_size, size)
        self.step(self.compare_contents, min(self.args.sizes))
        for size in sorted({min(self.args.sizes), max(self.args.sizes)}):
            self.step(self.serve_size, size)
        if not self.args.quick:
            edit_dir = self.tmp / "edit-shipped"
            edit_dir.mkdir()
            shutil.copyfile(SHIPPED, edit_dir / "events.yaml")
            self.step(self.edit_to_live, SHIPPED_LABEL, edit_dir / "events.yaml")
        r.load_average.append(load_average())
        r.finished = now()

    def step(self, function: Callable[..., None], *args: object) -> None:
        """Run one part; a failure is recorded in the results and the run goes on."""
        try:
            function(*args)
        except BenchError as error:
            self.results.errors.append(f"{function.__name__}: {error}")

    def timed(self, command: Sequence[str], timeout: float = 600, **kwargs: object) -> Timed:
        return run_timed(command, env=self.env, timeout=timeout, **kwargs)  # type: ignore[arg-type]

    def runs_for(self, size: int) -> int:
        return min(self.args.runs, 3) if size >= 10_000 else self.args.runs

    # -- builds ----------------------------------------------------------------

    def warm_up(self) -> None:
        """Compile every module once, so no measurement pays for bytecode."""
        smallest = self.files[min(self.args.sizes)]
        self.timed(build_command(smallest, self.tmp / "warm-site"))
        for phase in ("load", "feed", "listing"):
            self.timed(measure_command(phase, smallest))
        self.timed([sys.executable, "-c", IMPORTS])
        if importlib.util.find_spec("yaml2ics"):
            y2i = self.tmp / "warm.yaml2ics.yaml"
            y2i.write_text(schedules.yaml2ics_text(smallest), "utf-8")
            self.timed([sys.executable, "-m", "yaml2ics", str(y2i)])

    def shipped_and_imports(self, shipped: Path) -> None:
        """The whole build of the shipped file next to Python importing its libraries."""
        imports: list[Timed] = []
        builds: list[Timed] = []
        again: list[Timed] = []
        out = self.tmp / "site-shipped"
        for _ in range(self.args.runs):
            imports.append(self.timed([sys.executable, "-c", IMPORTS]))
            without_stamp(out)
            builds.append(self.timed(build_command(shipped, out)))
            again.append(self.timed(build_command(shipped, out)))  # nothing changed
            if not again[-1].stdout.startswith(b"Nothing changed"):
                raise BenchError(f"a rebuild with nothing changed built: {again[-1].stdout!r}")
        self.results.imports = sample(imports)
        self.results.shipped_build = sample(builds)
        self.results.nothing_to_do = sample(again)
        self.results.shipped_sessions = len(list((out / "events").iterdir()))

    def build_size(self, size: int) -> None:
        events = self.files[size]
        kinds = re.search(rb"OK, [\d,]+ sessions \((.*)\)", self.validate(events))
        result = BuildSize(size, events.stat().st_size, kinds.group(1).decode() if kinds else "")
        self.results.builds.append(result)
        out = self.tmp / f"site-{size}"
        phases: dict[str, list[Timed]] = {"load": [], "feed": [], "listing": [], "build": []}
        for _ in range(self.runs_for(size)):  # interleaved, so a busy moment hits all alike
            for phase in ("load", "feed", "listing"):
                phases[phase].append(self.timed(measure_command(phase, events)))
            without_stamp(out)  # each whole build renders everything
            phases["build"].append(self.timed(build_command(events, out)))
        for phase, timings in phases.items():
            setattr(result, phase, sample(timings))
        result.feed_bytes = (out / "calendar.ics").stat().st_size
        history = self.tmp / f"history-{size}.json"
        with_history = build_command(events, self.tmp / f"site-{size}-history", history=history)
        result.history_first = sample([self.timed(with_history)])
        result.history_again = sample([self.timed(with_history)])
        if size == max(self.args.sizes):
            self.one_edit(events, out)
        self.peer(result, events)

    def one_edit(self, events: Path, out: Path) -> None:
        """Rebuild ``out`` after changing one session's title, as an organizer's fix would."""
        edited = self.tmp / f"edited-{events.name}"
        data = events.read_bytes()
        title = re.search(rb'^\s+title: "', data, re.MULTILINE)  # schedules.py quotes titles
        if title is None:
            raise BenchError(f"no title in {events}")
        edited.write_bytes(data[: title.end()] + b"Edited: " + data[title.end() :])
        site = self.tmp / "site-edited"
        shutil.copytree(out, site)
        self.results.one_edit = sample([self.timed(build_command(edited, site))])
        self.results.one_edit_sessions = len(_DATE_LINE.findall(data))

    def validate(self, events: Path) -> bytes:
        command = [sys.executable, "-m", "calendar_feed", "validate", str(events)]
        return self.timed([*command, "--max-bytes", "0"]).stdout

    def peer(self, result: BuildSize, events: Path) -> None:
        """yaml2ics on the same schedule, converted to its input format."""
        if importlib.util.find_spec("yaml2ics") is None:
            result.yaml2ics_error = "not installed (pip install -e '.[bench]')"
            return
        source = events.with_suffix(".yaml2ics.yaml")
        source.write_text(schedules.yaml2ics_text(events), "utf-8")
        timings = []
        try:
            for _ in range(self.runs_for(result.sessions)):
                timings.append(
                    self.timed(
                        [sys.executable, "-m", "yaml2ics", str(source)],
                        stdout=events.with_suffix(".yaml2ics.ics"),
                    )
                )
        except BenchError as error:
            result.yaml2ics_error = str(error)
            return
        result.yaml2ics = sample(timings)

    def compare_contents(self, size: int) -> None:
        """What each tool's feed holds for the same schedule, and whether it is reproducible."""
        events = self.files[size]
        ours = (self.tmp / f"site-{size}" / "calendar.ics").read_bytes()
        again = self.tmp / "site-again"
        self.timed(build_command(events, again))
        self.results.contents_sessions = size
        self.results.contents["calendar-feed"] = contents(
            ours, (again / "calendar.ics").read_bytes()
        )
        peer = events.with_suffix(".yaml2ics.ics")
        if peer.exists():
            first = peer.read_bytes()
            time.sleep(1.1)  # a DTSTAMP taken from the clock would now differ
            source = events.with_suffix(".yaml2ics.yaml")
            second = self.timed([sys.executable, "-m", "yaml2ics", str(source)])
            self.results.contents["yaml2ics"] = contents(first, second.stdout)

    # -- serving ---------------------------------------------------------------

    def serve_size(self, size: int) -> None:
        result = ServeSize(size)
        self.results.serves.append(result)
        work = self.tmp / f"serve-{size}"
        work.mkdir()
        events = work / "events.yaml"
        shutil.copyfile(self.files[size], events)
        site = work / "site"
        self.timed(build_command(events, site, history=None, today=None))
        session = "/events/" + sorted(p.name for p in (site / "events").iterdir())[0]
        cases = {
            "feed 200": ("/calendar.ics", 200),
            "feed 304": ("/calendar.ics", 304),
            "listing": ("/", 200),
            "one session": (session, 200),
        }
        boot = 300 if size >= 10_000 else 60
        with servers.calendar_feed_serve(events, env=self.env, workdir=work, timeout=boot) as (
            port,
            process,
        ):
            feed = fetch(port, "/calendar.ics")
            result.feed_bytes, result.server_header = len(feed.body), feed.header("Server")
            self.load_cases(result, "calendar-feed", port, cases)
            result.server_rss_mb = process_tree_rss_mb(process.pid)
            floor_env = {**self.env, **servers.save_floor_response(port, "/calendar.ics", work)}
            with servers.gunicorn(
                "floor_app:create_app()",
                env=floor_env,
                workdir=work,
                name="floor",
                timeout=60,
                pythonpath=BENCH,
            ) as (floor_port, _):
                floor_cases = {k: v for k, v in cases.items() if k.startswith("feed")}
                self.load_cases(result, "Flask floor", floor_port, floor_cases)
            static = servers.static_server_block(site, work / "static-access.log")
            with servers.nginx(static, workdir=work, name="nginx-static") as nginx_port:
                self.load_cases(result, "nginx static", nginx_port, cases)
            cache = work / "proxy-cache"
            proxied = servers.proxy_server_block(port, cache, work / "proxy-access.log")
            with servers.nginx(proxied, workdir=work, name="nginx-proxy") as proxy_port:
                self.load_cases(result, "proxy cache", proxy_port, cases)
                result.proxy = self.check_proxy(proxy_port, port, cache, events)
            self.edit_to_live(f"{size:,} sessions", events, port)

    def load_cases(
        self, result: ServeSize, server: str, port: int, cases: dict[str, tuple[str, int]]
    ) -> None:
        for case, (path, expected) in cases.items():
            outcome = ServeCase(server, case)
            result.cases.append(outcome)
            try:
                first = fetch(port, path)  # also fills a cache in front, if there is one
                headers = {}
                if expected == 304:
                    headers["If-None-Match"] = first.header("ETag")
                check = fetch(port, path, headers)
                if check.status != expected or (expected == 200 and not check.body):
                    raise BenchError(f"GET {path} gave {check.status}, expected {expected}")
                if not self.args.quick:  # steady state: caches filled, workers warm
                    load.run_wrk(port, path, 1, headers)
                outcome.rate = load.run_wrk(port, path, self.args.duration, headers)
            except BenchError as error:
                outcome.error = str(error)

    def check_proxy(self, proxy: int, upstream: int, cache: Path, events: Path) -> ProxyCheck:
        """An edit reaches the server at once; the proxy serves its copy until max-age ends."""
        check = ProxyCheck()
        fetch(proxy, "/calendar.ics")
        before = fetch(proxy, "/calendar.ics")
        check.hit_before_edit = before.header("X-Cache-Status") == "HIT"
        control = before.header("Cache-Control")
        found = re.search(r"max-age=(\d+)", control)
        check.max_age = int(found.group(1)) if found else 0
        marker, started = append_session(events, atomic=True)
        self.wait_new(upstream, before.header("ETag"), marker, started, 120)
        check.upstream_new_after_s = time.perf_counter() - started
        after = fetch(proxy, "/calendar.ics")
        check.served_from_cache_after_edit = (
            after.header("ETag") == before.header("ETag")
            and after.header("X-Cache-Status") == "HIT"
        )
        lifetimes = cache_lifetimes(cache, "/calendar.ics")
        if lifetimes:
            check.cache_lifetime = max(lifetimes)
        else:
            check.note = "could not read nginx's cache entry for /calendar.ics"
        return check

    # -- edit to live ------------------------------------------------------------

    def edit_to_live(self, label: str, events: Path, port: int | None = None) -> None:
        """Time from rewriting events.yaml to the server sending the new feed."""
        if port is None:
            with servers.calendar_feed_serve(
                events, env=self.env, workdir=events.parent, timeout=60
            ) as (shipped_port, _):
                self.edit_to_live(label, events, shipped_port)
            return
        sessions = len(re.findall(rb"^\s*- date: ", events.read_bytes(), re.MULTILINE))
        timeout = 300 if sessions >= 10_000 else 30
        for atomic in (True, False):
            mode = "atomic rename" if atomic else "in-place write"
            outcome = EditToLive(label, sessions, mode)
            self.results.edits.append(outcome)
            try:
                for _ in range(self.args.edits):
                    etag = fetch(port, "/calendar.ics").header("ETag")
                    marker, started = append_session(events, atomic=atomic)
                    first, every = self.wait_new(port, etag, marker, started, timeout)
                    outcome.first_seconds.append(first)
                    outcome.all_seconds.append(every)
            except BenchError as error:
                outcome.error = str(error)

    def wait_new(
        self, port: int, old_etag: str, marker: bytes, started: float, timeout: float
    ) -> tuple[float, float]:
        """Poll until the feed has ``marker``: when it first did, and when every reply did.

        Each worker notices the edit on its own; the second time is the start of
        the first run of STREAK consecutive replies with the new feed.
        """
        etag, first, streak, streak_start = old_etag, None, 0, 0.0
        deadline = started + timeout
        while time.perf_counter() < deadline:
            reply = fetch(port, "/calendar.ics", {"If-None-Match": etag})
            moment = time.perf_counter()
            if reply.status == 200 and marker in reply.body:
                fresh = True
                if first is None:
                    first, etag = moment - started, reply.header("ETag")
            elif reply.status in (200, 304):
                fresh = reply.status == 304 and first is not None
            else:
                raise BenchError(f"GET /calendar.ics gave {reply.status} while waiting for an edit")
            if fresh:
                streak, streak_start = streak + 1, streak_start if streak else moment
                if streak >= STREAK and first is not None:
                    return first, streak_start - started
            else:
                streak = 0
            time.sleep(0.01)
        raise BenchError(f"the edit did not show within {timeout:.0f} s")


# -- helpers --------------------------------------------------------------------


def child_env(tmp: Path) -> dict[str, str]:
    """The environment of every measured process: bytecode cached, the repo importable."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def build_command(
    events: Path, out: Path, history: Path | None = None, today: str | None = TODAY
) -> list[str]:
    command = [sys.executable, "-m", "calendar_feed", "build", str(events), "--out", str(out)]
    command += ["--history", str(history)] if history else ["--no-history"]
    if today:
        command += ["--today", today]
    return [*command, "--max-bytes", "0"]


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


_DATE_LINE = re.compile(rb"^\s*- date: (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def append_session(events: Path, *, atomic: bool) -> tuple[bytes, float]:
    """Add an open slot a week after the last date, as an organizer would; when it landed.

    Atomic: write a new file and rename it over the old one (what most editors
    and deploy tools do). In place: truncate and rewrite the same file.
    """
    data = events.read_bytes()
    last = max(dt.date.fromisoformat(d.decode()) for d in _DATE_LINE.findall(data))
    new = last + dt.timedelta(weeks=1)
    updated = data.rstrip(b"\n") + f"\n  - date: {new.isoformat()}\n".encode()
    if atomic:
        temporary = events.with_name(events.name + ".new")
        temporary.write_bytes(updated)
        os.replace(temporary, events)
    else:
        with events.open("wb") as stream:
            stream.write(updated)
    return f"-{new.isoformat()}@calendar-feed".encode(), time.perf_counter()


def contents(data: bytes, again: bytes) -> Contents:
    """Unfolded content lines of an .ics, counted by what subscribers care about."""
    lines = data.replace(b"\r\n ", b"").replace(b"\n ", b"").decode("utf-8").splitlines()
    found = Contents(size=len(data), reproducible=data == again)
    depth: list[str] = []
    timezones = []
    properties = []
    for line in lines:
        name, _, value = line.partition(":")
        key = name.split(";")[0].upper()
        if key == "BEGIN":
            depth.append(value)
            found.events += value == "VEVENT"
        elif key == "END":
            depth.pop()
        elif depth == ["VCALENDAR"]:
            properties.append(key)
        elif depth[-1:] == ["VTIMEZONE"] and key == "TZID":
            timezones.append(value)
        elif depth[-1:] == ["VEVENT"]:
            found.descriptions += key == "DESCRIPTION"
            found.dtstamps += key == "DTSTAMP"
            if key == "STATUS":
                found.statuses[value] += 1
    found.timezones = tuple(timezones)
    found.calendar_properties = tuple(dict.fromkeys(properties))
    return found


def cache_lifetimes(cache: Path, uri: str) -> list[int]:
    """Seconds nginx keeps each cached copy of ``uri``, read from its cache files' headers.

    An nginx cache file starts with a binary header (version, valid_sec,
    updating_sec, error_sec, last_modified, date, ...) followed by "KEY: ...".
    valid_sec - date is how long the copy is served before it is revalidated.
    """
    lifetimes = []
    for path in cache.rglob("*"):
        if not path.is_file():
            continue
        head = path.read_bytes()[:2048]
        key = re.search(rb"\nKEY: ([^\n]*)\n", head)
        if not key or not key.group(1).endswith(uri.encode()):
            continue
        version, valid_sec, _, _, _, date = struct.unpack_from("<Qqqqqq", head)
        if version == 5 and valid_sec > date > 0:
            lifetimes.append(valid_sec - date)
    return lifetimes


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
    }


def versions() -> dict[str, str]:
    found = {"Python": platform.python_version()}
    for name in (
        "calendar-feed", "icalendar", "PyYAML", "Jinja2", "pytz", "Flask", "Werkzeug",
        "gunicorn", "yaml2ics", "ics",
    ):  # fmt: skip
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["nginx"] = servers.nginx_version()
    found["wrk"] = load.wrk_version()
    return found


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    sys.exit(main())
