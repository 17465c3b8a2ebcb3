"""``import`` (alias ``import-markdown``): a schedule a seminar already keeps -> events.yaml."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ValidationError
from ..files import read_regular_file
from ..model import Kind
from .common import (
    OUT_OPTION,
    PageNotImported,
    Progress,
    checked_as,
    quiet_option,
    show_warnings,
    write_or_echo,
)

FIELDS = ("date", "time", "speaker", "affiliation", "title", "abstract", "bio", "room", "note",
          "slides", "video")  # fmt: skip


def _columns(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]):
    """``speaker=Presenter`` -> (("speaker", "Presenter"), …)."""
    pairs = []
    for value in values:
        field, equals, heading = value.partition("=")
        if not equals or field.strip() not in FIELDS or not heading.strip():
            raise click.BadParameter(
                f'"{value}": write FIELD=HEADING, FIELD one of {", ".join(FIELDS)}'
            )
        pairs.append((field.strip(), heading.strip()))
    return tuple(pairs)


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OUT_OPTION
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    help="Year of dates written without one (default: from the page, e.g. Fall 2024, 2024秋).",
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    help="Order of day and month in dates like 04/09 when the file does not tell.",
)
@click.option(
    "--id",
    "series_id",
    callback=checked_as(Kind.IDENTIFIER),
    help="Series id used in event UIDs (default: from the title).",
)
@click.option(
    "--timezone",
    callback=checked_as(Kind.TIMEZONE),
    help="IANA timezone (default: the file's, else this machine's, with a warning).",
)
@click.option(
    "--start",
    callback=checked_as(Kind.TIME),
    help="Usual start HH:MM (default: the time the page states).",
)
@click.option(
    "--end",
    callback=checked_as(Kind.TIME),
    help="Usual end HH:MM (default: the time the page states).",
)
@click.option(
    "--location",
    callback=checked_as(Kind.TEXT),
    help="Usual room (default: the place the page states; else none).",
)
@click.option(
    "--language",
    callback=checked_as(Kind.LANGUAGE),
    help="Language tag of the page, zh or en (default: the page's script).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    callback=_columns,
    metavar="FIELD=HEADING",
    help="Read the column headed HEADING as FIELD, e.g. speaker=Presenter (repeatable).",
)
@click.option("--strict", is_flag=True, help="Fail when any row is skipped.")
@quiet_option("an import")
def import_command(
    source: Path,
    out: Path | None,
    year: int | None,
    date_order: str | None,
    series_id: str | None,
    timezone: str | None,
    start: str | None,
    end: str | None,
    location: str | None,
    language: str | None,
    columns: tuple[tuple[str, str], ...],
    strict: bool,
    quiet: bool,
) -> None:
    """Turn the schedule in SOURCE into an events file.

    SOURCE is a Markdown page (a table, a list or headings of dates), a CSV/TSV
    or .xlsx sheet, or an .ics calendar file. Nothing is made up: the time, room
    and language come from the file or the options. Rows that cannot be placed
    are listed as PAGE:LINE: skipped. The result passes `validate`.
    """  # fmt: skip
    from ..importing.importer import ImportOptions, import_source

    options = ImportOptions(
        series_id or "", timezone or "", year, start or "", end or "", location or "",
        language or "", date_order or "", strict, columns,
    )  # fmt: skip
    progress = Progress("Importing", wanted=not quiet)
    try:
        imported = import_source(read_regular_file(source), str(source), options, progress)
    except ValidationError as error:
        raise PageNotImported(error, source) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror or exc}") from None
    finally:
        progress.finish()
    show_warnings(imported.warnings)
    write_or_echo(imported.text, out)
    if out is not None:
        click.echo(f"Wrote {out} from {source}")
    click.echo(imported.summary, err=True)
