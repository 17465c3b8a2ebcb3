"""Every phrase people read in what calendar-feed publishes, and nowhere else.

Calendar titles and descriptions, the pages (single series, department, embed,
poster, error pages), the week's announcement, the Atom news and the words of
``calendar-feed diff`` all take their wording from here: changing how something
is said is an edit of this file alone (tests/test_texts.py checks it).
Messages about the events file itself (validation, CLI output) stay with the
code that finds the problem.

Python renderers read these names at call time (``texts.CANCELLED``, not a copy
taken at import). Templates reach this module as ``words``
(``{{ words.UPCOMING_HEADING }}``, see render/templating.py): every value is
plain text, escaped for HTML there. A sentence with a link or code in it names
the markup's place in braces (``{file}``), which the template fills with
``.format()``: the sentence stays whole here, the markup stays in the template.

Calendar apps show descriptions as plain text (Apple and Thunderbird print HTML
tags raw), so descriptions here are text with blank lines between parts and
links written out as bare URLs.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from .fields import DETAILS
from .model import Kind, Series, Session
from .urls import session_url

# -- what a session is ------------------------------------------------------------

CANCELLED = "Cancelled"
"""How a cancelled session is marked, in every output: the page's badge, the poster,
the announcement's subject and the news; calendar titles and descriptions write it in
capitals (cancelled_mark), the only thing Outlook users see of a cancellation."""
OPEN_SLOT = "Open slot"
"""An open date without a speaker: its calendar title, description and badge."""
REASON_LIMIT = 30
"""Columns of a cancellation's reason kept in its summary, so the title still shows."""


def cancelled_mark() -> str:
    """'CANCELLED': CANCELLED as calendar titles and descriptions write it."""
    return CANCELLED.upper()


def cancelled_prefix(reason: str) -> str:
    """'CANCELLED (假期): ' before a cancelled session's title; 'CANCELLED: ' without a reason."""
    short = short_reason(reason)
    return f"{cancelled_mark()} ({short}): " if short else f"{cancelled_mark()}: "


def without_cancelled_prefix(summary: str, reason: str) -> str:
    """A cancelled session's summary without what cancelled_prefix put before it."""
    return summary.removeprefix(cancelled_prefix(reason))


def short_reason(reason: str) -> str:
    """The reason on one line, at most REASON_LIMIT columns (a Chinese character takes two),
    cut between characters with an ellipsis when longer."""
    text = " ".join(reason.split())
    if _width(text) <= REASON_LIMIT:
        return text
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > REASON_LIMIT - 1:  # one column for the ellipsis
            cut = text[:index]
            space = cut.rfind(" ")
            if space > len(cut) // 2:  # between words, where there are words
                cut = cut[:space]
            return cut.rstrip(" ,，、;；:：") + "…"
    return text  # pragma: no cover - the whole text was shown to be too wide


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# -- calendar events: SUMMARY, DESCRIPTION, CONFERENCE ------------------------------

ABSTRACT = "Abstract"
ABOUT_THE_SPEAKER = "About the speaker"
JOIN_ONLINE = "Join online"
"""The meeting link: its paragraph in descriptions, its CONFERENCE label, its link on pages."""
DETAIL_HEADINGS = {"abstract": ABSTRACT, "bio": ABOUT_THE_SPEAKER, "online": JOIN_ONLINE}
"""The heading of a detail's paragraph in event descriptions, for each detail whose
FieldRule.heading is not None (model.py); a detail without one here has no heading."""
NO_SESSION_THIS_WEEK = "no session this week."
NO_SPEAKER_YET = "no speaker yet."
WOULD_YOU_LIKE_TO_SPEAK = "Would you like to speak? Contact the organizers: {who}."


def speaker_line(session: Session) -> str:
    if session.speaker and session.affiliation:
        return f"{session.speaker} ({session.affiliation})"
    return session.speaker or session.affiliation


