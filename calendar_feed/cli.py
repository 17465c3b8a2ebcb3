"""The ``calendar-feed`` command: parses options, calls the package, prints the outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .commands.common import (
    FILE_ARGUMENT,
    HistoryChoice,
    InvalidEvents,
    IsoDate,
    Limits,
    base_url_option,
    checked_host,
    history_options,
    limits,
    load_or_exit,
    plural,
    quiet_option,
    show_warnings,
    summary,
)
from .commands.lazy import LazyGroup
from .errors import OptionError, ValidationError

if TYPE_CHECKING:
    from .history import Change
    from .site.merge import SeriesGroup

# Each command imports what it needs when it runs: start-up is most of a small build.
LAZY_COMMANDS = {
    "import": "calendar_feed.commands.importing:import_command",
    "import-markdown": "calendar_feed.commands.importing:import_command",
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


@main.command()
@FILE_ARGUMENT
@limits
def validate(file: Path, limits: Limits) -> None:
    """Check FILE (default ./events.yaml, or a site file) and report every problem with its line."""
    from .history import uid_warnings
    from .publish.build import size_check
    from .publish.release import read_history_or_none

    site = load_or_exit(file, limits)
    for group in site.groups:
        history, _ = read_history_or_none(group.history_file)
        if history is not None:
            show_warnings(uid_warnings(history, group.schedule, group.loaded.locations))
    show_warnings(size_check(site))  # the feeds and pages a build would cut or pass 1 MB
    click.echo(f"{file}: OK, {summary(site)}")


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
@history_options(reset=True)
@limits
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for pieces reused by the next build (default: a folder for this site under "
    "$XDG_CACHE_HOME/calendar-feed); deleting it changes nothing but speed.",
)
@click.option("--no-cache", is_flag=True, help="Render everything; neither read nor write a cache.")
@quiet_option("a build")
def build(
    file: Path,
    out_dir: Path,
    base_url: str,
    today: dt.datetime | None,
    history: HistoryChoice,
    limits: Limits,
    cache_dir: Path | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Write the static site for FILE (an events or a site file): pages, feeds, JSON."""
    from .commands.build import BuildRequest, run_build

    if no_cache and cache_dir is not None:
        raise click.UsageError("give either --cache or --no-cache, not both")
    caching = not no_cache
    run_build(
        BuildRequest(file, out_dir, base_url, today, history, limits, caching, cache_dir, quiet)
    )


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
@history_options(reset=False)
@limits
def diff(
    file: Path,
    other: Path | None,
    revision: str | None,
    check: bool,
    base_url: str,
    history: HistoryChoice,
    limits: Limits,
) -> None:
    """Show what subscribers will see change when FILE is published."""
    from .publish.preview import GitError, against_history, against_schedule, baseline_site
    from .site.merge import history_file

    site = load_or_exit(file, limits, base_url)
    if revision is not None and not site.one_series:
        raise click.UsageError(
            "--git reads FILE at a revision, and a site file's series are in other files: "
            "run diff --git on each events file"
        )
    histories = history.files_for(site)
    baseline = None
    if other is not None or revision is not None:
        label = str(other) if other else f"{file} at {revision}"
        try:
            baseline = baseline_site(file, other, revision, base_url, **limits.kwargs())
        except GitError as error:
            raise click.ClickException(str(error)) from None
        except ValidationError as error:
            raise InvalidEvents(error, Path(label)) from None
    uid_problems = 0
    for group in site.groups:
        if baseline is not None:
            both_one = site.one_series and baseline.one_series
            base = baseline.groups[0] if both_one else baseline.group(group.id)
            prediction = against_schedule(group.loaded, base.loaded if base else None)
        else:
            source = history_file(group, histories)
            label = str(source) if source else "nothing (--no-history)"
            prediction = against_history(group.loaded, source)
        show_warnings(prediction.warnings)
        _show_prediction(prediction.changes, label, file, group, site.one_series, history)
        uid_problems += len(prediction.uid_problems)
    if check and uid_problems:
        raise click.ClickException(
            f"{plural(uid_problems, 'session')} would change UID; see the warnings above"
        )


def _show_prediction(
    changes: Sequence[Change],
    label: str,
    file: Path,
    group: SeriesGroup,
    one_series: bool,
    history: HistoryChoice,
) -> None:
    from .history import describe_change

    name = "" if one_series else f"{group.id}: "
    if not changes:
        click.echo(f"{name}Against {label}: no changes; subscribers' calendars stay as they are.")
        return
    total = len(group.schedule.sessions)
    click.echo(
        f"{name}Against {label}: {plural(len(changes), 'event')} change for subscribers "
        f"({total} sessions in {file}):"
    )
    for change in changes:
        click.echo(f"  {describe_change(change, history.keep_removed)}")


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
@history_options(reset=True)
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
    history: HistoryChoice,
    limits: Limits,
) -> None:
    """Serve the listing and feeds from FILE, following its edits without a restart.

    An edit that breaks the file leaves the last valid version online and is
    reported on /healthz and on the page. Runs gunicorn (the `server` extra);
    --dev runs Flask's development server instead.
    """
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
        "MAX_BYTES": limits.max_bytes,
        "MAX_SESSIONS": limits.max_sessions,
        "HISTORY_FILE": False if history.off else history.explicit,
        "KEEP_REMOVED_DAYS": history.keep_removed,
        "RESET_HISTORY": history.reset,
    }
    try:
        app = create_app(config)
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    except OptionError as error:
        raise click.UsageError(str(error)) from None
    if dev:
        app.run(host=host, port=port, debug=debug, use_reloader=True)
    else:
        production.run(app, host=host, port=port, workers=workers or production.default_workers())
