"""How RESULTS.md writes times, rates and verdicts."""

from __future__ import annotations

import statistics

from load import Rate
from results import Sample


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def s(sample: Sample | None) -> str:
    """The median of a sample."""
    return "—" if sample is None else seconds(sample.median)


def sr(sample: Sample | None) -> str:
    """The median of a sample and its peak RSS."""
    return "—" if sample is None else f"{seconds(sample.median)} ({sample.rss:.0f} MB)"


def share(part: float, total: float) -> str:
    return f"{seconds(part)} ({part / total:.0%})"


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({max(values):.2f} s)" if values else "—"


def rps(rate: Rate) -> str:
    return f"{rate.requests_per_second:,.0f} req/s"


def yes(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def verdict(met: bool | None) -> str:
    return "—" if met is None else ("**yes**" if met else "**no**")