def event_summary(series: Series, session: Session) -> str:
    """The one line a calendar shows: speaker and title, or what kind of date this is."""
    if session.speaker and session.title:
        base = f"{session.speaker}: {session.title}"
    else:
        base = session.title or session.speaker or series.name
    if session.is_cancelled:
        # Outlook shows a cancelled event like any other: the title is all its users see.
        return cancelled_prefix(session.reason) + base
    if session.is_open:
        return f"{OPEN_SLOT}: {series.name}"
    return base


def event_description(series: Series, session: Session) -> str:
    """Everything an attendee wants in the event body, paragraphs kept."""
    parts: list[str] = []
    if session.is_cancelled:
        parts.append(f"{cancelled_mark()}: {session.reason or NO_SESSION_THIS_WEEK}")
    if session.is_open:
        who = ", ".join(series.organizers)
        parts.append(
            f"{OPEN_SLOT}: {NO_SPEAKER_YET}"
            + (" " + WOULD_YOU_LIKE_TO_SPEAK.format(who=who) if who else "")
        )
    heading = [line for line in (session.title, speaker_line(session)) if line]
    if heading:
        parts.append("\n".join(heading))
    for name, rule in DETAILS:  # abstract, bio, links, note: each a paragraph of its own
        value = getattr(session, name)
        if not value or (rule.heading is None and rule.kind is not Kind.LINKS):
            continue
        if rule.kind is Kind.LINKS:
            parts.append("\n".join(f"{link.label}: {link.url}" for link in value))
        else:
            title = DETAIL_HEADINGS.get(name, "")
            parts.append(f"{title}:\n{value}" if title else value)
    url = session_url(series, session)
    tail = [series.display_name]
    if url:
        tail.append(url)
    parts.append("\n".join(tail))
    return "\n\n".join(parts)


# -- times and dates ---------------------------------------------------------------

ZONE_NAMES = {"Asia/Shanghai": "Beijing time", "Asia/Hong_Kong": "Hong Kong time"}
"""Friendly names of timezones; any other is called after its city (ZONE_TIME)."""
ZONE_TIME = "{city} time"
ZH_WEEKDAYS = "一二三四五六日"


def zh_day(day: dt.date) -> str:
    """'9月11日 周三': a date on the poster, in Chinese."""
    return f"{day.month}月{day.day}日 周{ZH_WEEKDAYS[day.weekday()]}"


def zh_date(day: dt.date) -> str:
    """'2024年9月11日（星期三）': a date in an announcement, in Chinese."""
    return f"{day.year}年{day.month}月{day.day}日（星期{ZH_WEEKDAYS[day.weekday()]}）"


# -- the series' page (index.html, session.html) ------------------------------------

