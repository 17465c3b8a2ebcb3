"""The ``calendar-feed`` command: parses options, calls the package, prints the outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import click

from . import __version__
from .commands.common import (
    FILE_ARGUMENT,
    RESET_HISTORY_OPTION,
    InvalidEvents,
    IsoDate,
    base_url_option,
    checked_host,
    history_options,
    limits,
    load_or_exit,
    plural,
    show_warnings,
    summary,
)
from .commands.lazy import LazyGroup

# Each command imports what it needs when it runs: start-up is most of a small build.
LAZY_COMMANDS = {
    "import-markdown": "calendar_feed.commands.markdown:import_markdown",
    "export-markdown": "calendar_feed.commands.markdown:export_markdown",
    "new-semester": "calendar_feed.commands.new_semester:new_semester",
    "announce": "calendar_feed.commands.announce:announce",
    "init": "calendar_feed.commands.init:init",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="calendar-feed")
def main() -> None:
    """Publish a seminar schedule from events.yaml as an iCalendar feed and a web page."""


def _history(file: Path, history_file: Path | None, no_history: bool) -> Path | None:
    from .urls import history_path_for

    return None if no_history else history_file or history_path_for(file)


@main.command()
@FILE_ARGUMENT
@limits
def validate(file: Path, max_bytes: int, max_sessions: int) -> None:
    """Check FILE (default ./events.yaml) and report every problem with its line."""
    from .commands.site import validate_site
    from .department.site_file import is_site_file
    from .history import history_path_for, uid_warnings
    from .publish.release import read_history_or_none

    if is_site_file(file):  # a department's site file: every events file it lists
        validate_site(file, max_bytes, max_sessions)
        return
    loaded = load_or_exit(file, max_bytes, max_sessions)
    history, _ = read_history_or_none(history_path_for(file))
    if history is not None:
        show_warnings(uid_warnings(history, loaded.schedule, loaded.locations))
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
@base_url_option("Public URL of the site, overriding calendar.base_url.")
@click.option(
    "--today",
    type=IsoDate(),
    help="Date that splits upcoming from past sessions (default: today in the series' timezone).",
)
@history_options
@RESET_HISTORY_OPTION
@limits
def build(
    file: Path,
    out_dir: Path,
    base_url: str,
    today: dt.datetime | None,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    reset_history: bool,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Write the static site for FILE: index.html, calendar.ics, one .ics per session, JSON."""
    from .publish import stamp

    history = _history(file, history_file, no_history)
    options = dict(
        out=out_dir.resolve(), base_url=base_url, today=today, history=history,
        keep_removed=keep_removed, reset_history=reset_history,
        max_bytes=max_bytes, max_sessions=max_sessions,
    )  # fmt: skip
    inputs = stamp.inputs_digest(file, options, max_bytes)
    warnings = stamp.nothing_to_do(out_dir, stamp.with_history(inputs, history))
    if warnings is not None:  # checked before importing icalendar, Jinja2, YAML and pytz
        for line in warnings:
            click.echo(line, err=True)
        click.echo(f"Nothing changed since the last build of {out_dir}/; left as it was.")
        return
    _build(file, out_dir, base_url, today, history, keep_removed, reset_history, inputs,
           max_bytes, max_sessions)  # fmt: skip


