"""A damaged, unreadable, missing or symlinked revision history never lowers a published
SEQUENCE or LAST-MODIFIED, and is never deleted or overwritten without a copy."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from icalendar import Calendar

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.publish.build import build_site
from tests.helpers import SHIPPED, site_files

T0 = dt.datetime(2024, 9, 1, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 9, 5, 9, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2024, 9, 6, 10, 0, tzinfo=dt.UTC)
UID = "pku-am-lunch-2024-09-11@calendar-feed"
TITLE = "声音合成与处理中的高效计算"


def publish(events: Path, now: dt.datetime, **options: object) -> dict[str, bytes]:
    result = build_site(
        events,
        None,
        history=events.with_name("events.history.json"),
        today=dt.date(2024, 9, 1),
        now=now,
        **options,  # type: ignore[arg-type]
    )
    return dict(result.files)


def revision(feed: bytes) -> tuple[int, dt.datetime]:
    """SEQUENCE and LAST-MODIFIED of the 2024-09-11 talk as subscribers get them."""
    event = next(e for e in Calendar.from_ical(feed).walk("VEVENT") if str(e["UID"]) == UID)
    return int(event.get("SEQUENCE", 0)), event.decoded("LAST-MODIFIED")


def retitle(events: Path, suffix: str) -> None:
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(TITLE, TITLE + suffix, 1), encoding="utf-8")


@pytest.fixture
def published(shipped_copy: Path) -> tuple[Path, Path]:
    """The shipped file published, then one talk edited and published: SEQUENCE 1 at T1."""
    publish(shipped_copy, T0)
    retitle(shipped_copy, "（修订）")
    assert revision(publish(shipped_copy, T1)["calendar.ics"]) == (1, T1)
    return shipped_copy, shipped_copy.with_name("events.history.json")


def truncate(history: Path) -> bytes:
    damaged = history.read_bytes()[:2000]
    history.write_bytes(damaged)
    return damaged


def not_json(history: Path) -> bytes:
    history.write_text('{"format": 1, "events": ', encoding="utf-8")
    return history.read_bytes()


def partial(history: Path) -> bytes:
    data = json.loads(history.read_text(encoding="utf-8"))
    del data["events"][UID]["sequence"]
    history.write_text(json.dumps(data), encoding="utf-8")
    return history.read_bytes()


@pytest.mark.parametrize("damage", [truncate, not_json, partial])
def test_a_damaged_history_is_recovered_from_its_backup(published, damage):
    events, history = published
    damaged = damage(history)
    retitle(events, "（二）")
    files = publish(events, T2)
    assert revision(files["calendar.ics"]) == (2, T2)  # grows from 1, never back to 0
    kept = history.with_name("events.history.json.damaged-20240906T100000Z")
    assert kept.read_bytes() == damaged
    assert json.loads(history.read_text(encoding="utf-8"))["events"][UID]["sequence"] == 2


def test_the_recovery_is_reported(published, runner):
    events, history = published
    truncate(history)
    result = runner.invoke(main, ["build", str(events), "--out", str(events.parent / "site")])
    assert result.exit_code == 0, result.output
    warning = result.output.splitlines()[0]
    assert warning.startswith(
        f"{history}: warning: the revision history is damaged: unreadable history ("
    )
    assert f"recovered it from {history}.bak (the copy saved with the last publish); " in warning
    assert "the damaged file is kept as events.history.json.damaged-" in warning


def test_a_deleted_history_is_recovered_from_its_backup(published):
    events, history = published
    history.unlink()
    retitle(events, "（二）")
    assert revision(publish(events, T2)["calendar.ics"]) == (2, T2)


def test_an_unchanged_file_keeps_its_revision_after_recovery(published):
    events, history = published
    truncate(history)
    assert revision(publish(events, T2)["calendar.ics"]) == (1, T1)  # LAST-MODIFIED kept


def test_an_unreadable_history_is_kept_and_recovered(published, monkeypatch):
    events, history = published
    history.chmod(0)  # enough for a normal user; root reads anyway, so refuse it as the OS would
    real_open = os.open

    def refusing_open(file, flags, *args, **kwargs):
        if os.fspath(file) == os.fspath(history):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    before = history.read_bytes()
    retitle(events, "（二）")
    assert revision(publish(events, T2)["calendar.ics"]) == (2, T2)
    kept = history.with_name("events.history.json.damaged-20240906T100000Z")
    assert kept.read_bytes() == before  # renamed aside, not read, not lost


def test_without_a_backup_nothing_is_published_until_reset(published, runner):
    events, history = published
    site = events.parent / "site"
    assert runner.invoke(main, ["build", str(events), "--out", str(site)]).exit_code == 0
    old_site = site_files(site)
    damaged = truncate(history)
    history.with_name("events.history.json.bak").unlink()
    retitle(events, "（二）")

    result = runner.invoke(main, ["build", str(events), "--out", str(site)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        f"{history}: the revision history is damaged: unreadable history ("
    )
    assert result.output.splitlines()[0].endswith(
        "and its backup events.history.json.bak is missing or damaged too. Nothing is "
        "published: a new history would lower SEQUENCE numbers, and calendar apps would ignore "
        "later edits. Restore the file (e.g. `git checkout -- events.history.json`), or start a "
        "new history with --reset-history (the damaged file is kept)"
    )
    assert result.output.splitlines()[1] == f"{events}: 1 error; nothing published"
    assert site_files(site) == old_site
    assert history.read_bytes() == damaged

    result = runner.invoke(main, ["build", str(events), "--out", str(site), "--reset-history"])
    assert result.exit_code == 0, result.output
    assert "started a new one (--reset-history): every SEQUENCE restarts at 0" in result.output
    kept = [p for p in events.parent.iterdir() if p.name.startswith("events.history.json.dam")]
    assert [p.read_bytes() for p in kept] == [damaged]


def test_diff_warns_about_a_damaged_history_without_a_backup(published, runner):
    events, history = published
    truncate(history)
    history.with_name("events.history.json.bak").unlink()
    result = runner.invoke(main, ["diff", str(events)])
    assert result.exit_code == 0
    assert "warning: the revision history is damaged: unreadable history (" in result.output


def test_writes_go_through_a_symlinked_history(published, tmp_path):
    events, history = published
    elsewhere = tmp_path / "other-repo"
    elsewhere.mkdir()
    real = elsewhere / "lunch.history.json"
    history.rename(real)
    history.symlink_to(real)
    retitle(events, "（二）")
    assert revision(publish(events, T2)["calendar.ics"]) == (2, T2)
    assert history.is_symlink()
    assert history.resolve() == real
    assert json.loads(real.read_text(encoding="utf-8"))["events"][UID]["sequence"] == 2
    assert (elsewhere / "lunch.history.json.bak").read_bytes() == real.read_bytes()


def test_a_stored_event_missing_a_detail_gets_its_default(shipped_copy):
    publish(shipped_copy, T0)
    history = shipped_copy.with_name("events.history.json")
    data = json.loads(history.read_text(encoding="utf-8"))
    for item in data["events"].values():
        for detail in ("bio", "abstract", "links", "note"):
            item["snapshot"].pop(detail, None)
    history.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    text = shipped_copy.read_text(encoding="utf-8")
    start = text.index("  - date: 2024-09-11")
    end = text.index("  - date:", start + 1)
    shipped_copy.write_text(text[:start] + text[end:], encoding="utf-8")  # remove the talk
    files = publish(shipped_copy, T1)
    events = Calendar.from_ical(files["calendar.ics"]).walk("VEVENT")
    event = next(e for e in events if str(e["UID"]) == UID)
    assert str(event["STATUS"]) == "CANCELLED"
    assert revision(files["calendar.ics"]) == (1, T1)


def test_the_live_server_keeps_the_last_good_feed_when_the_history_is_lost(make_app, events):
    client = make_app().test_client()
    good = client.get("/calendar.ics").data
    history = events.with_name("events.history.json")
    history.write_text("{", encoding="utf-8")
    history.with_name("events.history.json.bak").unlink()
    retitle(events, "（二）")
    assert client.get("/calendar.ics").data == good
    health = client.get("/healthz").get_json()
    assert (health["status"], health["serving"]) == ("error", "last-good")
    assert health["errors"][0]["file"] == str(history)
    assert health["errors"][0]["message"].startswith("the revision history is damaged")


def test_build_refuses_and_the_file_is_untouched_when_reset_is_not_given(shipped_copy):
    history = shipped_copy.with_name("events.history.json")
    history.write_bytes(b"\xff\xfe not a history")
    with pytest.raises(ValidationError):
        publish(shipped_copy, T0)
    assert history.read_bytes() == b"\xff\xfe not a history"
    assert SHIPPED.read_bytes() == shipped_copy.read_bytes()


def test_the_server_starts_a_new_history_only_when_told(make_app, events):
    history = events.with_name("events.history.json")
    history.write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        make_app()
    assert refused.value.problems[0].message.startswith("the revision history is damaged")
    client = make_app(RESET_HISTORY=True).test_client()
    assert client.get("/calendar.ics").status_code == 200
    assert json.loads(history.read_text(encoding="utf-8"))["format"] == 1
    kept = [p for p in events.parent.iterdir() if p.name.startswith("events.history.json.dam")]
    assert [p.read_text(encoding="utf-8") for p in kept] == ["{"]
