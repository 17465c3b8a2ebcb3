"""Options, loading and reporting shared by every ``calendar-feed`` command."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from ..errors import Problem, ValidationError
from ..files import write_text_atomically
from ..limits import (
    DEFAULT_KEEP_REMOVED_DAYS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SESSIONS,
    MAX_YEAR,
    MIN_YEAR,
    outside_years,
)
from ..model import Kind
from ..publish.site_dir import BuildError  # standard library only
from ..urls import history_path_for, normalize_base_url

if TYPE_CHECKING:  # the options above cost nothing; loading imports YAML, pytz, ...
    from ..model import Schedule
    from ..site.merge import HistoryFiles, Site
    from ..source.validation import Loaded

F = TypeVar("F", bound=Callable[..., Any])

FILE_ARGUMENT = click.argument(
    "file", default="events.yaml", type=click.Path(dir_okay=False, path_type=Path)
)
OUT_OPTION = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (replaced only when everything succeeded) instead of printing.",
)


class IsoDate(click.DateTime):
    """``click.DateTime(formats=["%Y-%m-%d"])``, reading YYYY-MM-DD without strptime,
    whose first call (compiling its patterns) costs more than a small build's rendering;
    years outside MIN_YEAR–MAX_YEAR are refused, as in an events file."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = None
        if isinstance(value, str) and _is_iso_date(value):
            with contextlib.suppress(ValueError):  # e.g. month 13: click's own message
                converted = dt.datetime.fromisoformat(value)
        converted = converted or super().convert(value, param, ctx)
        if not MIN_YEAR <= converted.year <= MAX_YEAR:  # as in events files: a typing mistake
            self.fail(outside_years(f"{converted:%Y-%m-%d}"), param, ctx)
        return converted


def _is_iso_date(value: str) -> bool:
    digits = value[:4] + value[5:7] + value[8:]
    return (
        len(value) == 10 and value[4] == value[7] == "-" and digits.isascii() and digits.isdigit()
    )


class ProblemReport(click.ClickException):
    """Every problem, one per line, then a count; exit status 1, no traceback."""

    outcome = "nothing published"

    def __init__(self, error: ValidationError, source: Path):
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


def _checked_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    try:
        return normalize_base_url(value or "")
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def base_url_option(help_text: str) -> Callable[[F], F]:
    """--base-url, checked and normalised like calendar.base_url (one rule for both)."""
    return click.option("--base-url", default="", callback=_checked_base_url, help=help_text)


def checked_as(kind: Kind) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """An option read by the parser of an events.yaml key of this kind: one rule for both.

    The option keeps the text as given (stripped); a bad value is click's exit 2 with the
    validator's own message.
    """

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        message = problem_with(kind, value)
        if message:
            raise click.BadParameter(message, ctx, param)
        return value.strip()

    return check


def problem_with(kind: Kind, value: str) -> str:
    """What events.yaml's validator would say of ``value`` as a key of this kind, or ''."""
    from ..source.loading import Scalar
    from ..source.vocabulary import VocabularyParser

    parser = VocabularyParser()
    parser.by_kind(kind)(Scalar("", 0, 0, value, "str"), "")
    return parser.problems[0].message if parser.problems else ""


