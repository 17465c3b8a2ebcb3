"""Changes reach subscribers: SEQUENCE, LAST-MODIFIED, removals, diff wording, UID safety, Atom."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.history import Release
from calendar_feed.publish.build import build_site

T0 = dt.datetime(2024, 9, 1, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 9, 5, 9, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2024, 9, 6, 10, 0, tzinfo=dt.UTC)
UID = "pku-am-lunch-{}@calendar-feed"


def publish(events: Path, now: dt.datetime, keep: int = 30) -> tuple[Release, dict[str, bytes]]:
    """Publish like `build` does, at a chosen time; return the release and the site."""
    result = build_site(
        events,
        None,
        history=events.with_name("events.history.json"),
        keep_removed=keep,
        today=dt.date(2024, 9, 1),
        now=now,
    )
    return result.release, dict(result.files)


def events_by_uid(feed: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(feed).walk("VEVENT")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHEN_TITLE = "    title: >-\n      Centauri:"
OCT_09 = "  - date: 2024-10-09\n"
OCT_16 = "  - date: 2024-10-16\n"
OCT_23 = "  - date: 2024-10-23\n"
NOV_06 = "  - date: 2024-11-06\n"


def realistic_edit(path: Path) -> None:
    """A week in an organizer's life: retitle, announce, cancel, move, delete."""
    edit(path, CHEN_TITLE, "    title: >-\n      Centauri (revised):")
    edit(
        path,
        OCT_09,
        OCT_09 + "    speaker: 张三\n    affiliation: 北京大学\n    title: 随机矩阵初步\n",
    )
    edit(path, OCT_16, OCT_16 + "    status: cancelled\n    reason: 运动会\n")
    edit(
        path,
        OCT_23,
        OCT_23 + '    start: "18:00"\n    end: "19:30"\n    location: 理科一号楼 1114\n',
    )
    edit(path, NOV_06, "")


def test_first_publish_starts_the_history(shipped_copy):
    release, files = publish(shipped_copy, T0)
    assert len(release.changes) == 18
    history = json.loads((shipped_copy.parent / "events.history.json").read_text(encoding="utf-8"))
    record = history["events"][UID.format("2024-09-11")]
    assert record["sequence"] == 0
    assert record["last_modified"] == "2024-09-01T08:00:00Z"
    assert record["first_published"] == "2024-09-01T08:00:00Z"
    assert record["digest"].startswith("sha256:")
    assert record["snapshot"]["speaker"] == "王泽昊"  # Chinese as characters
    event = events_by_uid(files["calendar.ics"])[UID.format("2024-09-11")]
    assert event["DTSTAMP"].dt == T0
    assert event["LAST-MODIFIED"].dt == T0
    assert "SEQUENCE" not in event  # 0 is the default; left out


def test_unchanged_schedule_gives_byte_identical_output(shipped_copy):
    _, first = publish(shipped_copy, T0)
    history = (shipped_copy.parent / "events.history.json").read_bytes()
    release, second = publish(shipped_copy, T1)
    assert release.changes == ()
    assert first == second
    assert (shipped_copy.parent / "events.history.json").read_bytes() == history


def test_sequence_and_last_modified_move_exactly_for_changed_sessions(shipped_copy):
    publish(shipped_copy, T0)
    realistic_edit(shipped_copy)
    release, files = publish(shipped_copy, T1)
    feed = events_by_uid(files["calendar.ics"])
    changed = {"2024-09-25", "2024-10-09", "2024-10-16", "2024-10-23", "2024-11-06"}
    for uid, event in feed.items():
        key = uid.removeprefix("pku-am-lunch-").removesuffix("@calendar-feed")
        if key in changed:
            assert event["SEQUENCE"] == 1, key
            assert event["LAST-MODIFIED"].dt == T1
            assert event["DTSTAMP"].dt == T1
        else:
            assert "SEQUENCE" not in event, key
            assert event["LAST-MODIFIED"].dt == T0
    assert [c.key for c in release.changes] == sorted(changed)
    # A second edit of the same session moves it to SEQUENCE 2; the others stay.
    edit(shipped_copy, "Centauri (revised):", "Centauri (final):")
    _, files = publish(shipped_copy, T2)
    feed = events_by_uid(files["calendar.ics"])
    assert feed[UID.format("2024-09-25")]["SEQUENCE"] == 2
    assert feed[UID.format("2024-09-25")]["LAST-MODIFIED"].dt == T2
    assert feed[UID.format("2024-10-09")]["SEQUENCE"] == 1
    assert feed[UID.format("2024-10-09")]["LAST-MODIFIED"].dt == T1