def _build(
    file: Path,
    out_dir: Path,
    base_url: str,
    today: dt.datetime | None,
    history: Path | None,
    keep_removed: int,
    reset_history: bool,
    inputs: hashlib._Hash,
    max_bytes: int,
    max_sessions: int,
) -> None:
    from .department.site_file import is_site_file
    from .errors import ValidationError
    from .history import describe_change
    from .publish import stamp
    from .publish.build import build_site
    from .publish.site_dir import BuildError

    if is_site_file(file):  # a department: one site for every series the site file lists
        from .commands.site import build_site_file

        build_site_file(
            file, out_dir, today=today.date() if today else None, history=history is not None,
            keep_removed=keep_removed, max_bytes=max_bytes, max_sessions=max_sessions,
        )  # fmt: skip
        return
    try:
        result = build_site(
            file,
            out_dir,
            history=history,
            keep_removed=keep_removed,
            today=today.date() if today else None,
            base_url=base_url,
            max_bytes=max_bytes,
            max_sessions=max_sessions,
            reset_history=reset_history,
        )
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read the history: {error}") from None
    show_warnings(result.warnings)
    if result.history_error:
        raise click.ClickException(
            f"site built, but the history was not saved: {result.history_error}"
        )
    feed = result.files["calendar.ics"]
    click.echo(
        f"Built {out_dir}/: {summary(result.schedule)}; calendar.ics is {len(feed):,} bytes, "
        f"{len(result.files)} files in all"
    )
    if not result.release.removed:  # a removed session leaves the feed at a set moment
        valid = stamp.valid_until(result.schedule.series.timezone, today is not None)
        built = stamp.with_history(inputs, history)  # the history as this build left it
        stamp.write_stamp(out_dir, built, valid, [str(w) for w in result.warnings])
    changes = result.release.changes
    if result.started_history:
        click.echo(f"Started the revision history with {plural(len(changes), 'event')}.")
    else:
        for change in changes:
            click.echo(f"  {describe_change(change, keep_removed)}")


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
@base_url_option("Public URL of the site, as given to `build --base-url`.")
@history_options
@limits
def diff(
    file: Path,
    other: Path | None,
    revision: str | None,
    check: bool,
    base_url: str,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Show what subscribers will see change when FILE is published."""
    from .errors import ValidationError
    from .history import describe_change
    from .publish.build import EventsBytes, load_events
    from .publish.preview import GitError, against_history, against_schedule, git_show

    loaded = load_or_exit(file, max_bytes, max_sessions, base_url)
    if other is not None or revision is not None:
        label = str(other) if other else f"{file} at {revision}"
        try:
            source = other or EventsBytes(git_show(file, revision or ""), label)
            baseline = load_events(source, base_url, max_bytes=max_bytes, max_sessions=max_sessions)
        except GitError as error:
            raise click.ClickException(str(error)) from None
        except ValidationError as error:
            raise InvalidEvents(error, Path(label)) from None
        prediction = against_schedule(loaded, baseline)
    else:
        source = _history(file, history_file, no_history)
        label = str(source) if source else "nothing (--no-history)"
        prediction = against_history(loaded, source)
    show_warnings(prediction.warnings)
    changes = prediction.changes
    if not changes:
        click.echo(f"Against {label}: no changes; subscribers' calendars stay as they are.")
    else:
        total = len(loaded.schedule.sessions)
        click.echo(
            f"Against {label}: {plural(len(changes), 'event')} change for subscribers "
            f"({total} sessions in {file}):"
        )
        for change in changes:
            click.echo(f"  {describe_change(change, keep_removed)}")
    if check and prediction.uid_problems:
        count = plural(len(prediction.uid_problems), "session")
        raise click.ClickException(f"{count} would change UID; see the warnings above")


@main.command()
@FILE_ARGUMENT
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=checked_host,
    help="Address to listen on.",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@base_url_option(
    "Public URL of the site, overriding calendar.base_url (default: from each request)."
)
@click.option(
    "--proxies",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Number of reverse proxies in front whose X-Forwarded-* headers to trust.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (default: CPU cores + 1, at most 4).",
)
@click.option(
    "--dev", is_flag=True, help="Flask's development server with its reloader, for template work."
)
@click.option(
    "--debug", is_flag=True, help="With --dev: Flask debug mode; never on a public address."
)
@history_options
@RESET_HISTORY_OPTION
@limits
def serve(
    file: Path,
    host: str,
    port: int,
    base_url: str,
    proxies: int,
    workers: int | None,
    dev: bool,
    debug: bool,
    history_file: Path | None,
    no_history: bool,
    keep_removed: int,
    reset_history: bool,
    max_bytes: int,
    max_sessions: int,
) -> None:
    """Serve the listing and feeds from FILE, following its edits without a restart.

    An edit that breaks the file leaves the last valid version online and is
    reported on /healthz and on the page. Runs gunicorn (the `server` extra);
    --dev runs Flask's development server instead.
    """
    from .errors import ValidationError
    from .server.web import create_app  # Flask only for the command that needs it

    if debug and not dev:
        raise click.UsageError("--debug needs --dev (Flask's development server)")
    if not dev:
        try:
            from .server import production
        except ImportError:
            raise click.ClickException(
                "gunicorn is not installed: pip install 'calendar-feed[server]' "
                "(or run Flask's development server with --dev)"
            ) from None

    import logging

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = {
        "EVENTS_FILE": str(file),
        "BASE_URL": base_url,
        "PROXY_FIX": proxies,
        "MAX_BYTES": max_bytes,
        "MAX_SESSIONS": max_sessions,
        "HISTORY_FILE": False if no_history else history_file,
        "KEEP_REMOVED_DAYS": keep_removed,
        "RESET_HISTORY": reset_history,
    }
    try:
        app = create_app(config)
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    if dev:
        app.run(host=host, port=port, debug=debug, use_reloader=True)
    else:
        production.run(app, host=host, port=port, workers=workers or production.default_workers())
