"""The hostile-input corpus (tests/data/hostile): each file gets its exact, expected answer.

Inputs that are valid but carry injection attempts are also published, and the
feed and the page are checked to contain them only as text.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.render.ical import render_calendar
from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.source.loading import DEFAULT_MAX_BYTES
from calendar_feed.source.validation import load_schedule, load_schedule_bytes
from tests.helpers import Outline, unescape_text

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
CASES = sorted(CORPUS.glob("*.yaml"))


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expected").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_validate_answers_exactly(case, monkeypatch):
    monkeypatch.chdir(CORPUS)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", case.name])
    assert time.perf_counter() - started < 10
    assert result.output == expected.replace("{file}", case.name)
    assert result.exit_code == (0 if ": OK, " in expected else 1)
    assert "Traceback" not in result.output


VALID_INJECTIONS = [c for c in CASES if c.stem.startswith(("ical-injection-", "html-injection-"))]


@pytest.mark.parametrize("case", VALID_INJECTIONS, ids=[c.stem for c in VALID_INJECTIONS])
def test_injected_text_stays_text_in_the_feed(case):
    schedule = load_schedule(case).schedule
    data = render_calendar(schedule)
    unfolded = re.sub(rb"\r\n[ \t]", b"", data)
    assert unfolded.count(b"\r\nBEGIN:VEVENT\r\n") == 1
    assert not re.search(rb"\r\n(UID:evil|SUMMARY:injected|X-A:)", unfolded)
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"hostile-{schedule.sessions[0].key}@calendar-feed"]
    session = schedule.sessions[0]
    field = case.stem.split("-", 2)[2]
    if field in ("speaker", "title"):
        assert str(events[0]["SUMMARY"]).count(getattr(session, field)) == 1
    elif field == "location":
        assert str(events[0]["LOCATION"]) == session.location
    elif field == "calendar-name":
        name = Calendar.from_ical(data)["X-WR-CALNAME"]  # parsed raw: unescape it here
        assert unescape_text(str(name)) == schedule.series.display_name
    else:
        assert getattr(session, field) in str(events[0]["DESCRIPTION"])


@pytest.mark.parametrize("case", VALID_INJECTIONS, ids=[c.stem for c in VALID_INJECTIONS])
def test_injected_markup_stays_text_in_the_page(case):
    schedule = load_schedule(case).schedule
    html = render_listing(
        schedule, PageContext(today=dt.date(2024, 9, 1), site_url="https://x.org/")
    )
    outline = Outline(html)
    tags = [tag for tag, _ in outline.tags]
    # The one script is the page's own file; nothing from the YAML becomes a tag.
    assert [attrs for tag, attrs in outline.tags if tag == "script"] == [
        {"src": "copy.js", "defer": None}
    ]
    assert "img" not in tags
    assert not any(name.startswith("on") for _, attrs in outline.tags for name in attrs)
    hrefs = [attrs.get("href") or "" for tag, attrs in outline.tags if tag == "a"]
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs)
    if case.stem.startswith("html-injection-"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_billion_laughs_is_refused_in_bounded_time_and_memory():
    data = (CORPUS / "billion-laughs.yaml").read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="document expands to more than 500,000 values"):
        load_schedule_bytes(data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 10  # about 1 s here; the bound is against a hang, not a speed target
    assert peak < 300 * 1024 * 1024


def test_oversized_file_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_bytes(b"# padding\n" * (DEFAULT_MAX_BYTES // 10 + 1))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"{path}: file is larger than the limit of 5,000,000 bytes "
        "(raise it with --max-bytes if this is intended)\n"
        f"{path}: 1 error; nothing published\n"
    )


def test_huge_session_count_is_refused_and_the_limit_is_configurable(tmp_path):
    head = (CORPUS / "date-feb-30.yaml").read_text(encoding="utf-8").split("sessions:\n")[0]
    start = dt.date(1950, 1, 4)  # 20,001 weeks would run past 2200, the last year allowed
    lines = [
        f"  - date: {start + dt.timedelta(weeks=i // 2)}\n    id: s{i}\n" for i in range(20_001)
    ]
    path = tmp_path / "events.yaml"
    path.write_text(head + "sessions:\n" + "".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{path}:9:3: sessions: 20,001 sessions is more than the limit of 20,000 "
        "(raise it with --max-sessions if this is intended)\n"
    )
    result = CliRunner().invoke(main, ["validate", str(path), "--max-sessions", "30000"])
    assert result.exit_code == 0
    assert result.output.endswith("OK, 20001 sessions (0 talks, 0 cancelled, 20001 open slots)\n")


def test_extremely_long_text_is_published_and_folded(tmp_path):
    head = (CORPUS / "date-feb-30.yaml").read_text(encoding="utf-8").split("sessions:\n")[0]
    abstract = "长" * 100_000 + "x" * 100_000
    path = tmp_path / "events.yaml"
    path.write_text(
        head
        + f"sessions:\n  - date: 2024-09-11\n    speaker: A\n    title: T\n    abstract: {abstract}\n",
        encoding="utf-8",
    )
    schedule = load_schedule(path).schedule
    data = render_calendar(schedule)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert abstract in str(event["DESCRIPTION"])
