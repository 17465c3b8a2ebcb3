"""The week's announcement: a talk, a cancellation notice or a call for speakers.

Organizers used to write it by hand every week from the schedule page. It is
made from the same validated session as the feed, in the languages the file
has (Chinese and English for a series with a Chinese name), as plain text, as
HTML, or as a complete e-mail (text and HTML alternatives, with the session's
.ics attached as ``METHOD:PUBLISH`` so mail programs offer "add to calendar").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from .. import texts
from ..model import Schedule, Series, Session
from ..render.ical import render_published_session
from ..render.links import volunteer_links
from ..render.listing import zone_label
from ..render.templating import environment
from ..texts import speaker_line
from ..urls import feed_url, session_url


class AnnounceError(ValueError):
    """No session to announce, or no address to send it from or to."""


@dataclasses.dataclass(frozen=True)
class Announcement:
    """What an announcement says, in parts that the text and HTML forms both show."""

    series: Series
    session: Session
    subject: str
    heading: str
    facts: tuple[tuple[str, str], ...]
    """(label, value) lines: when, where, speaker, title, reason."""
    sections: tuple[tuple[str, str], ...]
    """(label, paragraphs): abstract, bio, note, the call for speakers."""
    links: tuple[tuple[str, str], ...]
    """(label, URL): the talk's links, volunteering, the session's page, subscribing."""


def pick_session(schedule: Schedule, *, date: dt.date | None, today: dt.date) -> Session:
    """The session on ``date``, or else the next talk or cancelled date from ``today`` on."""
    if date is not None:
        found = [s for s in schedule.sessions if s.date == date]
        if not found:
            raise AnnounceError(f"no session on {date:%Y-%m-%d}; the file has none that day")
        return next((s for s in found if s.is_talk), found[0])
    upcoming = [s for s in schedule.sessions if s.date >= today and not s.is_open]
    if not upcoming:
        raise AnnounceError(f"no talk or cancelled date from {today:%Y-%m-%d} on; give --date")
    return upcoming[0]


def bilingual(series: Series) -> bool:
    """Chinese labels too when the series is written in Chinese or has a Chinese name."""
    return series.language.startswith("zh") or bool(series.local_name)


class _Draft:
    """The parts of an announcement while they are collected, labelled in the file's languages."""

    def __init__(self, series: Series, session: Session):
        self.series = series
        self.session = session
        self.facts = [(self.label(texts.ANNOUNCE_WHEN), when(series, session))]
        if session.location:
            self.facts.append((self.label(texts.ANNOUNCE_WHERE), session.location))
        self.sections: list[tuple[str, str]] = []
        self.links = [(link.label, link.url) for link in session.links]

    def label(self, words: tuple[str, str]) -> str:
        """An (English, Chinese) pair of texts as this announcement writes it."""
        english, chinese = words
        return f"{chinese} / {english}" if bilingual(self.series) else english

    def cancelled(self, day: str) -> tuple[str, str]:
        subject = f"{self.label((texts.CANCELLED, texts.ANNOUNCE_CANCELLED_ZH))}: {day}"
        if self.session.reason:
            self.facts.append((self.label(texts.ANNOUNCE_REASON), self.session.reason))
            subject += f" ({self.session.reason})"
        return self.label(texts.ANNOUNCE_NO_SEMINAR), subject

    def open_slot(self, day: str) -> tuple[str, str]:
        heading = self.label(texts.ANNOUNCE_CALL)
        call = _call(self.series, self.session)
        self.sections.append((self.label(texts.ANNOUNCE_WOULD_YOU), call))
        offer = volunteer_links(self.series, self.session)
        if offer and offer.mailto:
            self.links.append((self.label(texts.ANNOUNCE_VOLUNTEER_MAIL), offer.mailto))
        if offer and offer.issue:
            self.links.append((self.label(texts.ANNOUNCE_VOLUNTEER_GITHUB), offer.issue))
        return heading, f"{heading}: {day}"

    def talk(self, day: str) -> tuple[str, str]:
        session = self.session
        self.facts[:0] = [
            (self.label(texts.ANNOUNCE_TITLE), session.title),
            (self.label(texts.ANNOUNCE_SPEAKER), speaker_line(session)),
        ]
        if session.abstract:
            self.sections.append((self.label(texts.ANNOUNCE_ABSTRACT), session.abstract))
        if session.bio:
            self.sections.append((self.label(texts.ANNOUNCE_BIO), session.bio))
        subject = f"{day} {speaker_line(session)}: {session.title}"
        return self.label(texts.ANNOUNCE_TALK), subject

    def ending(self) -> None:
        series, session = self.series, self.session
        if session.note:
            self.sections.append((self.label(texts.ANNOUNCE_NOTE), session.note))
        if session_url(series, session):
            self.links.append((self.label(texts.ANNOUNCE_SESSION), session_url(series, session)))
        if feed_url(series):
            self.links.append((self.label(texts.ANNOUNCE_SUBSCRIBE), feed_url(series)))


