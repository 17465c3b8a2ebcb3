"""Results -> bench/RESULTS.md: machine, build, where the time goes, contents, serving, edits
(the targets tables are targets.py's)."""

from __future__ import annotations

from collections.abc import Iterable

import fmt
import targets
from results import STREAK, BuildSize, Contents, Profile, Results, Sample, ServeSize

SERVERS = ("calendar-feed", "Flask floor", "nginx static", "proxy cache")
CASES = ("feed 200", "feed 304", "listing", "one session")
CASE_PATHS = {
    "feed 200": "`/calendar.ics`",
    "feed 304": "`/calendar.ics`, If-None-Match",
    "listing": "`/`",
    "one session": "`/events/<id>.ics`",
}


def render(r: Results) -> str:
    parts = [
        "# calendar-feed benchmark results\n",
        f"Made by `{r.command.strip()}` on {r.started} (finished {r.finished}). "
        "Regenerate with `python bench/run.py`; bench/README.md says what each figure means."
        + (" **Smoke form (--quick): one run each, not for comparisons.**" if r.quick else "")
        + " Other work on the machine moves rates and ratios by several per cent between "
        "runs, so a ratio within a few per cent of its target may land on either side.",
        "",
        _machine(r),
        targets.issue_6(r),
        targets.issue_15(r),
        _builds(r),
        _where_time_goes(r),
        _contents(r),
        _serving(r),
        _edits(r),
        _errors(r),
    ]
    return "\n".join(p for p in parts if p is not None).rstrip() + "\n"


# -- sections ---------------------------------------------------------------------


def _machine(r: Results) -> str:
    rows = [f"| {k} | {v} |" for k, v in r.machine.items()]
    rows.append(f"| load average (before, after) | {' → '.join(r.load_average)} |")
    rows += [f"| {k} | {v} |" for k, v in r.settings.items()]
    versions = ", ".join(f"{k} {v}" for k, v in r.versions.items())
    return "\n".join(
        [
            "## Machine and versions\n",
            "| | |",
            "| --- | --- |",
            *rows,
            "",
            f"Versions: {versions}.",
            "",
        ]
    )