ANNOUNCEMENTS_TITLE = "{name}: announcements"
"""The Atom feed's title, and its name in the pages' <link rel="alternate">."""
ORGANIZERS = "Organizers / 负责人: {names}"
SUBSCRIBE_HEADING = "Subscribe / 订阅"
SUBSCRIBE_INTRO = (
    "Add the whole schedule to your calendar once; new talks and changes appear by themselves."
)
FEED_URL_LABEL = "Feed URL (copy it into any calendar app):"
COPY_BUTTON = "Copy / 复制"
COPIED_BUTTON = "Copied / 已复制"
"""The Copy button's words once it has copied (copy.js reads them from the page)."""
SKIP_TO_SCHEDULE = "Skip to the schedule / 跳到日程"
"""The first thing a keyboard reaches on a page: a link past the header to the sessions."""
REFRESH_INTRO = (
    "Calendar apps fetch the feed on their own schedule, so an edit may take a while to appear:"
)
REFRESH_TIMES = (
    "Google Calendar: usually 8–24 hours, sometimes longer",
    "Apple Calendar: the refresh you chose when subscribing (5 minutes to weekly)",
    "Outlook (web, Microsoft 365, Windows): a few hours, up to a day or more",
    "Thunderbird: every 30 minutes by default (configurable)",
)
REFRESH_OUTRO = "This page always shows the latest schedule."
DOWNLOAD_FEED = (
    "Download {file} and import it into your calendar, or subscribe to its web address once "
    "this site is published (set {setting} to show subscribe buttons here)."
)
QR_CAPTION = "Scan to subscribe from a phone"
QR_TITLE = "QR code for {url}"
"""The QR code's title (the SVG's tooltip and accessible name)."""
FEED_OPTIONS_LEAD = "Options for the feed URL / 订阅选项:"
WITHOUT_OPEN_SLOTS = "leaves open slots out"
"""What ``?tba=0`` does: on the page, and in the server's answer to a wrong value."""
WITHOUT_CANCELLED = "leaves cancelled sessions out"
"""What ``?cancelled=0`` does: on the page, and in the server's answer to a wrong value."""
WITH_ALARM = (
    "adds a reminder 15 minutes before each talk (0 to 10080 minutes); "
    "never on open slots or cancelled sessions"
)
COMBINE_OPTIONS = "Combine them with {ampersand}: {example}"
ALARM_NOTE = (
    "Reminders depend on your app: Google Calendar ignores reminders in subscribed calendars "
    "(set the calendar's own “Event notifications” instead), and Apple Calendar's subscribe "
    "dialog removes alerts unless you untick “Remove: Alerts”."
)
NEXT_POINTER = "Next:"
UPCOMING_HEADING = "Upcoming / 即将进行"
NO_MORE_THIS_SEMESTER = "No more sessions this semester."
PAST_HEADING = "Past / 已结束"
ARCHIVED = (
    "{count} more sessions, further back or further ahead than this page shows, are in the "
    "complete archive: {ical} (iCalendar) and {json}."
)
MAINTAINED_BY = "This webpage is maintained by {maintainer}."
ALSO_AS = (
    "Also as {ical}, {json} and an {atom} (new talks, cancellations, moves). "
    "Made with calendar-feed."
)
ICALENDAR = "iCalendar"
JSON = "JSON"
ATOM_FEED = "Atom feed of announcements"
NEXT_BADGE = "Next"
DETAILS_SUMMARY = "Abstract and speaker / 具体信息"
ABSTRACT_HEADING = "Abstract / 摘要"
SPEAKER_HEADING = "Speaker / 报告人信息"
NO_SPEAKER_NOTE = "No speaker yet."
NO_SPEAKER_ASK = "No speaker yet — want to speak? Ask {names}."
OR = "or"
"""Between the last two names of a list ('Ask A or B')."""
VOLUNTEER = "Volunteer for this date"
OR_OPEN_AN_ISSUE = "or open an issue"
ONLINE_LABEL = "Online / 线上:"
DOWNLOAD_ICS = "Download .ics"
ADD_TO_GOOGLE = "Add to Google Calendar"


def session_counts(talks: int, open_slots: int, cancelled: int) -> str:
    """'2 talks · 14 open slots · 2 cancelled', under the series' name."""
    return (
        f"{talks} talk{'s' if talks != 1 else ''} · "
        f"{open_slots} open slot{'s' if open_slots != 1 else ''} · {cancelled} cancelled"
    )


def listing_problems(errors: int) -> str:
    """The banner over a page served from the last valid version of events.yaml."""
    return (
        f"events.yaml has {errors} error{'s' if errors != 1 else ''}; "
        "this page still shows the last valid version."
    )


# -- subscribe buttons (every page with a feed URL) -------------------------------

GOOGLE_CALENDAR = "Google Calendar"
APPLE_CALENDAR = "Apple Calendar / other apps"
OUTLOOK_COM = "Outlook.com"
MICROSOFT_365 = "Microsoft 365 (work or school)"
GOOGLE_FALLBACK = (
    "If Google Calendar says “Unable to add calendar”, open its {page} page and paste the "
    "feed URL there."
)
GOOGLE_FROM_URL = "From URL"

# -- a department's pages (department.html, series.html, term.html, embed.html) ------

