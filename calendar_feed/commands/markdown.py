"""``import-markdown`` and ``export-markdown``: moving between the old page and events.yaml."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ValidationError
from ..files import read_regular_file
from ..markdown.format import DEFAULT_END, DEFAULT_LOCATION, DEFAULT_START, DEFAULT_TIMEZONE
from .common import (
    FILE_ARGUMENT,
    OUT_OPTION,
    Limits,
    PageNotImported,
    limits,
    load_series_or_exit,
    schedule_summary,
    show_warnings,
    write_or_echo,
)

FROM_BLOCK = "default: from the page's calendar-feed comment block, else"


@click.command("import-markdown")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OUT_OPTION
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    help="Year of the first date (default: from the semester label, e.g. 2024秋).",
)
@click.option(
    "--id",
    "series_id",
    help=f"Series id used in event UIDs ({FROM_BLOCK} from the English title).",
)
@click.option("--timezone", help=f"IANA timezone ({FROM_BLOCK} {DEFAULT_TIMEZONE}).")
@click.option("--start", help=f"Usual start ({FROM_BLOCK} {DEFAULT_START}).")
@click.option("--end", help=f"Usual end ({FROM_BLOCK} {DEFAULT_END}).")
@click.option("--location", help=f"Usual room ({FROM_BLOCK} {DEFAULT_LOCATION}).")
def import_markdown(
    page: Path,
    out: Path | None,
    year: int | None,
    series_id: str | None,
    timezone: str | None,
    start: str | None,
    end: str | None,
    location: str | None,
) -> None:
    """Turn the seminar's Markdown PAGE into an events file.

    Every piece of text is kept: what cannot be placed goes into a session's
    note, with a warning naming its line. The result passes `validate`.
    """
    from ..markdown.importer import ImportOptions, import_page

    # Options not given stay empty: the page's comment block, then the defaults, fill them.
    options = ImportOptions(
        series_id or "", timezone or "", year, start or "", end or "", location or ""
    )
    try:
        imported = import_page(read_regular_file(page), str(page), options)
    except ValidationError as error:
        raise PageNotImported(error, page) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {page}: {exc.strerror or exc}") from None
    show_warnings(imported.warnings)
    write_or_echo(imported.text, out)
    if out is not None:
        click.echo(f"Wrote {out} from {page}: {schedule_summary(imported.loaded.schedule)}")


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
