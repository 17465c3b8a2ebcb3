"""``calendar-feed announce``: the thin CLI entry of organize.announce."""

from __future__ import annotations

import datetime as dt
from email import policy
from pathlib import Path

import click

from ..files import write_text_atomically
from ..organize.announce import (
    AnnounceError,
    compose,
    email_message,
    pick_session,
    render_html,
    render_text,
)
from ..site.merge import today_in
from ..source.parsers import quote
from ..source.vocabulary import ONE_ADDRESS, is_email_address
from .common import FILE_ARGUMENT, base_url_option, load_series_or_exit, write_or_echo

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _one_address(
    _context: click.Context, _param: click.Parameter, value: str | tuple[str, ...] | None
) -> str | tuple[str, ...] | None:
    """Each value exactly one mail address, checked as calendar.contact is (else exit 2):
    no second address, no line break, nothing after it that a header would carry."""
    for address in (value,) if isinstance(value, str) else value or ():
        if not is_email_address(address):
            raise click.BadParameter(ONE_ADDRESS.format(value=quote(address)))
    return value


@click.command()
@FILE_ARGUMENT
@click.option("--next", "next_", is_flag=True, help="The next talk or cancelled date (default).")
@click.option("--date", type=DATE, help="The session on this date (YYYY-MM-DD).")
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "html", "eml"]),
    default="text",
    show_default=True,
    help="Plain text, an HTML page, or a complete e-mail message (.eml).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of printing.",
)
@click.option(
    "--from",
    "sender",
    callback=_one_address,
    help="From address, exactly one (default: calendar.contact).",
)
@click.option(
    "--to",
    "recipients",
    multiple=True,
    callback=_one_address,
    help="To address, exactly one each time it is given (default: calendar.announce_to).",
)
@base_url_option("Public URL of the site, overriding calendar.base_url.")
@click.option("--today", type=DATE, help="Today's date for --next (default: today).")
def announce(
    file: Path,
    next_: bool,
    date: dt.datetime | None,
    form: str,
    out: Path | None,
    sender: str | None,
    recipients: tuple[str, ...],
    base_url: str,
    today: dt.datetime | None,
) -> None:
    """Write the week's announcement: the talk, a cancellation notice or a call for speakers."""
    if next_ and date:
        raise click.UsageError("give --next or --date, not both")
    loaded = load_series_or_exit(file, base_url=base_url)
    schedule = loaded.schedule
    try:
        session = pick_session(
            schedule,
            date=date.date() if date else None,
            today=today.date() if today else today_in(schedule.series.timezone),
        )
        announcement = compose(schedule, session)
        if form == "text":
            write_or_echo(render_text(announcement), out)
        elif form == "html":
            write_or_echo(render_html(announcement), out)
        else:
            message = email_message(
                schedule,
                announcement,
                sender=sender or schedule.series.contact,
                recipients=recipients or schedule.series.announce_to,
                now=dt.datetime.now(dt.UTC),
            )
            _write_bytes(message.as_bytes(policy=policy.SMTP), out)
    except AnnounceError as error:
        raise click.ClickException(str(error)) from None


def _write_bytes(data: bytes, out: Path | None) -> None:
    """The message as it goes on the wire (CRLF lines, 7-bit headers)."""
    if out is None:
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
        return
    try:
        write_text_atomically(out, data.decode("ascii"))
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
