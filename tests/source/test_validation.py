"""What an organizer sees for each kind of mistake: exact messages, positions, all at once."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_feed.errors import ValidationError
from calendar_feed.model import Status
from calendar_feed.source.validation import load_schedule, load_schedule_bytes
from tests.helpers import HEAD, document, session_of


def problems(text: str, head: str = HEAD) -> list[str]:
    """Every problem reported for the document, as the CLI prints them."""
    data = document(text, head) if head else text.encode("utf-8")
    try:
        loaded = load_schedule_bytes(data, "events.yaml")
    except ValidationError as error:
        return [str(p) for p in error.problems]
    return [str(p) for p in loaded.warnings]


def test_shipped_file_is_valid_and_faithful_to_the_seed_page(shipped):
    series = shipped.series
    assert series.id == "pku-am-lunch"
    assert series.name == "PKU Applied Math Lunch Seminar"
    assert series.local_name == "应用数学青年讨论班（午餐会）"
    assert series.semester == "2024秋"
    assert series.organizers == ("吴清玉", "沈城烽")
    assert series.maintainer == "Ting Lin (@alisomia)"
    assert series.timezone == "Asia/Shanghai"
    dates = [s.date for s in shipped.sessions]
    assert dates == [dt.date(2024, 9, 11) + dt.timedelta(weeks=i) for i in range(18)]
    assert dates[-1] == dt.date(2025, 1, 8)
    statuses = {s.key: s.status for s in shipped.sessions}
    assert statuses["2024-09-11"] is Status.TALK
    assert statuses["2024-09-18"] is Status.CANCELLED
    assert statuses["2024-09-25"] is Status.TALK
    assert statuses["2024-10-02"] is Status.CANCELLED
    assert sum(s is Status.OPEN for s in statuses.values()) == 14
    assert session_of(shipped, "2024-10-02").reason == "假期"
    assert session_of(shipped, "2024-09-18").reason == ""
    wang, chen = session_of(shipped, "2024-09-11"), session_of(shipped, "2024-09-25")
    assert (wang.speaker, wang.affiliation) == ("王泽昊", "USCD")
    assert wang.title == "声音合成与处理中的高效计算：问题、技术及其在当代音乐与声音艺术中的应用"
    assert wang.abstract.startswith("随着电子和数字技术的兴起，音乐和声音艺术经历了巨大的变革。")
    assert wang.bio.endswith("他为戏剧艺术创作的作曲与声音设计曾在北京和纽约市上演。")
    assert (chen.speaker, chen.affiliation) == ("陈畅", "北京大学")
    assert chen.title.startswith("Centauri: Enabling Efficient Scheduling")
    # The English abstract keeps its two paragraphs.
    first, second = chen.abstract.split("\n")
    assert first.endswith("heterogeneous training environments.")
    assert second.startswith("In this talk, we introduce Centauri")
    assert "ASPLOS 2024 Best Paper award" in chen.bio


def test_default_lunch_slot_in_beijing_time(shipped):
    session = session_of(shipped, "2024-10-09")
    assert session.start.isoformat() == "2024-10-09T12:00:00+08:00"
    assert session.end.isoformat() == "2024-10-09T13:30:00+08:00"
    # zoneinfo, never local mean time: the UTC time is exactly 04:00, not 03:54 (+08:06).
    assert session.start.astimezone(dt.UTC).strftime("%H:%M") == "04:00"


def test_shipped_file_validates_without_warnings(shipped_path):
    assert load_schedule(shipped_path).warnings == ()


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        pytest.param(
            """\
            - date: 2024-02-30
            """,
            ['events.yaml:10:11: sessions[0].date: "2024-02-30" is not a real date'],
            id="impossible-date",
        ),
        pytest.param(
            """\
            - date: 0000-01-01
            """,
            ['events.yaml:10:11: sessions[0].date: "0000-01-01" is not a real date'],
            id="year-zero",
        ),
        pytest.param(
            """\
            - date: Sep 11
            """,
            ['events.yaml:10:11: sessions[0].date: expected a date like 2024-09-11, got "Sep 11"'],
            id="date-as-text",
        ),
        pytest.param(
            """\
            - date: 2024-09-11 12:00
            """,
            [
                "events.yaml:10:11: sessions[0].date: expected a date like 2024-09-11, "
                'got "2024-09-11 12:00" (put the time in `start:`)'
            ],
            id="date-with-time",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              start: "25:00"
            """,
            ['events.yaml:11:12: sessions[0].start: "25:00" is not a real time'],
            id="impossible-time",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              start: 14:00
            """,
            ["events.yaml:11:12: sessions[0].end: end 13:30 is not after start 14:00"],
            id="unquoted-time-is-a-time-and-end-before-start",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              start: 1200
            """,
            [
                'events.yaml:11:12: sessions[0].start: expected a time like "12:00", '
                "got the number 1200"
            ],
            id="number-for-time",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              end: "13:00"
              duration: 60
            """,
            ["events.yaml:12:15: sessions[0].duration: give either `end` or `duration`, not both"],
            id="end-and-duration",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              speaker: Ada
              title: Engines
              abstact: Notes.
            """,
            [
                'events.yaml:13:5: sessions[0].abstact: unknown field "abstact"; '
                'did you mean "abstract"?'
            ],
            id="did-you-mean",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              flavour: mint
            """,
            [
                'events.yaml:11:5: sessions[0].flavour: unknown field "flavour" (known fields: '
                "id, date, status, start, end, duration, location, speaker, affiliation, title, "
                "abstract, bio, reason, links, note, speaker_url, online, tags, language)"
            ],
            id="unknown-field",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              speaker: Ada
              title: One
              language: English
            """,
            [
                'events.yaml:13:15: sessions[0].language: expected a language tag like "zh" or '
                '"en", got "English"'
            ],
            id="bad-session-language",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              speaker: [Ada, Grace]
              title: Two
            """,
            ["events.yaml:11:14: sessions[0].speaker: expected text, got a list"],
            id="list-for-text",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              speaker: Ada
            """,
            [
                "events.yaml:10:5: sessions[0].title: a talk needs a title; add `title:` "
                "or set `status: open`"
            ],
            id="talk-without-title",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              title: Engines
            """,
            [
                "events.yaml:10:5: sessions[0].speaker: a talk needs a speaker; add `speaker:` "
                "or set `status: open`"
            ],
            id="talk-without-speaker",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              status: postponed
            """,
            [
                "events.yaml:11:13: sessions[0].status: expected one of talk, cancelled, open; "
                'got "postponed"'
            ],
            id="bad-status",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              speaker: "Ada\\u0000"
              title: Engines
            """,
            [
                "events.yaml:11:14: sessions[0].speaker: contains the control character U+0000 "
                "(character 4); remove it"
            ],
            id="control-character",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
            - date: 2024-09-11
            """,
            [
                "events.yaml:11:11: sessions[1].date: 2024-09-11 already has a session "
                "(sessions[0], line 10); give one of them an `id:` so each keeps its own "
                "identity in calendars"
            ],
            id="same-date-without-ids",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              id: opening
            - date: 2024-09-18
              id: opening
            """,
            [
                'events.yaml:13:9: sessions[1].id: id "opening" is already used by sessions[0] '
                "(line 11)"
            ],
            id="duplicate-ids",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              id: ../../etc/passwd
            """,
            [
                'events.yaml:11:9: sessions[0].id: "../../etc/passwd" is not a valid id: use '
                'letters, digits, "-", "_" or "." (at most 64, starting with a letter or digit)'
            ],
            id="path-in-id",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              links:
                slides: javascript:alert(1)
            """,
            [
                'events.yaml:12:15: sessions[0].links.slides: "javascript:alert(1)" is not a web '
                "address; write it as https://…"
            ],
            id="javascript-link",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              title: One
              title: Two
              speaker: Ada
            """,
            ["events.yaml:12:5: sessions[0].title: duplicate key `title` (first given at line 11)"],
            id="duplicate-key",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
            - date: 2024-09-18
            - date: 2024-09-26
            """,
            [
                "events.yaml:12:11: sessions[2].date: warning: 2024-09-26 is a Thursday; "
                "the series usually meets on Wednesdays"
            ],
            id="odd-weekday-is-a-warning",
        ),
        pytest.param(
            """\
            - date: 2024-09-11
              reason: holiday
            """,
            [
                "events.yaml:11:13: sessions[0].reason: warning: `reason` is only shown for "
                "cancelled sessions"
            ],
            id="reason-on-open-slot-is-a-warning",
        ),
        pytest.param(
            """\
            - !!python/object/apply:os.system ["echo owned"]
            """,
            [
                "events.yaml:10:5: sessions[0]: tag !!python/object/apply:os.system is not allowed here"
            ],
            id="python-tag",
        ),
    ],
)
def test_session_problems(sessions, expected):
    assert problems(sessions) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "calendar: [\n",
            [
                "events.yaml:2:1: YAML syntax error: while parsing a flow node, "
                "did not find expected node content"
            ],
            id="yaml-syntax",
        ),
        pytest.param(
            "calendar:\n\tid: x\n",
            [
                "events.yaml:2:1: YAML syntax error: while scanning for the next token, "
                "a tab character; YAML indentation must use spaces"
            ],
            id="tab-indentation",
        ),
        pytest.param(
            "",
            ["events.yaml: file is empty; expected `calendar:`, `defaults:` and `sessions:`"],
            id="empty",
        ),
        pytest.param(
            "# only a comment\n",
            ["events.yaml: file is empty; expected `calendar:`, `defaults:` and `sessions:`"],
            id="only-comments",
        ),
        pytest.param(
            "- date: 2024-09-11\n",
            [
                "events.yaml:1:1: the top level must be a mapping with `calendar:`, `defaults:` "
                "and `sessions:`, not a list"
            ],
            id="top-level-list",
        ),
        pytest.param(
            "calendar:\n  name: X\n  timezone: Asia/Beijing\nsessions:\n  - date: 2024-09-11\n",
            [
                "events.yaml:2:3: calendar.id: missing required field",
                'events.yaml:3:13: calendar.timezone: unknown timezone "Asia/Beijing"; did you '
                'mean "Asia/Shanghai"? (use an IANA name like Asia/Shanghai)',
                "events.yaml:5:5: sessions[0].start: no start time; set `defaults.start` or "
                "`start:` here",
                "events.yaml:5:5: sessions[0].end: no end time; set `defaults.end`, "
                "`defaults.duration` or `end:` here",
            ],
            id="all-problems-at-once",
        ),
        pytest.param(
            "calendar:\n  id: x\n  name: X\n  timezone: ../../etc/passwd\nsessions: []\n",
            [
                'events.yaml:4:13: calendar.timezone: unknown timezone "../../etc/passwd" '
                "(use an IANA name like Asia/Shanghai)",
                "events.yaml:5:11: sessions: no sessions listed; publishing an empty feed would "
                "delete every event from subscribers' calendars",
            ],
            id="timezone-path",
        ),
        pytest.param(
            "calendar:\n  id: x\n  name: X\n  timezone: UTC\n  base_url: ftp://x\nsessions: []\n",
            [
                'events.yaml:5:13: calendar.base_url: "ftp://x" is not a web address; write it as https://…',
                "events.yaml:6:11: sessions: no sessions listed; publishing an empty feed would delete every event from subscribers' calendars",
            ],
            id="base-url-scheme",
        ),
        pytest.param(  # urlsplit raises "Invalid IPv6 URL" for this; no traceback
            "calendar:\n  id: x\n  name: X\n  timezone: UTC\n  base_url: https://x[.org/\n"
            'sessions:\n  - date: 2024-09-11\n    start: "12:00"\n    duration: 60\n'
            '    speaker: A\n    title: T\n    speaker_url: "https://x[.org/s"\n',
            [
                'events.yaml:5:13: calendar.base_url: "https://x[.org/" is not a web address; write it as https://…',
                'events.yaml:12:18: sessions[0].speaker_url: "https://x[.org/s" is not a web address; write it as https://…',
            ],
            id="url-unbalanced-bracket",
        ),
    ],
)
def test_document_problems(text, expected):
    assert problems(text, head="") == expected


def test_missing_file(tmp_path):
    with pytest.raises(ValidationError) as caught:
        load_schedule(tmp_path / "events.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'events.yaml'}: file not found"
    ]


def test_invalid_utf8_names_the_line():
    data = (HEAD + "  - date: 2024-09-11\n    speaker: \xff\n").encode("latin-1")
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes(data, "events.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "events.yaml:11:14: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


def test_utf8_bom_is_accepted():
    data = b"\xef\xbb\xbf" + (HEAD + "  - date: 2024-09-11\n").encode()
    assert len(load_schedule_bytes(data).schedule.sessions) == 1


def test_alias_bomb_is_refused_quickly():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes("\n".join(lines).encode())
    assert "document expands to more than 500,000 values (too many aliases?)" in str(caught.value)


def test_size_limits(tmp_path):
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes((HEAD + "  - date: 2024-09-11\n").encode(), max_bytes=100)
    assert str(caught.value) == "events.yaml: file is larger than the limit of 100 bytes"
    sessions = "".join(f"  - date: 2024-09-{day:02d}\n" for day in (4, 11, 18))
    with pytest.raises(ValidationError) as caught:
        load_schedule_bytes((HEAD + sessions).encode(), max_sessions=2)
    assert str(caught.value) == (
        "events.yaml:10:3: sessions: 3 sessions is more than the limit of 2 "
        "(raise it with --max-sessions if this is intended)"
    )


def test_dst_gaps_and_overlaps_are_errors():
    head = HEAD.replace("Asia/Shanghai", "America/New_York")
    assert problems(
        """\
        - date: 2024-03-10
          start: "02:30"
          end: "03:30"
        - date: 2024-11-03
          id: fall
          start: "01:30"
          duration: 30
        """,
        head,
    ) == [
        "events.yaml:11:12: sessions[0].start: 2024-03-10 02:30 does not exist (the clocks "
        "skip it) in America/New_York; choose another time",
        "events.yaml:15:12: sessions[1].start: 2024-11-03 01:30 happens twice (the clocks go "
        "back) in America/New_York; choose another time",
    ]


def test_dst_gaps_and_overlaps_are_errors_past_2037_too():
    """zoneinfo follows the zone's rule after 2037, where pytz knew no DST."""
    head = HEAD.replace("Asia/Shanghai", "America/New_York")
    assert problems(
        """\
        - date: 2199-03-10
          start: "02:30"
        - date: 2199-11-03
          id: fall
          start: "01:30"
        """,
        head,
    ) == [
        "events.yaml:11:12: sessions[0].start: 2199-03-10 02:30 does not exist (the clocks "
        "skip it) in America/New_York; choose another time",
        "events.yaml:14:12: sessions[1].start: 2199-11-03 01:30 happens twice (the clocks go "
        "back) in America/New_York; choose another time",
    ]


