"""The ``calendar-feed`` command: a thin layer over validation, rendering and building."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import IO, Any

import click
import pytz

from . import __version__
from .build import BuildError, write_site
from .errors import Problem, ValidationError
from .files import write_text_atomically
from .listing import PageContext
from .loading import DEFAULT_MAX_BYTES
from .markdown_export import render_markdown, unshown
from .markdown_import import ImportOptions, PageError, import_page
from .model import Schedule
from .site import render_site
from .validation import DEFAULT_MAX_SESSIONS, Loaded, load_schedule

FILE_ARGUMENT = click.argument(
    "file", default="events.yaml", type=click.Path(dir_okay=False, path_type=Path)
)


class InvalidEvents(click.ClickException):
    """Every problem in the file, one per line, then a count; exit status 1, no traceback."""

    def __init__(self, error: ValidationError, file: Path):
        super().__init__(str(error))
        self.error = error
        self.file = file

    def show(self, file: IO[Any] | None = None) -> None:
        for problem in self.error.problems:
            click.echo(str(problem), err=True)
        count = len(self.error.errors)
        click.echo(
            f"{self.file}: {count} error{'s' if count != 1 else ''}; nothing published", err=True
        )


def limits(function: Any) -> Any:
    function = click.option(
        "--max-bytes",
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help="Refuse events files larger than this (0 for no limit).",
    )(function)
    return click.option(
        "--max-sessions",
        default=DEFAULT_MAX_SESSIONS,
        show_default=True,
        help="Refuse files with more sessions than this.",
    )(function)


def load_or_exit(
    file: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_sessions: int = DEFAULT_MAX_SESSIONS
) -> Loaded:
    try:
        loaded = load_schedule(file, max_bytes=max_bytes, max_sessions=max_sessions)
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    show_warnings(loaded.warnings)
    return loaded


def show_warnings(warnings: tuple[Problem, ...]) -> None:
    for warning in warnings:
        click.echo(str(warning), err=True)


def summary(schedule: Schedule) -> str:
    sessions = schedule.sessions
    talks = sum(s.is_talk for s in sessions)
    cancelled = sum(s.is_cancelled for s in sessions)
    open_slots = sum(s.is_open for s in sessions)
    return (
        f"{plural(len(sessions), 'session')} ({plural(talks, 'talk')}, {cancelled} cancelled, "
        f"{plural(open_slots, 'open slot')})"
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def today_in(schedule: Schedule) -> dt.date:
    """'Today' where the seminar happens, not where the build machine is."""
    return dt.datetime.now(pytz.timezone(schedule.series.timezone)).date()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calendar-feed")
def main() -> None:
    """Publish a seminar schedule from events.yaml as an iCalendar feed and a web page."""


@main.command()
@FILE_ARGUMENT
@limits
def validate(file: Path, max_bytes: int, max_sessions: int) -> None:
    """Check FILE (default ./events.yaml) and report every problem with its line."""
    loaded = load_or_exit(file, max_bytes, max_sessions)
    click.echo(f"{file}: OK, {summary(loaded.schedule)}")


@main.command()
@FILE_ARGUMENT
@click.option(
    "--out",
    "out_dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the site into; replaced as a whole only when the build succeeds.",
)
@click.option("--base-url", help="Public URL of the site, overriding calendar.base_url.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date that splits upcoming from past sessions (default: today in the series' timezone).",
)
@limits
def build(
    file: Path,
    out_dir: Path,
    base_url: str | None,
    today: dt.datetime | None,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Write the static site for FILE: index.html, calendar.ics, one .ics per session, JSON."""
    schedule = load_or_exit(file, max_bytes, max_sessions).schedule
    if base_url:
        schedule = with_base_url(schedule, base_url)
    day = today.date() if today else today_in(schedule)
    files = render_site(schedule, PageContext(today=day))
    try:
        write_site(files, out_dir)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    feed = files["calendar.ics"]
    click.echo(
        f"Built {out_dir}/: {summary(schedule)}; calendar.ics is {len(feed):,} bytes, "
        f"{len(files)} files in all"
    )


def with_base_url(schedule: Schedule, base_url: str) -> Schedule:
    url = base_url if base_url.endswith("/") else base_url + "/"
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="--base-url")
    return dataclasses.replace(schedule, series=dataclasses.replace(schedule.series, base_url=url))


class PageNotImported(click.ClickException):
    """Every problem found in the page, one per line, then a count; nothing is written."""

    def __init__(self, error: PageError, page: Path):
        super().__init__(str(error))
        self.error = error
        self.page = page

    def show(self, file: IO[Any] | None = None) -> None:
        for problem in self.error.problems:
            click.echo(str(problem), err=True)
        count = len(self.error.errors)
        click.echo(
            f"{self.page}: {count} error{'s' if count != 1 else ''}; nothing written", err=True
        )


def write_or_echo(text: str, out: Path | None) -> None:
    """Print ``text``, or replace ``out`` with it in one step."""
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_text_atomically(out, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None


IMPORT_DEFAULTS = ImportOptions()
OUT_OPTION = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced only when everything succeeded) instead of printing.",
)


@main.command("import-markdown")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OUT_OPTION
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    help="Year of the first date (default: from the semester label, e.g. 2024秋).",
)
@click.option(
    "--id", "series_id", help="Series id used in event UIDs (default: from the English title)."
)
@click.option(
    "--timezone", default=IMPORT_DEFAULTS.timezone, show_default=True, help="IANA timezone."
)
@click.option("--start", default=IMPORT_DEFAULTS.start, show_default=True, help="Usual start.")
@click.option("--end", default=IMPORT_DEFAULTS.end, show_default=True, help="Usual end.")
@click.option("--location", default=IMPORT_DEFAULTS.location, show_default=True, help="Usual room.")
def import_markdown(
    page: Path,
    out: Path | None,
    year: int | None,
    series_id: str | None,
    timezone: str,
    start: str,
    end: str,
    location: str,
) -> None:
    """Turn the seminar's Markdown PAGE into an events file.

    Every piece of text is kept: what cannot be placed goes into a session's
    note, with a warning naming its line. The result passes `validate`.
    """
    options = ImportOptions(series_id or "", timezone, year, start, end, location)
    try:
        imported = import_page(page.read_bytes(), str(page), options)
    except PageError as error:
        raise PageNotImported(error, page) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {page}: {exc.strerror or exc}") from None
    show_warnings(imported.warnings)
    write_or_echo(imported.text, out)
    if out is not None:
        click.echo(f"Wrote {out} from {page}: {summary(imported.loaded.schedule)}")


@main.command("export-markdown")
@FILE_ARGUMENT
@OUT_OPTION
@limits
def export_markdown(file: Path, out: Path | None, max_bytes: int, max_sessions: int) -> None:
    """Render FILE (default ./events.yaml) as the seminar's Markdown page."""
    schedule = load_or_exit(file, max_bytes, max_sessions).schedule
    for note in unshown(schedule):
        click.echo(f"{file}: warning: {note}", err=True)
    write_or_echo(render_markdown(schedule), out)
    if out is not None:
        click.echo(f"Wrote {out} from {file}: {summary(schedule)}")
