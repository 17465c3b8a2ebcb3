"""``calendar-feed init``: asks what makes the seminar its own, then organize.init_project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..model import Kind
from ..organize.init_project import (
    FILE_NAMES,
    Seminar,
    default_location,
    default_name,
    existing,
    project_files,
    series_id_for,
    write_project,
)
from ..source.vocabulary import machine_timezone
from .common import checked_as, problem_with


def _package(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """What pip installs: one requirement or URL, nothing a workflow would read as more."""
    if not value or any(c.isspace() or not c.isprintable() for c in value) or "${{" in value:
        raise click.BadParameter(
            "must be one pip requirement or URL, without spaces, line breaks or ${{",
            ctx,
            param,
        )
    return value


def _checked(kind: Kind) -> Callable[[str], str]:
    """A prompt's answer read as events.yaml would read it; a bad one is asked again."""

    def check(value: str) -> str:
        message = problem_with(kind, value)
        if message:
            raise click.BadParameter(message)
        return value.strip()

    return check


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace files (or links) that already exist.")
@click.option(
    "--id",
    "series_id",
    callback=checked_as(Kind.IDENTIFIER),
    help="Series id for events.yaml (default: from DIRECTORY's name).",
)
@click.option("--name", callback=checked_as(Kind.TEXT), help="The seminar's name.")
@click.option(
    "--timezone",
    callback=checked_as(Kind.TIMEZONE),
    help="IANA timezone of its times (default: this machine's zone).",
)
@click.option("--weekday", callback=checked_as(Kind.WEEKDAY), help="Usual weekday (monday…).")
@click.option("--start", callback=checked_as(Kind.TIME), help='Usual start time, "HH:MM".')
@click.option("--end", callback=checked_as(Kind.TIME), help='Usual end time, "HH:MM".')
@click.option("--location", callback=checked_as(Kind.TEXT), help="Usual room.")
@click.option(
    "--language",
    callback=checked_as(Kind.LANGUAGE),
    help="Language tag of the seminar's pages (en, zh, de, …).",
)
@click.option("--yes", "-y", is_flag=True, help="Take the defaults of every question not given.")
@click.option(
    "--package",
    default="calendar-feed",
    show_default=True,
    callback=_package,
    help="What the workflow installs with pip (a release or a git+https:// URL).",
)
def init(directory: Path, force: bool, yes: bool, package: str, **given: str | None) -> None:
    """Start a seminar in DIRECTORY: events.yaml, pre-commit hooks, a GitHub Pages workflow.

    It asks for the seminar's name, timezone, weekday, usual time, room and language
    (each also an option; --yes takes the defaults, for scripts).
    """
    clash = existing(directory, FILE_NAMES)
    if clash and not force:
        for path, what in clash:
            click.echo(f"{path}: {what}", err=True)
        raise click.ClickException(
            f"{len(clash)} file{'s' if len(clash) != 1 else ''} would be replaced; "
            "nothing written (--force replaces them)"
        )
    seminar = _ask(directory, given, yes)
    files = project_files(seminar, today=dt.date.today(), package=package)
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


def _ask(directory: Path, given: dict[str, Any], yes: bool) -> Seminar:
    """Each answer from its option, else from a question (or its default with --yes)."""
    zone, found = machine_timezone()
    answers: dict[str, str] = {}

    def answer(key: str, question: str, default: str, kind: Kind) -> str:
        if given[key] is not None:
            answers[key] = given[key]
        elif yes:
            answers[key] = default
        else:
            answers[key] = click.prompt(question, default=default, value_proc=_checked(kind))
        return answers[key]

    answer("name", "Seminar name", default_name(directory), Kind.TEXT)
    if given["timezone"] is None and yes and not found:
        click.echo(f"warning: could not tell this machine's timezone; using {zone}", err=True)
    answer("timezone", "Timezone (IANA name)", zone, Kind.TIMEZONE)
    answer("weekday", "Usual weekday", "monday", Kind.WEEKDAY)
    answer("start", 'Usual start time ("HH:MM")', "16:00", Kind.TIME)
    answer("end", 'Usual end time ("HH:MM")', "17:00", Kind.TIME)
    language = answer("language", "Language of the pages (en, zh, de, …)", "en", Kind.LANGUAGE)
    answer("location", "Usual room", default_location(language), Kind.TEXT)
    if yes:
        chosen = ", ".join(
            f"{key} {value}" + (" (this machine's zone)" if key == "timezone" else "")
            for key, value in answers.items()
            if not given[key]
        )
        if chosen:
            click.echo(f"Defaults taken (edit events.yaml to change them): {chosen}", err=True)
    return Seminar(
        series_id=given["series_id"] or series_id_for(directory),
        name=answers["name"],
        timezone=answers["timezone"],
        weekday=answers["weekday"].lower(),
        start=answers["start"],
        end=answers["end"],
        location=answers["location"],
        language=answers["language"],
    )
