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

from ..model import Schedule, Series, Session
from ..render.announcement import render_announcement_html
from ..render.ical import render_published_session
from ..render.links import volunteer_links
from ..render.listing import zone_label
from ..texts import speaker_line
from ..urls import feed_url, session_url

ZH_WEEKDAYS = "一二三四五六日"


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


def compose(schedule: Schedule, session: Session) -> Announcement:
    series = schedule.series

    def label(english: str, chinese: str) -> str:
        return f"{chinese} / {english}" if bilingual(series) else english

    facts = [(label("When", "时间"), when(series, session))]
    if session.location:
        facts.append((label("Where", "地点"), session.location))
    sections: list[tuple[str, str]] = []
    links = [(link.label, link.url) for link in session.links]
    day = f"{session.date:%Y-%m-%d}"
    if session.is_cancelled:
        heading = label("No seminar this week", "本周讨论班暂停")
        subject = f"{label('Cancelled', '取消')}: {day}"
        if session.reason:
            facts.append((label("Reason", "原因"), session.reason))
            subject += f" ({session.reason})"
    elif session.is_open:
        heading = label("Call for speakers", "征集报告人")
        subject = f"{heading}: {day}"
        sections.append((label("Would you like to speak?", "欢迎报告"), _call(series, session)))
        offer = volunteer_links(series, session)
        if offer and offer.mailto:
            links.append((label("Volunteer by e-mail", "邮件报名"), offer.mailto))
        if offer and offer.issue:
            links.append((label("Volunteer on GitHub", "在 GitHub 报名"), offer.issue))
    else:
        heading = label("This week's talk", "本周报告")
        subject = f"{day} {speaker_line(session)}: {session.title}"
        facts[:0] = [(label("Speaker", "报告人"), speaker_line(session))]
        facts[:0] = [(label("Title", "题目"), session.title)]
        if session.abstract:
            sections.append((label("Abstract", "摘要"), session.abstract))
        if session.bio:
            sections.append((label("About the speaker", "报告人信息"), session.bio))
    if session.note:
        sections.append((label("Note", "备注"), session.note))
    if session_url(series, session):
        links.append((label("This session", "本次讨论班"), session_url(series, session)))
    if feed_url(series):
        links.append((label("Subscribe to the calendar", "订阅日历"), feed_url(series)))
    short = series.local_name or series.name
    return Announcement(
        series,
        session,
        f"[{short}] {subject}",
        heading,
        tuple(facts),
        tuple(sections),
        tuple(links),
    )


def when(series: Series, session: Session) -> str:
    """Date, weekday, time and timezone, in English and (for a Chinese series) Chinese."""
    start, end = session.start, session.end
    english = (
        f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}–{end:%H:%M} {zone_label(session)}"
    )
    if not bilingual(series):
        return english
    chinese = (
        f"{start.year}年{start.month}月{start.day}日（星期{ZH_WEEKDAYS[start.weekday()]}）"
        f"{start:%H:%M}–{end:%H:%M}"
    )
    return f"{chinese}\n{english}"


def _call(series: Series, session: Session) -> str:
    who = series.contact or " / ".join(series.organizers) or "the organizers"
    return (
        f"The session on {session.date:%a %d %b %Y} has no speaker yet. To give a talk "
        f"(your own work, a paper you like, a tutorial), write to {who}.\n\n"
        f"{session.date.month}月{session.date.day}日的讨论班尚无报告人，欢迎报名。"
        if bilingual(series)
        else f"The session on {session.date:%a %d %b %Y} has no speaker yet. To give a talk, "
        f"write to {who}."
    )


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
    return render_announcement_html(announcement)


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