def test_local_mean_time_is_refused_with_the_first_day_that_works():
    """Shanghai kept local mean time (UTC+8:05:43) until 1901: no calendar, ISO 8601 time or
    HTML <time> can write that offset, so 1900 is refused there with the reason."""
    assert problems(
        """\
        - date: 1900-06-05
        - date: 1901-06-05
        """
    ) == [
        "events.yaml:10:11: sessions[0].start: 1900-06-05 12:00 is in local mean time "
        "(UTC+8:05:43) in Asia/Shanghai; calendars cannot write an offset with seconds; "
        "choose a date from 1901-01-01 on",
        "events.yaml:10:11: sessions[0].end: 1900-06-05 13:30 is in local mean time "
        "(UTC+8:05:43) in Asia/Shanghai; calendars cannot write an offset with seconds; "
        "choose a date from 1901-01-01 on",
    ]


def test_status_is_inferred_and_overrides_apply():
    loaded = load_schedule_bytes(
        document(
            """\
            - date: 2024-09-11
              speaker: Ada
              title: Engines
              location: Hall B
              duration: 45
              links:
                slides: https://example.org/s.pdf
            - date: 2024-09-18
              status: cancelled
              reason: 假期
            - date: 2024-09-25
              id: keynote
              start: "18:00"
              end: "19:00"
            """
        )
    )
    first, second, third = loaded.schedule.sessions
    assert (first.status, first.location, first.end.strftime("%H:%M")) == (
        Status.TALK,
        "Hall B",
        "12:45",
    )
    assert [(link.label, link.url) for link in first.links] == [
        ("Slides", "https://example.org/s.pdf")
    ]
    assert (second.status, second.reason, second.location) == (Status.CANCELLED, "假期", "Room 101")
    assert (third.key, third.explicit_id, third.status) == ("keynote", True, Status.OPEN)
    assert third.start.strftime("%H:%M") == "18:00"


