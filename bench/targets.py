"""The targets of issue 15 (start-up, nothing to do, incremental, scale, serving) as a table."""

from __future__ import annotations

from results import Results, Sample, ServeSize

Row = tuple[str, str, bool | None]


def issue_15(r: Results) -> str:
    rows = [*_start_up(r), *_rebuilds(r), *_scale(r), *_serving(r)]
    lines = ["## Targets (issue 15)\n", "| target | measured | met |", "| --- | --- | --- |"]
    for name, measured, met in rows:
        verdict = "—" if met is None else ("**yes**" if met else "**no**")
        lines.append(f"| {name} | {measured} | {verdict} |")
    lines.append(
        "\n*Nothing to do* is `calendar-feed build` of the shipped file run again into the "
        "same folder (its stamp file matches: same input, history, code, templates, "
        "library versions, options and day); every *whole build* removes the stamp first, so "
        "it renders everything. The *history: again* column of the build table is such a "
        "rebuild with nothing to do. *One edit* rebuilds a copy of the largest site after "
        "one session's title changed."
    )
    return "\n".join(lines) + "\n"


def _start_up(r: Results) -> list[Row]:
    rows: list[Row] = []
    if r.imports and r.shipped_build:
        ratio = r.shipped_build.median / r.imports.median
        rows.append(
            (
                "Start-up: whole build of the shipped file ≤ 1.3× `python -c 'import icalendar, "
                "yaml, pytz, jinja2'`",
                f"{_s(r.shipped_build)} vs {_s(r.imports)} ({ratio:.2f}×)",
                ratio <= 1.3,
            )
        )
    peer = [
        (b.sessions, b.build.median / b.yaml2ics.median) for b in r.builds if b.build and b.yaml2ics
    ]
    if peer:
        rows.append(
            (
                "Start-up: faster than yaml2ics at every size (build time ÷ yaml2ics time)",
                ", ".join(f"{n:,}: {x:.2f}×" for n, x in peer),
                all(x < 1 for _, x in peer),
            )
        )
    return rows


def _rebuilds(r: Results) -> list[Row]:
    rows: list[Row] = []
    if r.nothing_to_do and r.imports:
        rows.append(
            (
                "Nothing to do: an unchanged rebuild is faster than the import floor",
                f"{_s(r.nothing_to_do)} vs {_s(r.imports)} "
                f"({r.nothing_to_do.median / r.imports.median:.2f}×)",
                r.nothing_to_do.median < r.imports.median,
            )
        )
    if r.one_edit:
        rows.append(
            (
                f"Incremental: after one edit of a {r.one_edit_sessions:,}-session file, "
                "the rebuild takes < 1 s",
                f"{_s(r.one_edit)} (no per-session cache: everything is rendered again)",
                r.one_edit.median < 1,
            )
        )
    return rows


def _scale(r: Results) -> list[Row]:
    big = next((b for b in r.builds if b.sessions == 10_000 and b.build), None)
    if big is None or big.build is None:
        return []
    return [
        ("Scale: 10,000 sessions, full build < 3 s", _s(big.build), big.build.median < 3),
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


def _s(sample: Sample) -> str:
    value = sample.median
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


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
