"""Wording is declared once, in calendar_feed/texts.py: change it there and every output follows.

The first test changes how a cancelled session is marked, in the module alone, and
follows it into the feed's SUMMARY and DESCRIPTION, the page, the poster, the
department's pages, the announcement, the Atom news and the words of ``diff``
(including the news title, which strips the calendar title's prefix again). The
guards below fail when a phrase is written again in code or a template.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from markupsafe import Markup

from calendar_feed import texts
from calendar_feed.fields import DETAILS
from calendar_feed.history import describe_change
from calendar_feed.organize.announce import compose
from calendar_feed.publish.build import build_site
from calendar_feed.render.components import event_ical
from calendar_feed.render.templating import Words, environment
from calendar_feed.source.validation import load_schedule
from tests.helpers import ROOT, session_of

PACKAGE = ROOT / "calendar_feed"
T0 = dt.datetime(2024, 9, 1, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 9, 5, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def fresh_renders() -> Iterator[None]:
    """The per-process cache forgets events rendered with other wording, before and after."""
    event_ical.cache_clear()
    yield
    event_ical.cache_clear()


def _publish(events: Path, now: dt.datetime):
    return build_site(
        events, None, history=events.with_name("events.history.json"),
        today=dt.date(2024, 9, 1), now=now,
    )  # fmt: skip


def _event(feed: bytes, key: str):
    uid = f"pku-am-lunch-{key}@calendar-feed"
    return next(e for e in Calendar.from_ical(feed).walk("VEVENT") if str(e["UID"]) == uid)


@pytest.mark.usefixtures("fresh_renders")
def test_cancellation_wording_comes_from_texts_alone(shipped_copy, monkeypatch):
    monkeypatch.setattr(texts, "CANCELLED", "Called off")
    _publish(shipped_copy, T0)
    text = shipped_copy.read_text(encoding="utf-8")
    day = "  - date: 2024-10-16\n"
    shipped_copy.write_text(
        text.replace(day, day + "    status: cancelled\n    reason: 运动会\n"), encoding="utf-8"
    )
    result = _publish(shipped_copy, T1)
    files = dict(result.files)

    event = _event(files["calendar.ics"], "2024-10-16")
    assert str(event["SUMMARY"]) == "CALLED OFF (运动会): PKU Applied Math Lunch Seminar"
    assert str(event["DESCRIPTION"]).startswith("CALLED OFF: 运动会\n\n")
    assert str(_event(files["calendar.ics"], "2024-09-18")["SUMMARY"]).startswith("CALLED OFF: ")
    page = files["index.html"].decode()
    assert '<span class="badge cancelled-badge">Called off (<bdi>运动会</bdi>)</span>' in page
    assert (
        '<span lang="en">Called off</span> / <span lang="zh">暂停</span> (运动会)'
        in files["poster.html"].decode()
    )
    [change] = [c for c in result.release.changes if c.key == "2024-10-16"]
    assert describe_change(change) == (
        '2024-10-16: cancelled (reason: 运动会): "CALLED OFF (运动会): '
        'PKU Applied Math Lunch Seminar" [SEQUENCE 1]'
    )
    news = files["announcements.atom"].decode()
    assert (
        "<title>Called off (运动会): PKU Applied Math Lunch Seminar (Wed 2024-10-16 12:00)" in news
    )
    schedule = load_schedule(shipped_copy).schedule
    notice = compose(schedule, session_of(schedule, "2024-10-16"))
    assert notice.subject == "[应用数学青年讨论班（午餐会）] 取消 / Called off: 2024-10-16 (运动会)"

    department = build_site(
        ROOT / "examples/department/site.yaml", None, history=False, today=dt.date(2024, 9, 1)
    )
    site = {path: body for path, body in department.files.items() if path.endswith(".html")}
    assert any(b"Called off (" in body for body in site.values())
    for path, body in [*files.items(), *site.items()]:
        if path.endswith(".ics"):  # STATUS:CANCELLED is iCalendar's own word
            body = re.sub(rb"^STATUS:CANCELLED\r$", b"", body, flags=re.MULTILINE)
        assert b"CANCELLED" not in body, path
        assert b"Cancelled" not in body, path


def test_each_detail_with_a_heading_has_its_words():
    """model.py's FieldRule.heading says whether a detail has a heading; texts says it."""
    assert set(texts.DETAIL_HEADINGS) == {name for name, rule in DETAILS if rule.heading}


def test_the_prefix_comes_off_exactly_as_it_went_on():
    for reason in ("", "假期", "a reason far too long to be shown whole in a calendar title"):
        title = texts.cancelled_prefix(reason) + "Speaker: Title"
        assert texts.without_cancelled_prefix(title, reason) == "Speaker: Title"


# -- guards: no phrase written twice ------------------------------------------------

