"""`calendar-feed announce`: text, HTML and a complete e-mail, parsed back as a mail program would."""

from __future__ import annotations

import email
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from calendar_feed.cli import main
from tests.helpers import SHIPPED, vevents

SERIES_EXTRA = (
    "  weekday: wednesday\n"
    "  contact: 吴清玉 <lunch@example.edu>\n"
    "  announce_to:\n    - seminar-list@example.edu\n    - 沈城烽 <shen@example.edu>\n"
    "  repository: https://github.com/pku-am/lunch-seminar\n"
    "  base_url: https://example.edu/lunch/\n"
)

TEXT_0925 = """\
应用数学青年讨论班（午餐会） · PKU Applied Math Lunch Seminar
2024秋

本周报告 / This week's talk

题目 / Title: Centauri: Enabling Efficient Scheduling for Communication-Computation Overlap in Large Model Training via Communication Partitioning
报告人 / Speaker: 陈畅 (北京大学)
时间 / When: 2024年9月25日（星期三）12:00–13:30
           Wednesday 25 September 2024, 12:00–13:30 Beijing time (UTC+8)
地点 / Where: 地点待定 / Room to be announced

摘要 / Abstract:
Efficiently training large language models (LLMs)"""


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """The shipped file with a contact, a mailing list, a repository and a base URL."""
    path = tmp_path / "events.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace("  weekday: wednesday\n", SERIES_EXTRA)
    path.write_text(text, encoding="utf-8")
    return path


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")