EVERY_SERIES_FEED = "Every series in one feed:"
SOME_FEEDS = (
    "Only some of them: {talks} (no open slots){tags}; or one series' feed from the list below."
)
TALKS_ONLY = "talks only"
FEED_FILTERS = "Any feed also takes {series}, {tag}, {tba}, {cancelled} and {alarm}."
SERIES_HEADING = "Series / 讨论班"
FEED = "feed"
ARCHIVE = "archive:"
MORE_IN_EACH_SERIES = "{count} more later; see each series' page."
MORE_IN_THE_FEED = "{count} more later (in the feed)."
NO_UPCOMING = "No upcoming sessions."
NO_MORE_THIS_TERM = "No more sessions this term."
TERMS_HEADING = "Terms / 往期"
ARCHIVE_HEADING = "Archive / 往期"
TERM_SESSIONS = "{count} sessions"
DEPARTMENT_ALSO_AS = "Also as {json} and a compact {embed} in other pages. Made with calendar-feed."
LIST_TO_EMBED = "list to embed"
SERIES_ALSO_AS = "Also as {json} and an {atom}."
WHOLE_TERM = "The whole term in one feed: {file}"
WHOLE_PERIOD = "All of {label} in one feed: {file}"
SESSIONS_LABEL = "Sessions"
EMBED_TITLE = "{site}: upcoming"


def department_counts(series: int, upcoming: int) -> str:
    """'3 series · 5 upcoming sessions', under the department's name."""
    return f"{series} series · {upcoming} upcoming session{'s' if upcoming != 1 else ''}"


def site_problems(errors: int) -> str:
    """The banner over a department's pages while some of its files have errors."""
    return (
        f"{errors} error{'s' if errors != 1 else ''} in the site's files; "
        "the affected series still show their last valid version."
    )


# -- the poster (poster.html, poster_row.html) ---------------------------------------

POSTER_TITLE = "{title} (poster)"
POSTER_QR_CAPTION = "Subscribe / 订阅日历"
POSTER_CANCELLED_ZH = "暂停"
"""CANCELLED in Chinese on the poster: 'Cancelled / 暂停'."""
POSTER_OPEN = "Open — speakers welcome / 欢迎报名报告"
POSTER_FEED = "Subscribe to the calendar / 订阅日历: {url}"
POSTER_SITE = "All details / 详细信息: {url}"

# -- the live server's error pages (error.html) -------------------------------------

ERROR_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}
ERROR_TITLE = "Error"
"""The title of an error page whose code has none in ERROR_TITLES."""
ERROR_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This address can only be read (GET or HEAD).",
}
BAD_HOST = "The Host header of this request is not a host name."
NO_SUCH_SESSION = "There is no session with that id. The listing links to each one."
BACK_TO_SCHEDULE = "Back to the schedule"

# -- volunteering for an open slot (mailto: and GitHub issue links) -----------------

VOLUNTEER_SUBJECT = "Volunteer for {date}: {series}"
VOLUNTEER_INTRO = "I would like to speak at {series} on {date}.\nThe session for events.yaml:\n\n"
VOLUNTEER_PLACEHOLDERS = {
    "speaker": "Your name / 姓名",
    "affiliation": "Your institution / 单位",
    "title": "Title of the talk / 题目",
    "abstract": "A paragraph or two about the talk. / 摘要",
    "bio": "A few lines about you. / 报告人信息",
}
"""What the volunteer replaces in the session block they are sent, by key (plain YAML
scalars: no ': ' and no leading punctuation)."""

# -- the week's announcement (organize/announce.py): (English, Chinese) labels -------

