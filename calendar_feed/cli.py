"""The ``calendar-feed`` command: a thin layer over validation, rendering and building."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import subprocess
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from . import __version__
from .errors import Problem, ValidationError
from .files import write_text_atomically
from .history.changes import (
    DEFAULT_KEEP_REMOVED_DAYS,
    Change,
    describe_change,
    history_path_for,
    plan,
    publish,
    uid_warnings,
)
from .markdown.format import ImportOptions
from .model import Schedule
from .publish.release import Release, prepare_release, read_history_or_none
from .publish.sitedir import BuildError, write_site
from .render.ical import FIXED_STAMP
from .render.listing import PageContext, today_in
from .render.site import render_site
from .source.loading import DEFAULT_MAX_BYTES
from .source.validation import DEFAULT_MAX_SESSIONS, Loaded, load_schedule, load_schedule_bytes
from .texts import feed_url

if TYPE_CHECKING:
    from .markdown.page import PageError

# The Markdown and QR modules are imported by the commands that use them, so that
# `validate` and `build` do not pay for them at start-up.

FILE_ARGUMENT = click.argument(
    "file", default="events.yaml", type=click.Path(dir_okay=False, path_type=Path)
)


class ProblemReport(click.ClickException):
    """Every problem, one per line, then a count; exit status 1, no traceback."""

    outcome = "nothing published"

    def __init__(self, error: ValidationError | PageError, source: Path):
        super().__init__(str(error))
        self.error = error
        self.source = source

    def show(self, file: IO[Any] | None = None) -> None:
        for problem in self.error.problems:
            click.echo(str(problem), err=True)
        count = len(self.error.errors)
        click.echo(f"{self.source}: {plural(count, 'error')}; {self.outcome}", err=True)


class InvalidEvents(ProblemReport):
    """The events file has errors: nothing is published."""


class PageNotImported(ProblemReport):
    """The Markdown page could not be imported: nothing is written."""

    outcome = "nothing written"


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


def history_options(function: Any) -> Any:
    """--history / --no-history / --keep-removed, shared by the commands that publish."""
    function = click.option(
        "--keep-removed",
        default=DEFAULT_KEEP_REMOVED_DAYS,
        show_default=True,
        type=click.IntRange(0),
        help="Days a session removed from FILE stays in the feed as CANCELLED.",
    )(function)
    function = click.option(
        "--no-history", is_flag=True, help="Neither read nor update the revision history."
    )(function)
    return click.option(
        "--history",
        "history_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Revision history file (default: FILE's name with .history.json, beside it).",
    )(function)


def describe_changes(changes: tuple[Change, ...], keep_removed: int) -> list[str]:
    """One line per session whose published event changes, in an organizer's words."""
    return [f"  {describe_change(change, keep_removed)}" for change in changes]


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
    history, _ = read_history_or_none(history_path_for(file))
    if history is not None:
        show_warnings(tuple(uid_warnings(history, loaded.schedule, loaded.locations)))
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
@history_options
@limits
def build(
    file: Path,
    out_dir: Path,
    base_url: str | None,
    today: dt.datetime | None,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Write the static site for FILE: index.html, calendar.ics, one .ics per session, JSON."""
    loaded = load_or_exit(file, max_bytes, max_sessions)
    if base_url:
        loaded = dataclasses.replace(loaded, schedule=with_base_url(loaded.schedule, base_url))
    schedule = loaded.schedule
    day = today.date() if today else today_in(schedule)
    qr_svg = ""
    if schedule.series.base_url:
        from .render.qr import feed_qr_svg

        qr_svg = feed_qr_svg(feed_url(schedule.series))
    context = PageContext(today=day, qr_svg=qr_svg)
    files: dict[str, bytes] = {}

    def install(release: Release) -> None:
        files.update(
            render_site(
                schedule,
                context,
                revisions=release.revisions,
                removed=release.removed,
                announcements=release.announcements,
            )
        )
        write_site(files, out_dir)

    try:
        release = prepare_release(
            loaded,
            None if no_history else history_file or history_path_for(file),
            keep_removed_days=keep_removed,
            install=install,
        )
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"site built, but the history was not saved: {error}") from None
    show_warnings(release.warnings)
    feed = files["calendar.ics"]
    click.echo(
        f"Built {out_dir}/: {summary(schedule)}; calendar.ics is {len(feed):,} bytes, "
        f"{len(files)} files in all"
    )
    if (
        release.changes
        and all(c.kinds[0].startswith("new ") for c in release.changes)
        and len(release.changes) == len(schedule.sessions)
    ):
        click.echo(f"Started the revision history with {plural(len(release.changes), 'event')}.")
    else:
        for line in describe_changes(release.changes, keep_removed):
            click.echo(line)


@main.command()
@FILE_ARGUMENT
@click.option(
    "--against",
    "other",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Compare with another events file instead of the revision history.",
)
@click.option("--git", "revision", help="Compare with FILE as it was at this git revision.")
@click.option(
    "--check", is_flag=True, help="Exit with status 1 if an edit would change a session's UID."
)
@history_options
@limits
def diff(
    file: Path,
    other: Path | None,
    revision: str | None,
    check: bool,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Show what subscribers will see change when FILE is published."""
    loaded = load_or_exit(file, max_bytes, max_sessions)
    if other is not None or revision is not None:
        label = str(other) if other else f"{file} at {revision}"
        data = other.read_bytes() if other else git_show(file, revision or "")
        try:
            baseline = load_schedule_bytes(
                data, label, max_bytes=max_bytes, max_sessions=max_sessions
            )
        except ValidationError as error:
            raise InvalidEvents(error, Path(label)) from None
        history, warnings = publish(None, baseline.schedule, FIXED_STAMP)[0], []
    else:
        source = None if no_history else history_file or history_path_for(file)
        label = str(source) if source else "nothing (--no-history)"
        history, warnings = read_history_or_none(source)
    uid_problems = uid_warnings(history, loaded.schedule, loaded.locations)
    show_warnings((*warnings, *uid_problems))
    changes = plan(history, loaded.schedule)
    if not changes:
        click.echo(f"Against {label}: no changes; subscribers' calendars stay as they are.")
    else:
        total = len(loaded.schedule.sessions)
        click.echo(
            f"Against {label}: {plural(len(changes), 'event')} change for subscribers "
            f"({total} sessions in {file}):"
        )
        for line in describe_changes(tuple(changes), keep_removed):
            click.echo(line)
    if check and uid_problems:
        raise click.ClickException(
            f"{plural(len(uid_problems), 'session')} would change UID; see the warnings above"
        )


def git_show(file: Path, revision: str) -> bytes:
    """FILE's content at a git revision, for `diff --git REV`."""
    result = subprocess.run(
        ["git", "show", f"{revision}:./{file.name}"],
        cwd=file.resolve().parent,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or "git show failed"
        raise click.ClickException(f"cannot read {file} at {revision}: {message}")
    return result.stdout


@main.command()
@FILE_ARGUMENT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option(
    "--base-url",
    help="Public URL of the site, overriding calendar.base_url (default: from each request).",
)
@click.option(
    "--proxies",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Number of reverse proxies in front whose X-Forwarded-* headers to trust.",
)
@click.option("--debug", is_flag=True, help="Flask debug mode; never on a public address.")
@history_options
@limits
def serve(
    file: Path,
    host: str,
    port: int,
    base_url: str | None,
    proxies: int,
    debug: bool,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Serve the listing and feeds from FILE, following its edits without a restart.

    An edit that breaks the file leaves the last valid version online and is
    reported on /healthz and on the page. Uses Flask's development server; for
    production run gunicorn (see README).
    """
    from .server.web import create_app  # Flask only for the command that needs it

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = {
        "EVENTS_FILE": str(file),
        "BASE_URL": base_url or "",
        "PROXY_FIX": proxies,
        "MAX_BYTES": max_bytes,
        "MAX_SESSIONS": max_sessions,
        "HISTORY_FILE": False if no_history else history_file,
        "KEEP_REMOVED_DAYS": keep_removed,
    }
    try:
        app = create_app(config)
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


def with_base_url(schedule: Schedule, base_url: str) -> Schedule:
    url = base_url if base_url.endswith("/") else base_url + "/"
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="--base-url")
    return dataclasses.replace(schedule, series=dataclasses.replace(schedule.series, base_url=url))


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
    from .markdown.importer import PageError, import_page

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
    from .markdown.exporter import render_markdown, unshown

    schedule = load_or_exit(file, max_bytes, max_sessions).schedule
    for note in unshown(schedule):
        click.echo(f"{file}: warning: {note}", err=True)
    write_or_echo(render_markdown(schedule), out)
    if out is not None:
        click.echo(f"Wrote {out} from {file}: {summary(schedule)}")