def test_removed_session_stays_as_cancelled_for_a_while(shipped_copy):
    publish(shipped_copy, T0)
    edit(shipped_copy, NOV_06, "")
    release, files = publish(shipped_copy, T1, keep=30)
    removed = events_by_uid(files["calendar.ics"])[UID.format("2024-11-06")]
    assert str(removed["STATUS"]) == "CANCELLED"
    assert str(removed["SUMMARY"]) == (
        "CANCELLED (removed from the schedule): PKU Applied Math Lunch Seminar"
    )
    assert str(removed["DESCRIPTION"]).startswith("CANCELLED: removed from the schedule\n")
    assert removed["SEQUENCE"] == 1
    assert [s.key for s in release.removed] == ["2024-11-06"]
    # Not on the page or in the JSON: those show the schedule as it is now.
    assert b"2024-11-06" not in files["events.json"]
    # After the retention period the event leaves the feed.
    _, later = publish(shipped_copy, T1 + dt.timedelta(days=31), keep=30)
    assert UID.format("2024-11-06") not in events_by_uid(later["calendar.ics"])


def test_restoring_a_removed_session(shipped_copy):
    publish(shipped_copy, T0)
    original = shipped_copy.read_text(encoding="utf-8")
    edit(shipped_copy, NOV_06, "")
    publish(shipped_copy, T1)
    shipped_copy.write_text(original, encoding="utf-8")
    release, files = publish(shipped_copy, T2)
    assert [(c.key, c.kinds, c.sequence) for c in release.changes] == [
        ("2024-11-06", ("restored", "details"), 2)
    ]
    assert (
        str(events_by_uid(files["calendar.ics"])[UID.format("2024-11-06")]["STATUS"]) == "TENTATIVE"
    )


def test_corrupt_history_without_backup_is_refused_until_reset(shipped_copy):
    history = shipped_copy.parent / "events.history.json"
    history.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        publish(shipped_copy, T0)
    assert [p.message for p in refused.value.problems] == [
        "the revision history is damaged: unreadable history (Expecting property name enclosed "
        "in double quotes: line 1 column 3 (char 2)), and its backup events.history.json.bak is "
        "missing or damaged too. Nothing is published: a new history would lower SEQUENCE "
        "numbers, and calendar apps would ignore later edits. Restore the file (e.g. `git "
        "checkout -- events.history.json`), or start a new history with --reset-history (the "
        "damaged file is kept)"
    ]
    assert history.read_text(encoding="utf-8") == "{ not json"
    result = build_site(
        shipped_copy, None, history=history, today=dt.date(2024, 9, 1), now=T0, reset_history=True
    )
    assert [w.message for w in result.release.warnings] == [
        "the revision history is damaged: unreadable history (Expecting property name enclosed "
        "in double quotes: line 1 column 3 (char 2)); started a new one (--reset-history): every "
        "SEQUENCE restarts at 0; the damaged file is kept as "
        "events.history.json.damaged-20240901T080000Z"
    ]
    assert len(events_by_uid(result.files["calendar.ics"])) == 18
    assert json.loads(history.read_text(encoding="utf-8"))["format"] == 1
    kept = history.with_name("events.history.json.damaged-20240901T080000Z")
    assert kept.read_text(encoding="utf-8") == "{ not json"


def test_history_with_wrong_shape_is_refused(shipped_copy):
    history = shipped_copy.parent / "events.history.json"
    history.write_text(
        '{"format": 1, "series": "x", "events": {"u": {"sequence": 1}}}', encoding="utf-8"
    )
    with pytest.raises(ValidationError) as refused:
        publish(shipped_copy, T0)
    assert refused.value.problems[0].message.startswith(
        "the revision history is damaged: not a valid history file ('digest'), and its backup"
    )