def _builds(r: Results) -> str:
    lines = [
        "## Build\n",
        "Median wall time of fresh processes (peak RSS of that process in brackets). The "
        "phases count from after the imports; *whole build* is `calendar-feed build --no-history "
        "--today 2024-09-20 --max-bytes 0` from process start to exit (every file of the site "
        "written). *Per session* is whole build ÷ sessions; *marginal* is the extra time per "
        "extra session against the previous size. *History* builds are single runs with "
        "`--history`: starting it, then again with nothing changed. yaml2ics builds one .ics "
        "from the same schedule converted to its format (descriptions written by us). *Feed "
        "through icalendar* is the same feed with every component built and serialized by "
        "icalendar, the judge of the bytes render/ical_bytes.py writes directly.\n",
        "| sessions | file | load + validate | feed | feed through icalendar | listing "
        "| whole build | per session | marginal | history: first, again | yaml2ics "
        "| ours ÷ yaml2ics |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    previous: BuildSize | None = None
    for b in r.builds:
        per = f"{b.build.median / b.sessions * 1000:.2f} ms" if b.build else "—"
        marginal = "—"
        if previous and previous.build and b.build:
            extra = (b.build.median - previous.build.median) / (b.sessions - previous.sessions)
            marginal = f"{extra * 1000:.2f} ms"
        history = (
            f"{fmt.s(b.history_first)}, {fmt.s(b.history_again)}"
            if b.history_first and b.history_again
            else "—"
        )
        peer = fmt.sr(b.yaml2ics) if b.yaml2ics else ("error" if b.yaml2ics_error else "—")
        ratio = f"{b.build.median / b.yaml2ics.median:.2f}×" if _peer(b) else "—"
        lines.append(
            f"| {b.sessions:,} | {b.file_bytes / 1e6:.2f} MB | {fmt.sr(b.load)} | {fmt.sr(b.feed)} "
            f"| {fmt.sr(b.icalendar)} | {fmt.sr(b.listing)} | {fmt.sr(b.build)} | {per} "
            f"| {marginal} | {history} | {peer} | {ratio} |"
        )
        previous = b
    kinds = [f"{b.sessions:,}: {b.kinds}" for b in r.builds if b.kinds]
    feeds = [f"{b.sessions:,}: {b.feed_bytes / 1e6:.2f} MB" for b in r.builds if b.feed_bytes]
    runs = sorted({s.runs for b in r.builds for s in _samples(b)})
    lines += [
        "",
        f"Sessions: {'; '.join(kinds)}. calendar.ics: {'; '.join(feeds)}. "
        f"Runs per median: {', '.join(map(str, runs))}. Files above 5 MB exceed the default "
        "`--max-bytes`, so every command gets `--max-bytes 0`.",
    ]
    if r.imports and r.shipped_build:
        lines += [
            "",
            f"**Shipped events.yaml** ({r.shipped_sessions} sessions): whole build "
            f"{fmt.sr(r.shipped_build)}; `python -c '{_imports()}'` {fmt.sr(r.imports)}; "
            f"ratio {r.shipped_build.median / r.imports.median:.2f}, "
            f"{fmt.seconds(r.shipped_build.median - r.imports.median)} more than the imports "
            f"(median of {r.imports.runs} interleaved runs each).",
        ]
    errors = [f"{b.sessions:,}: {b.yaml2ics_error}" for b in r.builds if b.yaml2ics_error]
    if errors:
        lines += ["", "yaml2ics did not run: " + "; ".join(errors)]
    return "\n".join(lines) + "\n"


def _where_time_goes(r: Results) -> str | None:
    largest = r.builds[-1] if r.builds else None
    if not (largest and largest.build and largest.load and largest.feed and largest.listing):
        return None
    total = largest.build.median
    parts = (largest.load.median, largest.feed.median, largest.listing.median)
    lines = [
        "### Where the time goes\n",
        f"At {largest.sessions:,} sessions the whole build takes {fmt.seconds(total)}: load + "
        f"validate {fmt.share(parts[0], total)}, the feed {fmt.share(parts[1], total)}, the "
        f"listing {fmt.share(parts[2], total)} (each timed alone after the imports, as in the "
        f"table), and the rest {fmt.share(total - sum(parts), total)}: starting Python and "
        "importing, the other files of the site, and writing them.",
    ]
    if not r.profiles:
        lines += ["", "pyinstrument profiles are not taken in the smoke form (`--quick`)."]
    for profile in r.profiles:
        lines += ["", *_profile(profile)]
    return "\n".join(lines) + "\n"


def _profile(p: Profile) -> list[str]:
    if p.error:
        return [f"**{p.label[:1].upper()}{p.label[1:]}** under pyinstrument: error (see Errors)."]
    slower = (
        f" ({p.wall_seconds / p.unprofiled_seconds:.1f}× the {fmt.seconds(p.unprofiled_seconds)} "
        "it takes without the profiler, median above: sampling every millisecond slows a "
        "build down, roughly twofold)"
        if p.unprofiled_seconds
        else ""
    )
    lines = [
        f"**{p.label[:1].upper()}{p.label[1:]}**, one run under pyinstrument: "
        f"{fmt.seconds(p.wall_seconds)} from process start to exit{slower}. The "
        f"{len(p.entries)} functions with the most time of their own (*self*: in the function "
        "itself, not in the functions it calls), as a share of the "
        f"{fmt.seconds(p.profiled_seconds)} the profiler recorded (from before the first import "
        "to the end of the command), with the time including callees beside it:\n",
        "| function | file:line | self | % | with callees |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for e in p.entries:
        share = e.self_seconds / p.profiled_seconds if p.profiled_seconds else 0
        lines.append(
            f"| `{_cell(e.function)}` | `{_cell(e.location)}` | {fmt.seconds(e.self_seconds)} "
            f"| {share:.1%} | {fmt.seconds(e.total_seconds)} |"
        )
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def _contents(r: Results) -> str | None:
    if not r.contents:
        return None
    tools = list(r.contents)
    items: list[tuple[str, list[str]]] = [
        ("VEVENTs", [str(c.events) for c in r.contents.values()]),
        ("with DESCRIPTION", [str(c.descriptions) for c in r.contents.values()]),
        ("STATUS", [_statuses(c) for c in r.contents.values()]),
        ("VTIMEZONE (TZID)", [", ".join(c.timezones) or "none" for c in r.contents.values()]),
        ("calendar properties", [", ".join(c.calendar_properties) for c in r.contents.values()]),
        ("size", [f"{c.size:,} bytes" for c in r.contents.values()]),
        ("same bytes when run again", [fmt.yes(c.reproducible) for c in r.contents.values()]),
    ]
    lines = [
        f"## What each feed contains ({r.contents_sessions:,} sessions)\n",
        "| | " + " | ".join(tools) + " |",
        "| --- |" + " --- |" * len(tools),
    ]
    lines += [f"| {name} | " + " | ".join(values) + " |" for name, values in items]
    lines += [
        "",
        "calendar-feed also writes one .ics per session, the listing page, events.json and "
        "announcements.atom in the same build; its VTIMEZONE covers only the dates used and its "
        "DTSTAMP is fixed without a history, so the same file gives the same bytes. yaml2ics "
        "stamps each event with the build time, and its TZID is a path into the ics library "
        "rather than the IANA name.",
    ]
    return "\n".join(lines) + "\n"


def _serving(r: Results) -> str | None:
    if not r.serves:
        return None
    lines = [
        "## Serving\n",
        "Requests per second with p50 / p99 latency from `wrk --latency`; the same wrk "
        "settings for every server. *calendar-feed* is `calendar-feed serve --workers 2` "
        "(the production command: gunicorn's sync workers, history on, access log on standard "
        "output); *Flask floor* is bench/floor_app.py on the same gunicorn setup (access log "
        "on too) returning the same feed bytes and headers from memory; *nginx "
        "static* serves the output of `calendar-feed build`; *proxy cache* is "
        "deploy/nginx-proxy-cache.conf in front of our gunicorn. gunicorn's sync workers close "
        "every connection, nginx keeps them open.\n",
    ]
    for serve in r.serves:
        lines += [
            f"### {serve.sessions:,} sessions (calendar.ics {serve.feed_bytes / 1e6:.2f} MB, "
            f"server RSS {serve.server_rss_mb:.0f} MB for gunicorn and its workers)\n",
            "| case | " + " | ".join(SERVERS) + " | ours ÷ floor | ours ÷ nginx | proxy ÷ nginx |",
            "| --- |" + " ---: |" * (len(SERVERS) + 3),
        ]
        for case in CASES:
            cells = [_rate(serve, server, case) for server in SERVERS]
            ratios = [
                targets.ratio(serve, "calendar-feed", "Flask floor", case),
                targets.ratio(serve, "calendar-feed", "nginx static", case),
                targets.ratio(serve, "proxy cache", "nginx static", case),
            ]
            shown = [f"{x:.2f}×" if x else "—" for x in ratios]
            lines.append(f"| {CASE_PATHS[case]} | " + " | ".join(cells + shown) + " |")
        lines.append("")
        if serve.proxy:
            p = serve.proxy
            lifetime = f"{p.cache_lifetime} s" if p.cache_lifetime is not None else p.note
            lines += [
                f"Proxy and edits at {serve.sessions:,} sessions: before the edit the proxy "
                f"served /calendar.ics from its cache: {fmt.yes(p.hit_before_edit)}. After an edit "
                f"the server had the new feed {p.upstream_new_after_s:.2f} s later; the proxy "
                f"still served its copy: {fmt.yes(p.served_from_cache_after_edit)}. nginx keeps "
                f"that copy for {lifetime} (its cache entry), the feed's max-age is "
                f"{p.max_age} s: the edit reaches subscribers through the proxy at most one "
                "max-age after the copy was fetched, then nginx revalidates with the ETag.",
                "",
            ]
    return "\n".join(lines)


def _edits(r: Results) -> str | None:
    if not r.edits:
        return None
    lines = [
        "## Edit to live\n",
        "Time from the end of rewriting events.yaml (a new open slot appended) to the live "
        "server's reply with the new feed, polling /calendar.ics on 127.0.0.1 every 10 ms with "
        "If-None-Match. *First* is the first new reply; *every worker* is the start of "
        f"{STREAK} consecutive new replies (each worker notices the edit on its own). The "
        "server looks at the file once a second and reads it once it has been unchanged for "
        "0.5 s.\n",
        "| file | write | edits | first reply: median (max) | every worker: median (max) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for e in r.edits:
        if e.error and not e.first_seconds:
            lines.append(f"| {e.label} | {e.mode} | 0 | error | error |")
            continue
        lines.append(
            f"| {e.label} | {e.mode} | {len(e.first_seconds)} "
            f"| {fmt.spread(e.first_seconds)} | {fmt.spread(e.all_seconds)} |"
        )
    return "\n".join(lines) + "\n"


def _errors(r: Results) -> str | None:
    errors = r.all_errors()
    if not errors:
        return None
    lines = ["## Errors\n"]
    lines += [f"- {e.splitlines()[0]}" for e in errors]
    return "\n".join(lines) + "\n"


# -- formatting ---------------------------------------------------------------------


def _rate(serve: ServeSize, server: str, case: str) -> str:
    found = next((c for c in serve.cases if c.server == server and c.case == case), None)
    if found is None:
        return "—"
    if found.rate is None:
        return "error"
    rate = found.rate
    text = f"{fmt.rps(rate)} · {rate.p50_ms:.1f} / {rate.p99_ms:.1f} ms"
    return text + (f" · {rate.errors} errors" if rate.errors else "")


def _peer(b: BuildSize) -> bool:
    return b.build is not None and b.yaml2ics is not None


def _samples(b: BuildSize) -> Iterable[Sample]:
    return (s for s in (b.load, b.feed, b.listing, b.build) if s)


def _statuses(c: Contents) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(c.statuses.items())) or "none"


def _imports() -> str:
    return "import icalendar, yaml, pytz, jinja2"
