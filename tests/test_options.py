"""Every command × every option × both kinds of file: an option means the same for an
events file (a site of one series) and a site file (a site of several), or it is
refused with exit 2 and a one-line reason. Nothing is silently ignored."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from calendar_feed.cli import main
from calendar_feed.history import history_path_for
from tests.helpers import DEPARTMENT, SHIPPED

KINDS = ("events", "site")
DEPT_URL = "https://dept.example.org/talks/"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A copy of the shipped events.yaml and of the example department, in a git repository
    (for diff --git), with a second copy of each for diff --against."""
    shutil.copy(SHIPPED, tmp_path / "events.yaml")
    shutil.copytree(DEPARTMENT, tmp_path / "dept")
    shutil.copy(SHIPPED, tmp_path / "other-events.yaml")
    shutil.copytree(DEPARTMENT, tmp_path / "other-dept")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    return {
        "events": tmp_path / "events.yaml",
        "site": tmp_path / "dept" / "site.yaml",
        "other-events": tmp_path / "other-events.yaml",
        "other-site": tmp_path / "other-dept" / "site.yaml",
        "tmp": tmp_path,
    }


def _values(files: dict[str, Path], kind: str) -> dict[str, list[str]]:
    tmp = files["tmp"]
    return {
        "--out": ["--out", str(tmp / f"out-{kind}")],
        "--base-url": ["--base-url", DEPT_URL],
        "--today": ["--today", "2025-03-01"],
        "--history": ["--history", str(tmp / "chosen.history.json")],
        "--no-history": ["--no-history"],
        "--keep-removed": ["--keep-removed", "3"],
        "--reset-history": ["--reset-history"],
        "--max-bytes": ["--max-bytes", "0"],
        "--max-sessions": ["--max-sessions", "30000"],
        "--cache": ["--cache", str(tmp / f"cache-{kind}")],
        "--no-cache": ["--no-cache"],
        "--quiet": ["--quiet"],
        "--against": ["--against", str(files[f"other-{kind}"])],
        "--git": ["--git", "HEAD"],
        "--check": ["--check"],
        "--host": ["--host", "127.0.0.1"],
        "--port": ["--port", "0"],
        "--proxies": ["--proxies", "1"],
        "--workers": ["--workers", "2"],
        "--dev": ["--dev"],
        "--debug": ["--dev", "--debug"],
    }


# Commands that read a schedule: each option × each kind is run. Options a command has
# that are missing here make the sweep fail, so a new option must say what it does.
SWEPT = ("validate", "build", "diff", "serve")
REFUSED = {
    ("build", "--history", "site"): "--history names one history file",
    ("diff", "--history", "site"): "--history names one history file",
    ("serve", "--history", "site"): "--history names one history file",
    ("diff", "--git", "site"): "--git reads FILE at a revision",
}
"""What a site file refuses, and the start of the reason it gives."""
ONE_SERIES_COMMANDS = {
    "export-markdown": [],
    "announce": ["--today", "2024-09-20"],
    "new-semester": ["--start", "2025-02-17", "--end", "2025-06-08", "--today", "2025-01-10"],
}
"""Commands about one series (a site file is refused whatever the options), with what
each needs to succeed on the shipped events file."""


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """`serve` returns the app it would run, instead of running it."""
    apps: list[Any] = []
    from calendar_feed.server import production

    monkeypatch.setattr(production, "run", lambda app, **_: apps.append(app))
    monkeypatch.setattr("flask.Flask.run", lambda app, **_: apps.append(app))
    return apps


def _options(command: str) -> list[str]:
    found = main.get_command(click.Context(main), command)
    assert found is not None
    names = [
        name
        for param in found.params
        if isinstance(param, click.Option)
        for name in param.opts
        if name.startswith("--") and name != "--help"
    ]
    return sorted(set(names))


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", SWEPT)
def test_every_option_works_or_is_refused_with_a_reason(
    command: str, kind: str, files: dict[str, Path], no_serving: list[Any]
) -> None:
    values = _values(files, kind)
    for option in _options(command):
        assert option in values, f"`{command} {option}`: say what it does for both kinds"
        args = [command, str(files[kind]), *values[option]]
        if command == "build" and option != "--out":
            args += ["--out", str(files["tmp"] / f"site-{kind}-{option}")]
        result = _invoke(args)
        refused = REFUSED.get((command, option, kind))
        if refused is None:
            assert result.exit_code == 0, (args, result.output)
            assert "Traceback" not in result.output
        else:
            assert result.exit_code == 2, (args, result.output)
            (line,) = [x for x in result.output.splitlines() if x.startswith("Error:")]
            assert line.startswith(f"Error: {refused}"), line


@pytest.mark.parametrize("command", ONE_SERIES_COMMANDS)
def test_commands_about_one_series_refuse_a_site_file(command: str, files: dict[str, Path]) -> None:
    extra = ONE_SERIES_COMMANDS[command]
    result = _invoke([command, str(files["site"]), *extra])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {files['site']} is a site file of 3 series; this command takes one series' "
        f"events file, e.g. {files['site'].parent / 'lunch' / '2024-autumn.yaml'}"
    )
    with_events = _invoke([command, str(files["events"]), "--out", str(files["tmp"] / "x"), *extra])
    assert with_events.exit_code == 0, with_events.output


def _build(files: dict[str, Path], kind: str, *extra: str) -> tuple[Result, Path]:
    out = files["tmp"] / f"site-{kind}"
    args = ["build", str(files[kind]), "--out", str(out), "--today", "2025-03-01", *extra]
    return _invoke(args), out