def test_diff_words_every_change(shipped_copy, runner):
    publish(shipped_copy, T0)
    realistic_edit(shipped_copy)
    result = runner.invoke(main, ["diff", str(shipped_copy)])
    assert result.exit_code == 0, result.output
    history = shipped_copy.parent / "events.history.json"
    assert result.output == (
        f"Against {history}: 5 events change for subscribers (17 sessions in {shipped_copy}):\n"
        '  2024-09-25: text edited (title): "陈畅: Centauri (revised): Enabling Efficient Scheduling for Communication-Computation Overlap in Large Model Training via Communication Partitioning" [SEQUENCE 1]\n'
        '  2024-10-09: talk announced: "张三: 随机矩阵初步" [SEQUENCE 1]\n'
        '  2024-10-16: cancelled (reason: 运动会): "CANCELLED (运动会): PKU Applied Math Lunch Seminar" [SEQUENCE 1]\n'
        "  2024-10-23: time changed, place changed (time: Wed 2024-10-23 12:00–13:30 -> Wed 2024-10-23 18:00–19:30; "
        'place: 地点待定 / Room to be announced -> 理科一号楼 1114): "Open slot: PKU Applied Math Lunch Seminar" [SEQUENCE 1]\n'
        '  2024-11-06: removed from events.yaml; stays in the feed as CANCELLED for 30 days: "Open slot: PKU Applied Math Lunch Seminar" [SEQUENCE 1]\n'
    )


def test_diff_more_kinds(shipped_copy, runner):
    publish(shipped_copy, T0)
    edit(
        shipped_copy,
        "  - date: 2024-10-02\n    status: cancelled\n    reason: 假期\n",
        "  - date: 2024-10-02\n",
    )
    edit(
        shipped_copy,
        "  - date: 2024-09-11\n    speaker: 王泽昊\n",
        "  - date: 2024-09-11\n    status: cancelled\n    speaker: 王泽昊\n",
    )
    edit(shipped_copy, "北京大学\n    title:", "北京大学 前沿交叉学科研究院\n    title:")
    edit(shipped_copy, "  - date: 2025-01-08\n", "  - date: 2025-01-08\n  - date: 2025-01-15\n")
    result = runner.invoke(main, ["diff", str(shipped_copy), "--keep-removed", "0"])
    assert result.output.splitlines()[1:] == [
        '  2024-09-11: cancelled: "CANCELLED: 王泽昊: 声音合成与处理中的高效计算：问题、技术及其在当代音乐与声音艺术中的应用" [SEQUENCE 1]',
        '  2024-09-25: text edited (affiliation): "陈畅: Centauri: Enabling Efficient Scheduling for Communication-Computation Overlap in Large Model Training via Communication Partitioning" [SEQUENCE 1]',
        '  2024-10-02: reopened: "Open slot: PKU Applied Math Lunch Seminar" [SEQUENCE 1]',
        '  2025-01-15: new open slot: "Open slot: PKU Applied Math Lunch Seminar" [SEQUENCE 0]',
    ]


def test_diff_without_changes_and_against_another_file(shipped_copy, shipped_path, runner):
    publish(shipped_copy, T0)
    result = runner.invoke(main, ["diff", str(shipped_copy)])
    history = shipped_copy.parent / "events.history.json"
    assert (
        result.output
        == f"Against {history}: no changes; subscribers' calendars stay as they are.\n"
    )
    edit(shipped_copy, OCT_09, OCT_09 + "    speaker: 张三\n    title: 随机矩阵初步\n")
    result = runner.invoke(main, ["diff", str(shipped_copy), "--against", str(shipped_path)])
    assert result.output == (
        f"Against {shipped_path}: 1 event change for subscribers (18 sessions in {shipped_copy}):\n"
        '  2024-10-09: talk announced: "张三: 随机矩阵初步" [SEQUENCE 1]\n'
    )