PHRASES = (
    "CANCELLED", "Cancelled", "Open slot", "Abstract", "About the speaker", "Join online",
    "speaker yet", "Would you like to speak", "no session this week", "Subscribe", "Upcoming",
    "Volunteer", "Also as", ": announcements", "Call for speakers", "Back on", "New talk",
    "removed from the", "time changed", "place changed", "Beijing time", "暂停", "取消", "订阅", "星期",
)  # fmt: skip
"""Phrases of the outputs that only texts.py may write."""
NOT_OUTPUTS = ("cli.py", "commands/", "source/", "organize/init_project.py", "importing/")
"""Modules whose text is CLI output, validation messages, a new project's files, or the
words import recognises in other seminars' schedules ("Cancelled", "取消", STATUS:CANCELLED)."""
ALLOWED = {
    ("render/ical_bytes.py", "CANCELLED"): "iCalendar's STATUS value (RFC 5545)",
    ("model.py", "Abstract"): "FieldRule.heading, read only for whether there is one",
    ("model.py", "About the speaker"): "FieldRule.heading, likewise",
    ("model.py", "Join online"): "FieldRule.heading, likewise",
    ("model.py", "Volunteer"): "calendar.contact's help in the reference, naming the page's link",
}
"""(module, phrase) written outside texts.py on purpose, and why."""


def phrases_in_code(source: str) -> Iterator[tuple[int, str]]:
    """(line, phrase) for each phrase in a string literal of ``source`` (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = {
        id(statement.value)
        for node in ast.walk(tree)
        if isinstance(getattr(node, "body", None), list)  # not a lambda's expression
        for statement in node.body  # type: ignore[attr-defined]
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value if id(node) not in docstrings else ""
            yield from ((node.lineno, phrase) for phrase in PHRASES if phrase in text)


def test_the_guard_finds_a_copy():
    assert list(phrases_in_code('"""Cancelled"""\nx = f"CANCELLED ({r}): "')) == [(2, "CANCELLED")]


def test_no_phrase_of_the_outputs_is_written_outside_texts():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "texts.py" or module.startswith(NOT_OUTPUTS):
            continue
        for line, phrase in phrases_in_code(path.read_text(encoding="utf-8")):
            if (module, phrase) not in ALLOWED:
                found.append(f"calendar_feed/{module}:{line}: {phrase!r}")
    assert found == []


TEMPLATE_NAMES = {
    *("calendar.ics", "calendar-feed", "tba", "cancelled", "alarm", "class", "embed", "lang"),
    "sessions",
}
"""Words a template may write itself: file names, query parameters, attributes, an id."""


def test_templates_write_markup_and_no_words():
    """What a template writes outside {{ }} and {% %} is tags, entities and punctuation."""
    env = environment()
    for path in sorted((PACKAGE / "templates").iterdir()):
        pieces = env.lex(path.read_text(encoding="utf-8"))
        text = "".join(value if kind == "data" else "\0" for _, kind, value in pieces)
        text = re.sub(r"&#?\w+;", " ", re.sub(r"<[^>]*>", " ", text))
        words = set(re.findall(r"[^\W\d_]{2,}(?:[.-][^\W\d_]+)*", text))
        assert words <= TEMPLATE_NAMES, path.name


def test_every_phrase_a_template_names_exists_and_every_phrase_is_used():
    sources = {
        p: p.read_text(encoding="utf-8")
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts  # bytecode, where Python writes it
    }
    in_templates = {
        name
        for path, text in sources.items()
        if path.parent.name == "templates"
        for name in re.findall(r"\bwords\.(\w+)", text)
    }
    assert in_templates - set(vars(texts)) == set()
    module = sources[PACKAGE / "texts.py"]
    elsewhere = "".join(text for path, text in sources.items() if path.name != "texts.py")
    defined = [
        target.id if isinstance(node, ast.Assign) else node.name
        for node in ast.parse(module).body
        if isinstance(node, ast.Assign | ast.FunctionDef)
        for target in (node.targets if isinstance(node, ast.Assign) else [node])
        if isinstance(target, ast.Name | ast.FunctionDef)
    ]
    unused = [
        name
        for name in defined
        if not name.startswith("_")
        and not re.search(rf"\b{name}\b", elsewhere)
        and len(re.findall(rf"\b{name}\b", module)) < 2  # nor used by texts itself
    ]
    assert unused == []


# -- how templates see texts ------------------------------------------------------


def test_words_are_text_escaped_for_html_and_keep_apostrophes(monkeypatch):
    words = Words()
    monkeypatch.setattr(texts, "NO_UPCOMING", 'Tom\'s <b> & "friends"')
    assert Markup("Tom's &lt;b&gt; &amp; &#34;friends&#34;") == words.NO_UPCOMING
    monkeypatch.setattr(texts, "NO_UPCOMING", "changed")
    assert Markup("changed") == words.NO_UPCOMING  # read from the module on each use


def test_sentences_escape_what_fills_them_as_autoescaping_does():
    filled = Words().ORGANIZERS.format(names="O'Neil <script>")
    assert filled == Markup(
        '<span lang="en">Organizers</span> / <span lang="zh">负责人</span>: O&#39;Neil &lt;script&gt;'
    )


def test_template_functions_take_numbers_not_text():
    words = Words()
    assert words.session_counts(1, 2, 3) == "1 talk · 2 open slots · 3 cancelled"
    with pytest.raises(TypeError, match="takes numbers"):
        words.session_counts("<b>", 2, 3)


def test_a_misspelt_phrase_fails_instead_of_rendering_nothing():
    template = environment().from_string("{{ words.NO_SUCH_PHRASE }}")
    with pytest.raises(LookupError, match="NO_SUCH_PHRASE"):
        template.render()