def compose(schedule: Schedule, session: Session) -> Announcement:
    """A talk's announcement, a cancellation notice, or a call for speakers for an open date."""
    draft = _Draft(schedule.series, session)
    day = f"{session.date:%Y-%m-%d}"
    if session.is_cancelled:
        heading, subject = draft.cancelled(day)
    elif session.is_open:
        heading, subject = draft.open_slot(day)
    else:
        heading, subject = draft.talk(day)
    draft.ending()
    short = schedule.series.local_name or schedule.series.name
    return Announcement(
        schedule.series,
        session,
        f"[{short}] {subject}",
        heading,
        tuple(draft.facts),
        tuple(draft.sections),
        tuple(draft.links),
    )


def when(series: Series, session: Session) -> str:
    """Date, weekday, time and timezone, in English and (for a Chinese series) Chinese."""
    start, end = session.start, session.end
    english = (
        f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}–{end:%H:%M} {zone_label(session)}"
    )
    if not bilingual(series):
        return english
    chinese = f"{texts.zh_date(start.date())}{start:%H:%M}–{end:%H:%M}"
    return f"{chinese}\n{english}"


def _call(series: Series, session: Session) -> str:
    who = series.contact or " / ".join(series.organizers) or texts.THE_ORGANIZERS
    return texts.call_for_speakers(session.date, who, bilingual(series))


def render_text(announcement: Announcement) -> str:
    series = announcement.series
    lines = [series.display_name]
    if series.semester:
        lines.append(series.semester)
    lines += ["", announcement.heading, ""]
    for name, value in announcement.facts:
        first, *rest = value.split("\n")
        lines.append(f"{name}: {first}")
        lines += [f"{' ' * (len(name) + 2)}{line}" for line in rest]
    for name, text in announcement.sections:
        lines += ["", f"{name}:", text.strip("\n")]
    if announcement.links:
        lines.append("")
        lines += [f"{name}: {url}" for name, url in announcement.links]
    return "\n".join(lines) + "\n"


def render_html(announcement: Announcement) -> str:
    """Through the one autoescaping Jinja2 environment, as the site's pages."""
    return environment().get_template("announcement.html").render(a=announcement)


def email_message(
    schedule: Schedule,
    announcement: Announcement,
    *,
    sender: str,
    recipients: tuple[str, ...],
    now: dt.datetime,
) -> EmailMessage:
    """An RFC 5322 message: text and HTML alternatives and the session's .ics (METHOD:PUBLISH)."""
    if not sender:
        raise AnnounceError("no sender: give --from or set calendar.contact in the events file")
    if not recipients:
        raise AnnounceError("no recipients: give --to or set calendar.announce_to")
    message = EmailMessage()
    message["Subject"] = announcement.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("calendar-feed", domain=domain)
    message.set_content(render_text(announcement))
    message.add_alternative(render_html(announcement), subtype="html")
    session = announcement.session
    message.add_attachment(
        render_published_session(schedule, session),
        maintype="text",
        subtype="calendar",
        filename=f"{schedule.series.id}-{session.key}.ics",
        params={"method": "PUBLISH", "charset": "utf-8"},
    )
    return message
