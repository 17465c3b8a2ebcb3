"""The targets tables: issue 6 (the first benchmark) and issue 15 (start-up, nothing to do,
incremental, scale, serving)."""

from __future__ import annotations

import fmt
from results import Results, Sample, ServeSize

Row = tuple[str, str, bool | None]


def issue_6(r: Results) -> str:
    rows: list[Row] = []
    serves = {s.sessions: s for s in r.serves}
    small, large = serves.get(10), serves.get(10_000)
    if small and large:
        a, b = small.rate("calendar-feed", "feed 304"), large.rate("calendar-feed", "feed 304")
        if a and b:
            ratio = b.requests_per_second / a.requests_per_second
            rows.append(
                (
                    "A cache hit never re-renders: 304 rate at 10,000 sessions within 10% of 10",
                    f"{fmt.rps(b)} vs {fmt.rps(a)} ({ratio:.2f}×)",
                    ratio >= 0.9,
                )
            )
    rows += serving_rows(
        r,
        "Live /calendar.ics {code} ≥ 0.9× the framework floor",
        "Behind deploy/nginx-proxy-cache.conf, /calendar.ics ≥ 0.8× nginx static",
    )
    checks = [s.proxy for s in r.serves if s.proxy]
    if checks:
        ok = all(c.cache_lifetime is not None and c.cache_lifetime <= c.max_age for c in checks)
        lifetimes = ", ".join(
            f"{c.cache_lifetime if c.cache_lifetime is not None else '?'} s" for c in checks
        )
        rows.append(
            (
                "…while an edit becomes visible within the feed's max-age",
                f"proxy keeps a copy {lifetimes}; max-age {checks[0].max_age} s (see below)",
                ok,
            )
        )
    rows += _against_imports(
        r,
        r.shipped_build,
        "Whole build of the shipped file ≤ 1.5× `python -c 'import icalendar, yaml, pytz, jinja2'`",
        1.5,
    )
    peer = _peer_row(r, "Faster than yaml2ics at every size (build time ÷ yaml2ics time)")
    if peer:
        rows.append(peer)
    else:
        errors = {b.yaml2ics_error for b in r.builds if b.yaml2ics_error}
        rows.append(("Faster than yaml2ics at every size", "not run: " + "; ".join(errors), None))
    big = next((b for b in r.builds if b.sessions == 10_000 and b.build), None)
    if big and big.build:
        rows.append(("10,000 sessions build in < 3 s", fmt.s(big.build), big.build.median < 3))
        rows.append(("…with peak memory < 300 MB", f"{big.build.rss:.0f} MB", big.build.rss < 300))
    shipped = [e for e in r.edits if e.label.startswith("shipped") and e.first_seconds]
    if shipped:
        worst = max(max(e.all_seconds) for e in shipped)
        rows.append(
            (
                "Edit-to-live < 2 s for the shipped file (every worker; worst of all edits)",
                f"{worst:.2f} s",
                worst < 2,
            )
        )
    return _table("## Targets (issue 6)", rows) + "\n"


def issue_15(r: Results) -> str:
    rows = [*_start_up(r), *_rebuilds(r), *_scale(r), *_serving(r)]
    lines = [_table("## Targets (issue 15)", rows)]
    lines.append(
        "\n*Nothing to do* is `calendar-feed build` of the shipped file run again into the "
        "same folder (its stamp file matches: same input, history, code, templates, "
        "library versions, options and day). Every *whole build* removes the stamp first and "
        "passes `--no-cache`, so it renders everything; the *history: again* column of the "
        "build table is a rebuild with nothing to do. *Incremental* is what an organizer "
        "does: a whole build of the largest file into a site folder with `--cache DIR` "
        "(filling the cache), then, in turn, one session's title edited in place in the same "
        "events file and `calendar-feed build` into the same folder with the same cache; "
        "then the same kind of edit rebuilt with `--no-cache`."
    )
    if not r.cache_flags:
        lines.append(
            "\nIn this run `calendar-feed build` had no `--cache`/`--no-cache` options yet: "
            "every build ran without them, and nothing was cached."
        )
    return "\n".join(lines) + "\n"


def _start_up(r: Results) -> list[Row]:
    floor = "`python -c 'import icalendar, yaml, pytz, jinja2'`"
    rows = _against_imports(
        r,
        r.shipped_build,
        f"Start-up: whole build of the shipped file ≤ 1.3× {floor} "
        "(first build: `--no-cache`, everything rendered)",
        1.3,
    )
    rows += _against_imports(
        r,
        r.shipped_edit,
        "Start-up: …the same build after one title of the shipped file is edited "
        "(the default build cache)",
        1.3,
    )
    peer = _peer_row(r, "Start-up: faster than yaml2ics at every size (build time ÷ yaml2ics time)")
    return [*rows, peer] if peer else rows


