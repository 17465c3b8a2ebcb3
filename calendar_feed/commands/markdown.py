"""``export-markdown``: events.yaml as the seminar's Markdown page (``import`` reads it back)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    FILE_ARGUMENT,
    OUT_OPTION,
    Limits,
    limits,
    load_series_or_exit,
    schedule_summary,
    write_or_echo,
)


@click.command("export-markdown")
@FILE_ARGUMENT
@OUT_OPTION
@limits
def export_markdown(file: Path, out: Path | None, limits: Limits) -> None:
    """Render FILE (default ./events.yaml) as the seminar's Markdown page."""
    from ..markdown.exporter import render_markdown, unshown

    schedule = load_series_or_exit(file, limits).schedule
    for note in unshown(schedule):
        click.echo(f"{file}: warning: {note}", err=True)
    write_or_echo(render_markdown(schedule), out)
    if out is not None:
        click.echo(f"Wrote {out} from {file}: {schedule_summary(schedule)}")