def checked_host(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--host is an address or a name: no spaces or control characters (exit 2, one line)."""
    if not value or any(c.isspace() or not c.isprintable() for c in value):
        raise click.BadParameter("must be an address or host name, e.g. 127.0.0.1", ctx, param)
    return value


@dataclass(frozen=True)
class Limits:
    """--max-bytes and --max-sessions: how large an events file may be."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_sessions: int = DEFAULT_MAX_SESSIONS

    def kwargs(self) -> dict[str, int]:
        return {"max_bytes": self.max_bytes, "max_sessions": self.max_sessions}


@dataclass(frozen=True)
class HistoryChoice:
    """--history, --no-history, --keep-removed and --reset-history, as one value."""

    explicit: Path | None = None
    off: bool = False
    keep_removed: int = DEFAULT_KEEP_REMOVED_DAYS
    reset: bool = False

    def path_for(self, events_file: Path) -> Path | None:
        """The history file to use with ``events_file``; None with --no-history."""
        return None if self.off else self.explicit or history_path_for(events_file)

    def files_for(self, site: Site) -> HistoryFiles:
        """Where ``site``'s histories are; --history names one, so it needs a single series."""
        if self.off:
            return None
        if self.explicit is None:
            return True
        if not site.one_series:
            raise click.UsageError(
                "--history names one history file, and a site file keeps one beside each "
                "series' events files (leave --history out, or use --no-history)"
            )
        return self.explicit


def limits(function: F) -> F:
    """--max-bytes / --max-sessions, handed to the command as ``limits: Limits``."""

    @functools.wraps(function)
    def command(*args: Any, max_bytes: int, max_sessions: int, **kwargs: Any) -> Any:
        return function(*args, limits=Limits(max_bytes, max_sessions), **kwargs)

    command = click.option(
        "--max-bytes",
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        type=click.IntRange(0),
        help="Refuse events files larger than this (0 for no limit).",
    )(command)
    return click.option(  # type: ignore[return-value]
        "--max-sessions",
        default=DEFAULT_MAX_SESSIONS,
        show_default=True,
        type=click.IntRange(1),
        help="Refuse files with more sessions than this.",
    )(command)


def history_options(*, reset: bool) -> Callable[[F], F]:
    """The history options of the commands that publish (``reset``: also --reset-history),
    handed to the command as ``history: HistoryChoice``."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def command(
            *args: Any,
            history_file: Path | None,
            no_history: bool,
            keep_removed: int,
            reset_history: bool = False,
            **kwargs: Any,
        ) -> Any:
            choice = HistoryChoice(history_file, no_history, keep_removed, reset_history)
            return function(*args, history=choice, **kwargs)

        options = [
            click.option(
                "--history",
                "history_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Revision history file (default: FILE's name with .history.json, beside it).",
            ),
            click.option(
                "--no-history", is_flag=True, help="Neither read nor update the revision history."
            ),
            click.option(
                "--keep-removed",
                default=DEFAULT_KEEP_REMOVED_DAYS,
                show_default=True,
                type=click.IntRange(0),
                help="Days a session removed from FILE stays in the feed as CANCELLED.",
            ),
        ]
        if reset:
            options.append(
                click.option(
                    "--reset-history",
                    is_flag=True,
                    help="If the revision history is damaged and has no usable backup, start a "
                    "new one (every SEQUENCE restarts at 0; the damaged file is kept).",
                )
            )
        for option in reversed(options):
            command = option(command)
        return command  # type: ignore[return-value]

    return decorate


@contextlib.contextmanager
def build_errors_reported(file: Path) -> Iterator[None]:
    """A build's failures as one-line errors: invalid input, an unwritable site, a history."""
    try:
        yield
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot read or save the history: {error}") from None


def load_or_exit(
    file: Path,
    limits: Limits = Limits(),
    base_url: str = "",
    cache: MutableMapping[bytes, Any] | None = None,
) -> Site:
    """The validated site (an events or a site file) with its warnings shown, or exit 1
    listing every problem. ``cache``: sessions a build checked before."""
    from ..site.merge import load_site

    try:
        site = load_site(file, base_url, **limits.kwargs(), cache=cache)
    except ValidationError as error:
        raise InvalidEvents(error, file) from None
    show_warnings(site.warnings)
    return site


def load_series_or_exit(file: Path, limits: Limits = Limits(), base_url: str = "") -> Loaded:
    """For commands about one series: FILE must be an events file (exit 2 for a site file)."""
    site = load_or_exit(file, limits, base_url)
    if not site.one_series:
        first = site.config.files[0].path
        raise click.UsageError(
            f"{file} is a site file of {plural(len(site.groups), 'series', 'series')}; this "
            f"command takes one series' events file, e.g. {first}"
        )
    return site.groups[0].loaded


def show_warnings(warnings: Iterable[Problem]) -> None:
    for warning in warnings:
        click.echo(str(warning), err=True)


def summary(site: Site) -> str:
    """'18 sessions (2 talks, …)' for one series; each series' sessions and terms for several."""
    if site.one_series:
        return schedule_summary(site.groups[0].schedule)
    parts = []
    for group in site.groups:
        terms = len(group.terms)
        term_text = f", {plural(terms, 'term')}" if terms > 1 else ""
        parts.append(f"{group.id} ({plural(len(group.schedule.sessions), 'session')}{term_text})")
    return f"{len(site.groups)} series: " + "; ".join(parts)


def schedule_summary(schedule: Schedule) -> str:
    sessions = schedule.sessions
    talks = sum(s.is_talk for s in sessions)
    cancelled = sum(s.is_cancelled for s in sessions)
    open_slots = sum(s.is_open for s in sessions)
    return (
        f"{plural(len(sessions), 'session')} ({plural(talks, 'talk')}, {cancelled} cancelled, "
        f"{plural(open_slots, 'open slot')})"
    )


def plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def write_or_echo(text: str, out: Path | None) -> None:
    """Print ``text``, or replace ``out`` with it in one step."""
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_text_atomically(out, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None


SHOW_PROGRESS_AFTER = 1.0
"""Seconds a command runs before its progress bar appears: short runs stay one line."""


def quiet_option(work: str) -> Callable[[F], F]:
    """-q/--quiet for a command whose ``work`` ("a build", "an import") may show Progress."""
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help=f"No progress bar (shown on a terminal when {work} takes more than a second).",
    )


class Progress:
    """Steps done out of the total (files rendered, stages of an import) and the time so
    far, on a terminal (click's bar).

    Drawn only on a terminal, without ``--quiet``, and once the command has run for
    SHOW_PROGRESS_AFTER seconds; otherwise it prints nothing at all.
    """

    def __init__(self, label: str, *, wanted: bool) -> None:
        self.label = label
        self.wanted = wanted and sys.stderr.isatty()
        self.started = time.monotonic()
        self.bar: Any = None  # click's ProgressBar, once shown

    def __call__(self, done: int, total: int) -> None:
        if not self.wanted:
            return
        if self.bar is None:
            if time.monotonic() - self.started < SHOW_PROGRESS_AFTER:
                return
            self.bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_pos=True,
                show_percent=False,
                show_eta=False,
                item_show_func=lambda _: f"{time.monotonic() - self.started:.1f} s",
            )
        self.bar.update(done - self.bar.pos)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