def _against_imports(r: Results, build: Sample | None, label: str, limit: float) -> list[Row]:
    """``label``'s row: ``build`` against importing the four libraries, met at ``limit``×."""
    if not (r.imports and build):
        return []
    ratio = build.median / r.imports.median
    return [(label, f"{fmt.s(build)} vs {fmt.s(r.imports)} ({ratio:.2f}×)", ratio <= limit)]


def _peer_row(r: Results, label: str) -> Row | None:
    """Our whole build against yaml2ics at each size (None if yaml2ics did not run)."""
    peer = [
        (b.sessions, b.build.median / b.yaml2ics.median) for b in r.builds if b.build and b.yaml2ics
    ]
    if not peer:
        return None
    return (label, ", ".join(f"{n:,}: {x:.2f}×" for n, x in peer), all(x < 1 for _, x in peer))


def _rebuilds(r: Results) -> list[Row]:
    rows: list[Row] = []
    if r.nothing_to_do and r.imports:
        rows.append(
            (
                "Nothing to do: an unchanged rebuild is faster than the import floor",
                f"{fmt.s(r.nothing_to_do)} vs {fmt.s(r.imports)} "
                f"({r.nothing_to_do.median / r.imports.median:.2f}×)",
                r.nothing_to_do.median < r.imports.median,
            )
        )
    if r.one_edit:
        if r.cache_flags:
            measured = f"{fmt.s(r.one_edit)} with `--cache` and `--no-history`; "
            measured += f"{fmt.s(r.one_edit_no_cache)} with `--no-cache`"
            if r.one_edit_history:
                measured += f"; {fmt.s(r.one_edit_history)} with `--cache` and the history"
        else:
            measured = f"{fmt.s(r.one_edit)} (`calendar-feed build` has no `--cache` yet: "
            measured += "everything is rendered again)"
        rows.append(
            (
                f"Incremental: after one edit of a {r.one_edit_sessions:,}-session file, "
                "the rebuild takes < 1 s",
                measured + f" (median of {r.one_edit.runs})",
                r.one_edit.median < 1,
            )
        )
    return rows


def _scale(r: Results) -> list[Row]:
    big = next((b for b in r.builds if b.sessions == 10_000 and b.build), None)
    if big is None or big.build is None:
        return []
    return [
        ("Scale: 10,000 sessions, full build < 3 s", fmt.s(big.build), big.build.median < 3),
        ("Scale: …with peak memory < 300 MB", f"{big.build.rss:.0f} MB", big.build.rss < 300),
    ]


def _serving(r: Results) -> list[Row]:
    rows: list[Row] = []
    headers = sorted({s.server_header for s in r.serves if s.server_header})
    if headers:
        rows.append(
            (
                "Serving rows measure `calendar-feed serve` (production server, not Werkzeug's)",
                "Server: " + ", ".join(headers),
                all("werkzeug" not in h.lower() for h in headers),
            )
        )
    rows += serving_rows(
        r,
        "Serving: /calendar.ics {code} ≥ 0.9× the Flask floor",
        "Serving: behind deploy/nginx-proxy-cache.conf ≥ 0.8× nginx static",
    )
    return rows


def _table(title: str, rows: list[Row]) -> str:
    lines = [f"{title}\n", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {name} | {measured} | {fmt.verdict(met)} |" for name, measured, met in rows]
    return "\n".join(lines)


def serving_rows(r: Results, floor_label: str, proxy_label: str) -> list[Row]:
    """The live feed against the Flask floor (200 and 304) and the proxy against nginx
    static, at every size served; ``floor_label`` takes the status code as ``{code}``."""
    rows: list[Row] = []
    for top, bottom, case, minimum in (
        ("calendar-feed", "Flask floor", "feed 200", 0.9),
        ("calendar-feed", "Flask floor", "feed 304", 0.9),
        ("proxy cache", "nginx static", "feed 200", 0.8),
    ):
        ratios = [ratio(s, top, bottom, case) for s in r.serves]
        shown = [f"{s.sessions:,}: {x:.2f}×" for s, x in zip(r.serves, ratios, strict=True) if x]
        if shown:
            label = floor_label.format(code=case[-3:]) if top == "calendar-feed" else proxy_label
            passed = all(x is not None and x >= minimum for x in ratios)
            rows.append((label, ", ".join(shown), passed))
    return rows


def ratio(serve: ServeSize, top: str, bottom: str, case: str) -> float | None:
    """Requests per second of ``top`` over ``bottom`` in one case; None if one is missing."""
    a, b = serve.rate(top, case), serve.rate(bottom, case)
    return a.requests_per_second / b.requests_per_second if a and b else None
