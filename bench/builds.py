"""Build measurements: the phases and the whole build per size, the shipped file next to
the import floor, yaml2ics on the same schedules, and what each tool's feed contains."""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import incremental
import profiles
import schedules
from harness import IMPORTS, Harness, measure_command, sample, without_stamp
from procs import BenchError, Timed
from results import BuildSize, Contents


def warm_up(h: Harness) -> None:
    """Compile every module once, so no measurement pays for bytecode."""
    smallest = h.files[min(h.args.sizes)]
    h.timed(h.build(smallest, h.tmp / "warm-site"))
    for phase in ("load", "feed", "listing"):
        h.timed(measure_command(phase, smallest))
    h.timed([sys.executable, "-c", IMPORTS])
    if importlib.util.find_spec("yaml2ics"):
        y2i = h.tmp / "warm.yaml2ics.yaml"
        y2i.write_text(schedules.yaml2ics_text(smallest), "utf-8")
        h.timed([sys.executable, "-m", "yaml2ics", str(y2i)])


_PLAIN_TITLE = re.compile(rb"^(    title: )(Edited \d+, )?", re.MULTILINE)  # the shipped file's


def shipped_and_imports(h: Harness, shipped: Path) -> None:
    """The whole build of the shipped file next to Python importing its libraries; and,
    with the build cache, the rebuild after an organizer fixes one title in it."""
    imports: list[Timed] = []
    builds: list[Timed] = []
    again: list[Timed] = []
    edited_builds: list[Timed] = []
    out = h.tmp / "site-shipped"
    edited, edited_out, cache = h.tmp / "shipped-edited.yaml", h.tmp / "site-edited", h.tmp / "c"
    edited.write_bytes(shipped.read_bytes())
    h.timed(h.build(edited, edited_out, cache=cache))  # fills the cache
    for run in range(h.args.runs):
        imports.append(h.timed([sys.executable, "-c", IMPORTS]))
        without_stamp(out)
        builds.append(h.timed(h.build(shipped, out)))
        again.append(h.timed(h.build(shipped, out)))  # nothing changed
        if not again[-1].stdout.startswith(b"Nothing changed"):
            raise BenchError(f"a rebuild with nothing changed built: {again[-1].stdout!r}")
        data = edited.read_bytes()
        title = _PLAIN_TITLE.search(data)
        if title is None:
            raise BenchError(f"no title in {shipped}")
        edited.write_bytes(data[: title.end(1)] + b"Edited %d, " % run + data[title.end() :])
        edited_builds.append(h.timed(h.build(edited, edited_out, cache=cache)))
        if edited_builds[-1].stdout.startswith(b"Nothing changed"):
            raise BenchError("the shipped file's rebuild after an edit found nothing changed")
    h.results.imports = sample(imports)
    h.results.shipped_build = sample(builds)
    h.results.nothing_to_do = sample(again)
    h.results.shipped_edit = sample(edited_builds) if h.cache_flags else None
    h.results.shipped_sessions = len(list((out / "events").iterdir()))


def build_size(h: Harness, size: int) -> None:
    events = h.files[size]
    kinds = re.search(rb"OK, [\d,]+ sessions \((.*)\)", validate(h, events))
    result = BuildSize(size, events.stat().st_size, kinds.group(1).decode() if kinds else "")
    h.results.builds.append(result)
    out = h.tmp / f"site-{size}"
    phases: dict[str, list[Timed]] = {
        "load": [], "feed": [], "icalendar": [], "listing": [], "build": []
    }  # fmt: skip
    for _ in range(h.runs_for(size)):  # interleaved, so a busy moment hits all alike
        for phase in ("load", "feed", "icalendar", "listing"):
            phases[phase].append(h.timed(measure_command(phase, events)))
        without_stamp(out)  # each whole build renders everything (and --no-cache: no cache)
        phases["build"].append(h.timed(h.build(events, out)))
    for phase, timings in phases.items():
        setattr(result, phase, sample(timings))
    result.feed_bytes = (out / "calendar.ics").stat().st_size
    history = h.tmp / f"history-{size}.json"
    with_history = h.build(events, h.tmp / f"site-{size}-history", history=history)
    result.history_first = sample([h.timed(with_history)])
    result.history_again = sample([h.timed(with_history)])
    result.errors += cold_cache_problems(h)
    if size == max(h.args.sizes):
        if not h.args.quick:  # pyinstrument on a whole build (cold, like every row above)
            command = h.build(events, h.tmp / f"site-{size}-profiled")
            label = f"whole build, {size:,} sessions"
            h.results.profiles.append(profiles.profile(h, label, command, result.build))
        incremental.one_edit(h, events)
    peer(h, result, events)


def cold_cache_problems(h: Harness) -> list[str]:
    """Every build so far was cold (``--no-cache``): nothing may be in the default cache."""
    cache = h.default_cache()
    written = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    return [f"a --no-cache build wrote {len(written)} file(s) into {cache}"] if written else []


def validate(h: Harness, events: Path) -> bytes:
    command = [sys.executable, "-m", "calendar_feed", "validate", str(events)]
    return h.timed([*command, "--max-bytes", "0"]).stdout


def peer(h: Harness, result: BuildSize, events: Path) -> None:
    """yaml2ics on the same schedule, converted to its input format."""
    if importlib.util.find_spec("yaml2ics") is None:
        result.yaml2ics_error = "not installed (pip install -e '.[bench]')"
        return
    source = events.with_suffix(".yaml2ics.yaml")
    source.write_text(schedules.yaml2ics_text(events), "utf-8")
    timings = []
    try:
        for _ in range(h.runs_for(result.sessions)):
            timings.append(
                h.timed(
                    [sys.executable, "-m", "yaml2ics", str(source)],
                    stdout=events.with_suffix(".yaml2ics.ics"),
                )
            )
    except BenchError as error:
        result.yaml2ics_error = str(error)
        return
    result.yaml2ics = sample(timings)


def compare_contents(h: Harness, size: int) -> None:
    """What each tool's feed holds for the same schedule, and whether it is reproducible."""
    events = h.files[size]
    feed = h.tmp / f"site-{size}" / "calendar.ics"
    if not feed.exists():
        raise BenchError(f"no {feed} to compare: the build of {size:,} sessions failed")
    ours = feed.read_bytes()
    again = h.tmp / "site-again"
    h.timed(h.build(events, again))
    h.results.contents_sessions = size
    h.results.contents["calendar-feed"] = contents(ours, (again / "calendar.ics").read_bytes())
    peer_feed = events.with_suffix(".yaml2ics.ics")
    if peer_feed.exists():
        first = peer_feed.read_bytes()
        time.sleep(1.1)  # a DTSTAMP taken from the clock would now differ
        source = events.with_suffix(".yaml2ics.yaml")
        second = h.timed([sys.executable, "-m", "yaml2ics", str(source)])
        h.results.contents["yaml2ics"] = contents(first, second.stdout)


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
