"""``calendar-feed new-semester``: the thin CLI entry of organize.new_semester."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click

from ..history import history_path_for
from ..organize.new_semester import (
    Skip,
    TermError,
    archive_name,
    new_term,
    parse_skip,
    weekday_number,
)
from ..site.merge import today_in
from ..source.validation import Loaded
from .common import (
    FILE_ARGUMENT,
    IsoDate,
    load_series_or_exit,
    schedule_summary,
    write_or_echo,
)

DATE = IsoDate()


def _weekday(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    try:
        return None if value is None else weekday_number(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def _skips(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Skip]:
    try:
        return [parse_skip(value) for value in values]
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


@click.command("new-semester")
@FILE_ARGUMENT
@click.option("--start", required=True, type=DATE, help="First day of the term (YYYY-MM-DD).")
@click.option("--end", required=True, type=DATE, help="Last day of the term (YYYY-MM-DD).")
@click.option(
    "--weekday", callback=_weekday, help="Weekday of the sessions (default: calendar.weekday)."
)
@click.option(
    "--holidays", "country", help="ISO country code whose public holidays cancel a slot, e.g. CN."
)
@click.option(
    "--skip",
    "skips",
    multiple=True,
    callback=_skips,
    help="A date of the seminar's own to cancel, with a reason: 2025-04-02:清明节 (repeatable).",
)
@click.option("--semester", default="", help="Semester label (default: e.g. 2025春 from --start).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the new term here and leave FILE alone ('-' prints it). Default: FILE becomes "
    "the new term and the old one is archived beside it as events-<semester>.yaml.",
)
@click.option("--today", type=DATE, help="Today's date, for the 'start in the past' warning.")
def new_semester(
    file: Path,
    start: dt.datetime,
    end: dt.datetime,
    weekday: int | None,
    country: str | None,
    skips: list[Skip],
    semester: str,
    out: Path | None,
    today: dt.datetime | None,
) -> None:
    """Write the next term's events file: same series, every weekly slot open, holidays off."""
    if out is not None and _same_file(out, history_path_for(file)):
        raise click.BadParameter(
            f"{out} is the revision history of {file}; give the new term another name",
            param_hint="'--out'",
        )
    if out is not None and _same_file(out, file):
        out = None  # FILE becomes the new term: the old one is archived first, as by default
    current = load_series_or_exit(file)
    try:
        term = new_term(
            current,
            start.date(),
            end.date(),
            today=today.date() if today else today_in(current.schedule.series.timezone),
            weekday=weekday,
            country=country,
            skips=skips,
            semester=semester,
            source_name=file.name,
        )
    except TermError as error:
        raise click.ClickException(str(error)) from None
    for warning in term.warnings:
        click.echo(f"warning: {warning}", err=True)
    if out is not None and str(out) == "-":
        write_or_echo(term.text, None)
        return
    target = out or file
    if out is None:
        _archive(file, current)
    write_or_echo(term.text, target)
    click.echo(f"Wrote {target}: {term.semester}, {schedule_summary(term.loaded.schedule)}")
    for skip in term.cancelled:
        click.echo(f"  {skip.date:%Y-%m-%d %a}: cancelled ({skip.reason or 'no reason given'})")


def _same_file(one: Path, other: Path) -> bool:
    """The same file, however named (./events.yaml, a link, a hard link)."""
    try:
        return one.resolve() == other.resolve() or one.samefile(other)
    except OSError:  # one of them does not exist (yet)
        return False


def _archive(file: Path, current: Loaded) -> None:
    """Keep the old term (and its revision history) beside FILE, never overwriting one."""
    name = archive_name(current.schedule, file.stem)
    archive = file.with_name(name)
    history = history_path_for(file)
    archived_history = history_path_for(archive)
    clash = [p for p in (archive, archived_history) if p.exists()]
    if clash:
        names = ", ".join(str(p) for p in clash)
        raise click.ClickException(f"{names} already exists; give --out NEW.yaml instead")
    try:
        shutil.copy2(file, archive)
        if history.exists():
            history.rename(archived_history)
    except OSError as exc:
        raise click.ClickException(f"cannot archive {file}: {exc.strerror or exc}") from None
    click.echo(
        f"Archived the old term as {archive}"
        + (f" (history: {archived_history})" if archived_history.exists() else "")
    )