def test_moving_a_talk_without_an_id_warns_and_check_fails(shipped_copy, runner):
    publish(shipped_copy, T0)
    edit(
        shipped_copy,
        "  - date: 2024-09-11\n    speaker: 王泽昊",
        "  - date: 2024-09-04\n    speaker: 王泽昊",
    )
    warning = (
        f'{shipped_copy}:38:11: sessions[0].date: warning: "王泽昊: 声音合成与处理中的高效计算：问题、技术及其在当代音乐与声音艺术中的应用" '
        "moved from 2024-09-11 to 2024-09-04: its UID will change, and subscribers will see one talk deleted and "
        'another created. Keep its identity by adding `id: "2024-09-11"` to this session.'
    )
    for command in (["validate"], ["diff"], ["build", "--out", str(shipped_copy.parent / "site")]):
        result = runner.invoke(main, [*command, str(shipped_copy)])
        assert warning in result.output.splitlines(), command
        if command == ["build", "--out", str(shipped_copy.parent / "site")]:
            break
    # build published it; start again from the original to check --check and the fix
    shipped_copy.parent.joinpath("events.history.json").unlink()
    shipped_copy.parent.joinpath("events.history.json.bak").unlink()  # or it is recovered
    edit(shipped_copy, "  - date: 2024-09-04\n", "  - date: 2024-09-11\n")
    publish(shipped_copy, T0)
    edit(
        shipped_copy,
        "  - date: 2024-09-11\n    speaker: 王泽昊",
        "  - date: 2024-09-04\n    speaker: 王泽昊",
    )
    result = runner.invoke(main, ["diff", "--check", str(shipped_copy)])
    assert result.exit_code == 1
    assert result.output.endswith("Error: 1 session would change UID; see the warnings above\n")
    edit(shipped_copy, "  - date: 2024-09-04\n", '  - date: 2024-09-04\n    id: "2024-09-11"\n')
    result = runner.invoke(main, ["diff", "--check", str(shipped_copy)])
    assert result.exit_code == 0
    assert (
        "2024-09-11: time changed (time: Wed 2024-09-11 12:00–13:30 -> Wed 2024-09-04 12:00–13:30)"
        in result.output
    )


def test_announcements_feed(shipped_copy):
    publish(shipped_copy, T0)
    realistic_edit(shipped_copy)
    _, files = publish(shipped_copy, T1)
    parsed = feedparser.parse(files["announcements.atom"])
    assert not parsed.bozo, parsed.bozo_exception
    assert (
        parsed.feed.title
        == "应用数学青年讨论班（午餐会） · PKU Applied Math Lunch Seminar: announcements"
    )
    titles = [e.title for e in parsed.entries]
    assert titles == [
        # newest publish first; within one publish, in schedule order
        "New talk: 张三: 随机矩阵初步 (Wed 2024-10-09 12:00)",
        "Cancelled (运动会): PKU Applied Math Lunch Seminar (Wed 2024-10-16 12:00)",
        "New talk: 王泽昊: 声音合成与处理中的高效计算：问题、技术及其在当代音乐与声音艺术中的应用 (Wed 2024-09-11 12:00)",
        "Cancelled: PKU Applied Math Lunch Seminar (Wed 2024-09-18 12:00)",
        "New talk: 陈畅: Centauri: Enabling Efficient Scheduling for Communication-Computation Overlap in Large Model Training via Communication Partitioning (Wed 2024-09-25 12:00)",
        "Cancelled (假期): PKU Applied Math Lunch Seminar (Wed 2024-10-02 12:00)",
    ]
    assert parsed.entries[0].updated == "2024-09-05T09:30:00Z"
    assert parsed.entries[-1].updated == "2024-09-01T08:00:00Z"
    assert "随机矩阵初步" in parsed.entries[0].summary
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    # Entry ids are stable: publishing again (nothing changed) gives the same feed.
    _, again = publish(shipped_copy, T2)
    assert again["announcements.atom"] == files["announcements.atom"]


def test_diff_against_a_git_revision(shipped_copy, runner):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=shipped_copy.parent, check=True, capture_output=True)

    git("init", "-q")
    git("add", "events.yaml")
    git("-c", "user.name=Organizer", "-c", "user.email=o@example.org", "commit", "-qm", "autumn")
    edit(shipped_copy, OCT_16, OCT_16 + "    status: cancelled\n    reason: 运动会\n")
    result = runner.invoke(main, ["diff", str(shipped_copy), "--git", "HEAD"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Against {shipped_copy} at HEAD: 1 event change for subscribers (18 sessions in {shipped_copy}):\n"
        '  2024-10-16: cancelled (reason: 运动会): "CANCELLED (运动会): PKU Applied Math Lunch Seminar" [SEQUENCE 1]\n'
    )
    result = runner.invoke(main, ["diff", str(shipped_copy), "--git", "no-such-revision"])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: cannot read {shipped_copy} at no-such-revision: fatal:"
    )
