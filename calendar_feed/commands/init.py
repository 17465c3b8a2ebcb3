"""``calendar-feed init``: the thin CLI entry of organize.init_project."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..organize.init_project import existing, project_files, series_id_for, write_project


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option(
    "--id", "series_id", help="Series id for events.yaml (default: from DIRECTORY's name)."
)
@click.option(
    "--package",
    default="calendar-feed",
    show_default=True,
    help="What the workflow installs with pip (a release or a git+https:// URL).",
)
def init(directory: Path, force: bool, series_id: str | None, package: str) -> None:
    """Start a seminar in DIRECTORY: events.yaml, pre-commit hooks, a GitHub Pages workflow."""
    files = project_files(
        series_id=series_id or series_id_for(directory), today=dt.date.today(), package=package
    )
    clash = existing(directory, list(files))
    if clash and not force:
        for path in clash:
            click.echo(f"{path}: already exists", err=True)
        raise click.ClickException(
            f"{len(clash)} file{'s' if len(clash) != 1 else ''} would be replaced; "
            "nothing written (--force replaces them)"
        )
    try:
        written = write_project(directory, files)
    except OSError as exc:
        raise click.ClickException(f"cannot write in {directory}: {exc.strerror or exc}") from None
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        "Next: edit events.yaml, `calendar-feed validate`, then push to GitHub "
        "(Settings → Pages → Source: GitHub Actions)."
    )