def test_text_of_a_talk(runner, shipped_path):
    result = runner.invoke(main, ["announce", str(shipped_path), "--date", "2024-09-25"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(TEXT_0925)
    assert (
        "报告人信息 / About the speaker:\n陈畅是北京大学前沿交叉学科研究院的博士研究生"
        in result.stdout
    )
    assert "订阅日历" not in result.stdout  # no base_url: no subscribe URL to give


def test_text_with_links_and_subscribe_url(runner, full):
    result = runner.invoke(main, ["announce", str(full), "--date", "2024-09-25"])
    assert result.stdout.endswith(
        "本次讨论班 / This session: https://example.edu/lunch/#s-2024-09-25\n"
        "订阅日历 / Subscribe to the calendar: https://example.edu/lunch/calendar.ics\n"
    )


def test_cancelled_week_and_open_week(runner, full):
    cancelled = runner.invoke(main, ["announce", str(full), "--date", "2024-10-02"])
    assert "本周讨论班暂停 / No seminar this week" in cancelled.stdout
    assert "原因 / Reason: 假期" in cancelled.stdout
    open_week = runner.invoke(main, ["announce", str(full), "--date", "2024-10-09"])
    assert "征集报告人 / Call for speakers" in open_week.stdout
    assert "write to 吴清玉 <lunch@example.edu>" in open_week.stdout
    assert "邮件报名 / Volunteer by e-mail: mailto:lunch@example.edu?subject=" in open_week.stdout
    assert (
        "在 GitHub 报名 / Volunteer on GitHub: https://github.com/pku-am/lunch-seminar/issues/new?"
        in open_week.stdout
    )


def test_next_skips_open_slots(runner, full):
    result = runner.invoke(main, ["announce", str(full), "--next", "--today", "2024-09-19"])
    assert "题目 / Title: Centauri" in result.stdout
    after = runner.invoke(main, ["announce", str(full), "--today", "2024-09-26"])
    assert "原因 / Reason: 假期" in after.stdout  # 2024-10-02, the next non-open date
    none = runner.invoke(main, ["announce", str(full), "--next", "--today", "2025-01-01"])
    assert none.exit_code == 1
    assert "Error: no talk or cancelled date from 2025-01-01 on; give --date" in none.output
    missing = runner.invoke(main, ["announce", str(full), "--date", "2024-09-26"])
    assert "Error: no session on 2024-09-26; the file has none that day" in missing.output
    both = runner.invoke(main, ["announce", str(full), "--next", "--date", "2024-09-25"])
    assert both.exit_code == 2


def test_html_is_escaped_and_complete(runner, full, tmp_path):
    out = tmp_path / "a.html"
    result = runner.invoke(
        main, ["announce", str(full), "--date", "2024-09-25", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0
    parser = _Text()
    parser.feed(out.read_text(encoding="utf-8"))
    text = "".join(parser.text)
    assert "陈畅 (北京大学)" in text
    assert "Wednesday 25 September 2024, 12:00–13:30 Beijing time (UTC+8)" in text
    assert "https://example.edu/lunch/calendar.ics" in parser.links


def test_eml_is_a_complete_message(runner, full, tmp_path):
    out = tmp_path / "a.eml"
    result = runner.invoke(
        main, ["announce", str(full), "--date", "2024-09-25", "--format", "eml", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.isascii()  # headers RFC 2047-encoded, bodies base64: any relay takes it
    assert b"\r\n" in raw
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == (
        "[应用数学青年讨论班（午餐会）] 2024-09-25 陈畅 (北京大学): Centauri: Enabling Efficient "
        "Scheduling for Communication-Computation Overlap in Large Model Training via "
        "Communication Partitioning"
    )
    assert message["From"].addresses[0].display_name == "吴清玉"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "seminar-list@example.edu",
        "shen@example.edu",
    ]
    assert message["Date"].datetime is not None
    assert message["Message-ID"].endswith("@example.edu>")
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert plain.get_content().replace("\r\n", "\n").startswith(TEXT_0925)
    parser = _Text()
    parser.feed(html.get_content())
    assert "Centauri: Enabling Efficient Scheduling" in "".join(parser.text)
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "pku-am-lunch-2024-09-25.ics"
    data = attachment.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "pku-am-lunch-2024-09-25@calendar-feed"
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    assert strict.events[0].summary.startswith("陈畅: Centauri")


def test_eml_needs_addresses(runner, shipped_path):
    result = runner.invoke(
        main, ["announce", str(shipped_path), "--date", "2024-09-25", "--format", "eml"]
    )
    assert result.exit_code == 1
    assert "Error: no sender: give --from or set calendar.contact" in result.output
    given = runner.invoke(
        main,
        ["announce", str(shipped_path), "--date", "2024-09-18", "--format", "eml",
         "--from", "Org <org@example.edu>", "--to", "list@example.edu"],
    )  # fmt: skip
    assert given.exit_code == 0
    message = email.message_from_bytes(given.stdout_bytes, policy=policy.default)
    assert message["To"] == "list@example.edu"
    assert message["Subject"] == "[应用数学青年讨论班（午餐会）] 取消 / Cancelled: 2024-09-18"


def test_series_addresses_are_validated(runner, tmp_path):
    path = tmp_path / "events.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "  weekday: wednesday\n",
        "  weekday: wednesday\n  contact: lunch at example\n  announce_to: [ok@example.edu, nope]\n"
        "  repository: github.com/x/y\n",
    )
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (f'{path}:23:12: calendar.contact: "lunch at example" {ONE_ADDRESS}') in lines
    assert f'{path}:24:33: calendar.announce_to[1]: "nope" {ONE_ADDRESS}' in lines
    assert any(
        ':25:15: calendar.repository: "github.com/x/y" is not a web address' in line
        for line in lines
    )


ONE_ADDRESS = (
    "is not exactly one e-mail address; write one address, as name@example.edu or as "
    "Name <name@example.edu>"
)
NOT_ONE_ADDRESS = [
    "a@b.example\r\nBcc: evil@x.example",
    "not an address",
    "A <a@b.example>, evil@x.example",
    "Org <org@example.edu>?bcc=evil@x.example",
]


@pytest.mark.parametrize("option", ["--from", "--to"])
@pytest.mark.parametrize("value", NOT_ONE_ADDRESS)
def test_from_and_to_take_exactly_one_address(runner, full, option, value):
    result = runner.invoke(
        main,
        ["announce", str(full), "--date", "2024-09-25", "--format", "eml", option, value],
    )
    assert result.exit_code == 2
    assert result.stdout_bytes == b""
    shown = value.replace("\r", "\\r").replace("\n", "\\n")
    assert f"Error: Invalid value for '{option}': \"{shown}\" {ONE_ADDRESS}" in result.stderr


@pytest.mark.parametrize("value", [v for v in NOT_ONE_ADDRESS if v != "not an address"])
def test_contact_and_announce_to_take_exactly_one_address_each(runner, tmp_path, value):
    path = tmp_path / "events.yaml"
    written = value.replace("\r\n", "\\n")  # a YAML escape: the line break reaches the check
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "  weekday: wednesday\n",
        f'  weekday: wednesday\n  contact: "{written}"\n  announce_to: [ok@example.edu, "{written}"]\n',
    )
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    shown = value.replace("\r\n", "\\n")
    assert result.stderr.splitlines() == [
        f'{path}:23:12: calendar.contact: "{shown}" {ONE_ADDRESS}',
        f'{path}:24:33: calendar.announce_to[1]: "{shown}" {ONE_ADDRESS}',
        f"{path}: 2 errors; nothing published",
    ]


def test_a_multi_line_title_and_speaker_are_one_line_in_every_output(runner, full, tmp_path):
    """Line breaks in text shown on one line fold into spaces when the file is read."""
    text = full.read_text(encoding="utf-8")
    title = text[text.index("    title: >-\n      Centauri") :]
    title = title[: title.index("\n    abstract:") + 1]
    text = text.replace(title, "    title: |\n      Line one\n      Line two\n")
    full.write_text(
        text.replace("    speaker: 陈畅\n", '    speaker: "陈\\n畅"\n'), encoding="utf-8"
    )
    assert runner.invoke(main, ["validate", str(full)]).exit_code == 0
    result = runner.invoke(main, ["announce", str(full), "--date", "2024-09-25", "--format", "eml"])
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(result.stdout_bytes, policy=policy.default)
    assert message["Subject"] == (
        "[应用数学青年讨论班（午餐会）] 2024-09-25 陈 畅 (北京大学): Line one Line two"
    )
    out = tmp_path / "site"
    assert runner.invoke(main, ["build", str(full), "--out", str(out)]).exit_code == 0
    (event,) = vevents((out / "events" / "2024-09-25.ics").read_bytes())
    assert str(event["SUMMARY"]) == "陈 畅: Line one Line two"
    page = _Text()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    assert "Line one Line two" in "".join(page.text)


def test_an_english_series_gets_english_only(runner, write_events):
    path = write_events(
        """\
        calendar:
          id: demo
          name: Demo Seminar
          timezone: Europe/Berlin
          contact: org@example.edu
        defaults:
          start: "16:00"
          end: "17:00"
          location: Room 101
        sessions:
          - date: 2025-03-05
            speaker: Ada
            title: Engines
            note: Coffee from 15:45.
          - date: 2025-03-12
        """
    )
    talk = runner.invoke(main, ["announce", str(path), "--date", "2025-03-05"])
    assert talk.stdout == (
        "Demo Seminar\n\nThis week's talk\n\n"
        "Title: Engines\nSpeaker: Ada\n"
        "When: Wednesday 5 March 2025, 16:00–17:00 Berlin time (UTC+1)\n"
        "Where: Room 101\n\nNote:\nCoffee from 15:45.\n"
    )
    call = runner.invoke(main, ["announce", str(path), "--date", "2025-03-12"])
    assert "Call for speakers\n" in call.stdout
    assert "To give a talk, write to org@example.edu." in call.stdout
    assert "Volunteer by e-mail: mailto:org@example.edu?subject=" in call.stdout
    assert "报名" not in call.stdout
    no_to = runner.invoke(main, ["announce", str(path), "--date", "2025-03-05", "--format", "eml"])
    assert no_to.exit_code == 1
    assert "Error: no recipients: give --to or set calendar.announce_to" in no_to.output