ANNOUNCE_WHEN = ("When", "时间")
ANNOUNCE_WHERE = ("Where", "地点")
ANNOUNCE_CANCELLED_ZH = "取消"
"""CANCELLED in Chinese in an announcement's subject."""
ANNOUNCE_REASON = ("Reason", "原因")
ANNOUNCE_NO_SEMINAR = ("No seminar this week", "本周讨论班暂停")
ANNOUNCE_CALL = ("Call for speakers", "征集报告人")
ANNOUNCE_WOULD_YOU = ("Would you like to speak?", "欢迎报告")
ANNOUNCE_VOLUNTEER_MAIL = ("Volunteer by e-mail", "邮件报名")
ANNOUNCE_VOLUNTEER_GITHUB = ("Volunteer on GitHub", "在 GitHub 报名")
ANNOUNCE_TITLE = ("Title", "题目")
ANNOUNCE_SPEAKER = ("Speaker", "报告人")
ANNOUNCE_ABSTRACT = (ABSTRACT, "摘要")
ANNOUNCE_BIO = (ABOUT_THE_SPEAKER, "报告人信息")
ANNOUNCE_TALK = ("This week's talk", "本周报告")
ANNOUNCE_NOTE = ("Note", "备注")
ANNOUNCE_SESSION = ("This session", "本次讨论班")
ANNOUNCE_SUBSCRIBE = ("Subscribe to the calendar", "订阅日历")
THE_ORGANIZERS = "the organizers"
"""Who to write to when the series names no contact and no organizers."""


def call_for_speakers(day: dt.date, who: str, chinese: bool) -> str:
    """The paragraph asking for a speaker for the open date ``day``."""
    if chinese:
        return (
            f"The session on {day:%a %d %b %Y} has no speaker yet. To give a talk "
            f"(your own work, a paper you like, a tutorial), write to {who}.\n\n"
            f"{day.month}月{day.day}日的讨论班尚无报告人，欢迎报名。"
        )
    return f"The session on {day:%a %d %b %Y} has no speaker yet. To give a talk, write to {who}."


# -- the revision history: calendar-feed diff, and the announcements feed -----------

CHANGE_WORDS = {
    "new talk": "new talk announced",
    "new open slot": "new open slot",
    "new cancelled date": "new date, cancelled",
    "talk announced": "talk announced",
    "talk withdrawn": "talk withdrawn, open slot again",
    "cancelled": "cancelled",
    "reopened": "reopened",
    "restored": "back in events.yaml",
    "moved": "time changed",
    "room": "place changed",
    "edited": "text edited",
    "details": "details changed",
    "removed": "removed",
}
"""How ``diff``, ``build`` and the server's log word each kind of change (by its short
name, history.changes.ChangeKind) for an organizer."""
REMOVED_REASON = "removed from the schedule"
"""The reason a session taken out of events.yaml shows while the feed keeps it cancelled."""
NO_PLACE = "(none)"


def change_reason(reason: str) -> str:
    return f"reason: {reason}"


def change_time(before: str, after: str) -> str:
    return f"time: {before} -> {after}"


def change_place(before: str, after: str) -> str:
    return f"place: {before or NO_PLACE} -> {after or NO_PLACE}"


def removal(keep_days: int) -> str:
    """What happens to a session taken out of events.yaml."""
    if keep_days:
        return (
            f"removed from events.yaml; stays in the feed as {cancelled_mark()} "
            f"for {keep_days} days"
        )
    return "removed from events.yaml and from the feed"


def change_line(key: str, what: str, details: Sequence[str], summary: str, sequence: int) -> str:
    """One line of ``calendar-feed diff``: the session, what changed, and its new SEQUENCE."""
    if details:
        what += f" ({'; '.join(details)})"
    return f'{key}: {what}: "{summary}" [SEQUENCE {sequence}]'


NEWS_REMOVED = "Removed: {what} ({when})"
NEWS_REMOVED_TEXT = "This session was removed from the schedule."
NEWS_NEW_TALK = "New talk: {what} ({when})"
NEWS_BACK_ON = "Back on: {what} ({when})"
NEWS_MOVED = "Moved: {what} (now {when})"


def news_cancelled(what: str, when: str, reason: str) -> str:
    """The news entry's title for a cancellation: 'Cancelled (运动会): … (Wed …)'."""
    return f"{CANCELLED}{f' ({reason})' if reason else ''}: {what} ({when})"


# -- what `calendar-feed import` says ----------------------------------------------
# Problems are printed as ``PAGE:LINE: message``; the person reading them is moving a
# seminar in, so each says what was found and what to do.