@pytest.mark.parametrize("kind", KINDS)
def test_base_url_is_published_for_both_kinds(kind: str, files: dict[str, Path]) -> None:
    result, out = _build(files, kind, "--base-url", DEPT_URL, "--no-history")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "events.json").read_text(encoding="utf-8"))
    if kind == "site":
        assert data["site"]["base_url"] == DEPT_URL
        assert {s["base_url"] for s in data["series"]} == {
            f"{DEPT_URL}{series}/" for series in ("lunch", "analysis", "colloquium")
        }
        assert "example.edu/seminars" not in (out / "calendar.ics").read_text(encoding="utf-8")
    else:
        assert data["calendar"]["base_url"] == DEPT_URL
    feed = (out / "calendar.ics").read_text(encoding="utf-8")
    assert f"SOURCE;VALUE=URI:{DEPT_URL}" in feed.replace("\r\n ", "")


@pytest.mark.parametrize("kind", KINDS)
def test_cache_is_used_for_both_kinds(kind: str, files: dict[str, Path]) -> None:
    cache = files["tmp"] / "cache"
    first, out = _build(files, kind, "--cache", str(cache), "--no-history")
    assert first.exit_code == 0, first.output
    assert any(path.is_file() for path in cache.rglob("*"))
    uncached, plain = _build(files, kind, "--no-cache", "--no-history")
    assert uncached.exit_code == 0
    rebuilt, _ = _build(files, kind, "--cache", str(cache), "--no-history")
    assert rebuilt.exit_code == 0
    assert _tree(out) == _tree(plain)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".calendar-feed")
    }


def _series_history(files: dict[str, Path], kind: str) -> Path:
    if kind == "events":
        return history_path_for(files["events"])
    return files["site"].parent / "analysis" / "events.history.json"


@pytest.mark.parametrize("kind", KINDS)
def test_reset_history_applies_to_both_kinds(kind: str, files: dict[str, Path]) -> None:
    built, _ = _build(files, kind)
    assert built.exit_code == 0, built.output
    history = _series_history(files, kind)
    history.write_text("{ damaged", encoding="utf-8")
    history.with_name(history.name + ".bak").unlink(missing_ok=True)
    refused, _ = _build(files, kind, "--today", "2025-03-02")
    assert refused.exit_code == 1
    assert "the revision history is damaged" in refused.output
    reset, _ = _build(files, kind, "--today", "2025-03-02", "--reset-history")
    assert reset.exit_code == 0, reset.output
    assert "started a new one (--reset-history)" in reset.output
    assert json.loads(history.read_text(encoding="utf-8"))["series"]


def _drop_first_session(events_file: Path) -> None:
    """Remove the first `- date:` item of ``events_file``'s sessions."""
    lines = events_file.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith("- date:")]
    del lines[starts[0] : starts[1]]
    events_file.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("keep", "kept"), [("30", True), ("0", False)])
def test_keep_removed_applies_to_both_kinds(
    kind: str, keep: str, kept: bool, files: dict[str, Path]
) -> None:
    built, out = _build(files, kind)
    assert built.exit_code == 0, built.output
    events_file = (
        files["events"] if kind == "events" else files["site"].parent / "analysis" / "events.yaml"
    )
    feed_path = "calendar.ics" if kind == "events" else "analysis/calendar.ics"
    before = (out / feed_path).read_text(encoding="utf-8").count("BEGIN:VEVENT")
    _drop_first_session(events_file)
    rebuilt, _ = _build(files, kind, "--keep-removed", keep)
    assert rebuilt.exit_code == 0, rebuilt.output
    after = (out / feed_path).read_text(encoding="utf-8").count("BEGIN:VEVENT")
    assert after == (before if kept else before - 1)


def test_diff_takes_a_site_file(files: dict[str, Path]) -> None:
    built, _ = _build(files, "site")
    assert built.exit_code == 0, built.output
    _drop_first_session(files["site"].parent / "analysis" / "events.yaml")
    result = _invoke(["diff", str(files["site"])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    history = files["site"].parent / "analysis" / "events.history.json"
    assert (
        f"analysis: Against {history}: 1 event change for subscribers (1 sessions in {files['site']}):"
        in lines
    )
    lunch = files["site"].parent / "lunch" / "lunch.history.json"
    assert f"lunch: Against {lunch}: no changes; subscribers' calendars stay as they are." in lines
    against = _invoke(["diff", str(files["site"]), "--against", str(files["other-site"])])
    assert against.exit_code == 0
    assert f"analysis: Against {files['other-site']}: 1 event change" in against.output


@pytest.mark.parametrize("kind", KINDS)
def test_serve_applies_base_url_and_history_options(
    kind: str, files: dict[str, Path], no_serving: list[Any]
) -> None:
    result = _invoke(["serve", str(files[kind]), "--base-url", DEPT_URL, "--no-history"])
    assert result.exit_code == 0, result.output
    (app,) = no_serving
    page = app.test_client().get("/").get_data(as_text=True)
    assert DEPT_URL in page
    if kind == "site":
        assert "example.edu/seminars" not in page
    history = _series_history(files, kind)
    assert not history.exists()  # --no-history: nothing written


def test_history_refusal_changes_nothing(files: dict[str, Path]) -> None:
    chosen = files["tmp"] / "chosen.history.json"
    result, out = _build(files, "site", "--history", str(chosen))
    assert result.exit_code == 2
    assert not out.exists()
    assert not chosen.exists()


def test_sweep_lists_every_option_with_effects(files: dict[str, Path]) -> None:
    """The option table above covers exactly the options the swept commands have."""
    used = {o for command in SWEPT for o in _options(command)}
    assert used == set(_values(files, "events")), sorted(used ^ set(_values(files, "events")))