def _timezone_problems(zone: str) -> list[str]:
    data = (
        f"calendar:\n  id: x\n  name: X\n  timezone: {zone}\n"
        "sessions:\n  - date: 2024-09-11\n    start: '12:00'\n    duration: 60\n"
    ).encode()
    try:
        load_schedule_bytes(data, "events.yaml")
    except ValidationError as error:
        return [str(problem) for problem in error.problems]
    return []


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("posixrules", ""),
        ("localtime", ""),
        ("Factory", ""),
        ("posix/Asia/Shanghai", '; did you mean "Asia/Shanghai"?'),
        ("right/Asia/Shanghai", '; did you mean "Asia/Shanghai"?'),
        ("asia/shanghai", '; did you mean "Asia/Shanghai"?'),
    ],
)
def test_only_iana_zone_names_are_timezones(zone, hint):
    """The system's zone folder also holds files that are no zone name (``right/`` counts
    leap seconds, ``posixrules`` is a default): zoneinfo would load them, IANA lists none."""
    assert _timezone_problems(zone) == [
        f'events.yaml:4:13: calendar.timezone: unknown timezone "{zone}"{hint} '
        "(use an IANA name like Asia/Shanghai)"
    ]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "US/Eastern", "Etc/GMT-8", "UTC"])
def test_iana_names_and_their_old_links_are_timezones(zone):
    assert _timezone_problems(zone) == []