IMPORT_NO_SCHEDULE = (
    "not a schedule: found no table, list or headings of dates "
    "(like `| Sep 11 | Speaker | Title |` or `- **Sep 11**: Title (Speaker)`)"
)
IMPORT_SKIPPED = "skipped: {what}"
IMPORT_NO_DATE = 'no date in "{text}"'
IMPORT_OTHER_SCHEDULE = (
    "another schedule here ({count} dates); only the one at line {line} is imported"
)
IMPORT_BREAK = '"{text}" is a break in the programme, not a session'
IMPORT_NOT_A_DATE = '"{text}" is not a real date'
IMPORT_UNKNOWN_COLUMN = 'column "{heading}" (name its field with --column FIELD="{heading}")'
IMPORT_DATE_ORDER = (
    'cannot tell whether "{text}" is day/month or month/day: no date in the column tells; '
    "give --date-order dmy or --date-order mdy"
)
IMPORT_NO_YEAR = (
    'cannot tell the year of "{text}": the page names none (like "Fall 2024" or "2024秋"); '
    "give --year"
)
IMPORT_WRONG_WEEKDAY = "{date} is a {actual}, but the page says {written}; the date is kept"
IMPORT_TEXT_IN_NOTE = "text after the date; kept in the note of {date}"
IMPORT_PLACEHOLDER = 'the talk on {date} has no {key}; its {key} is set to "TBA"'
IMPORT_PLACEHOLDERS = '{count} talks have no {key} (lines {lines}); their {key} is set to "TBA"'
IMPORT_DUPLICATE = "{date} is listed again (first at line {first}); this session gets the id {id}"
IMPORT_NO_TIME = (
    "no usual time: the page states none (like `Time: 3:00-4:00pm`); give --start and --end"
)
IMPORT_NO_END = "the usual time has a start ({start}) but no end; give --end"
IMPORT_MACHINE_ZONE = (
    "timezone {zone} is this machine's: the page names none; give --timezone if the seminar "
    "meets elsewhere"
)
IMPORT_NO_ZONE = "no timezone: the page names none and this machine has none set; give --timezone"
IMPORT_NAMED_AFTER_FILE = (
    'no title for the series in the file; it is named "{name}" after the file (edit calendar.name)'
)
IMPORT_NOT_UTF8 = (
    "not UTF-8 or UTF-16 text; it looks like {encoding}: save it as UTF-8 and import again"
)
IMPORT_BAD_BOM = "starts with a {encoding} byte-order mark but is not {encoding} text"
IMPORT_SUMMARY = "{name}: {found} found: {talks}, {cancelled}, {open}, {skipped}"


def import_skipped(what: str) -> str:
    """``skipped: …``, the prefix --strict turns into an error."""
    return IMPORT_SKIPPED.format(what=what)


# build and validate, about a file people open or subscribe to and the byte budget
# (site/budget.py): what the file is, why its size matters, and what it keeps.
SIZE_WHAT = {"feed": "feed", "page": "page", "file": "file"}
SIZE_WHY = {
    "feed": "Google Calendar stops importing subscribed feeds",
    "page": "phones and scripts slow down",
    "file": "phones and scripts slow down",
}
SIZE_CUT = (
    "{what} keeps {kept}, from {first} to {last}, to stay within {budget:,} KB "
    "(at about 1 MB {why}); {past:,} earlier and {upcoming:,} later ones it would hold "
    "(`feed_window`: {window}) are only in the archive files"
)
SIZE_STILL = "; even so it is {size:,.0f} KB"
SIZE_PAST = (
    "{what} is {size:,.0f} KB, past the about 1 MB where {why}; it holds {past:,} past "
    "sessions (`feed_window`: {window}) and {upcoming:,} upcoming ones"
)
SIZE_TERM = (
    "{what} is {size:,.0f} KB, past the about 1 MB where {why}; it is the archive of "
    "{term} and lists all its {count}"
)
SIZE_NO_SESSION = "none"


def sessions(count: int) -> str:
    """'1 session', '1,234 sessions'."""
    return f"{count:,} session{'' if count == 1 else 's'}"
