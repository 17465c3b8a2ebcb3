"""The command line as an organizer uses it: messages, exit codes, help, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from calendar_feed import __version__
from calendar_feed.cli import main


def test_validate_the_shipped_file(runner, shipped_path):
    result = runner.invoke(main, ["validate", str(shipped_path)])
    assert result.exit_code == 0
    assert (
        result.output == f"{shipped_path}: OK, 18 sessions (2 talks, 2 cancelled, 14 open slots)\n"
    )


def test_validate_reports_every_error_and_exits_1(runner, write_events, tmp_path):
    path = write_events(
        """\
        calendar:
          id: demo
          name: Demo
          timezone: Asia/Shanghai
        defaults:
          start: "12:00"
          duration: 90
        sessions:
          - date: 2024-02-30
          - date: 2024-09-11
            abstact: hi
            speaker: Ada
            title: Engines
        """
    )
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f'{path}:9:11: sessions[0].date: "2024-02-30" is not a real date\n'
        f'{path}:11:5: sessions[1].abstact: unknown field "abstact"; did you mean "abstract"?\n'
        f"{path}: 2 errors; nothing published\n"
    )
    assert "Traceback" not in result.output


def test_validate_prints_warnings_but_succeeds(runner, write_events):
    path = write_events(
        """\
        calendar: {id: demo, name: Demo, timezone: UTC, weekday: monday}
        defaults: {start: "12:00", duration: 60}
        sessions:
          - date: 2024-09-11
        """
    )
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.output == (
        f"{path}:4:11: sessions[0].date: warning: 2024-09-11 is a Wednesday; "
        "the series usually meets on Mondays\n"
        f"{path}: OK, 1 session (0 talks, 0 cancelled, 1 open slot)\n"
    )


def test_validate_missing_file(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'nope.yaml'}: file not found\n{tmp_path / 'nope.yaml'}: 1 error; nothing published\n"
    )


def test_default_file_is_events_yaml_in_the_current_directory(runner, shipped_copy, monkeypatch):
    monkeypatch.chdir(shipped_copy.parent)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert result.output.startswith("events.yaml: OK, 18 sessions")


def test_build_with_base_url_override(runner, shipped_copy, tmp_path):
    out = tmp_path / "public"
    result = runner.invoke(
        main,
        [
            "build",
            str(shipped_copy),
            "--out",
            str(out),
            "--base-url",
            "https://ex.org/am",
            "--today",
            "2024-09-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert b"SOURCE;VALUE=URI:https://ex.org/am/calendar.ics" in (out / "calendar.ics").read_bytes()
    assert 'href="webcal://ex.org/am/calendar.ics"' in (out / "index.html").read_text()


def test_build_rejects_a_bad_base_url(runner, shipped_path, tmp_path):
    result = runner.invoke(
        main,
        ["build", str(shipped_path), "--out", str(tmp_path / "x"), "--base-url", "example.org"],
    )
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--base-url': must start with http:// or https://, "
        "not 'example.org'\n"
    ) in result.output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://x[.org/", "is not a valid web address (Invalid IPv6 URL)"),
        ("https:///lunch/", "has no host name: 'https:///lunch/'"),
    ],
)
def test_build_rejects_a_base_url_without_a_usable_host(
    runner, shipped_path, tmp_path, url, message
):
    out = tmp_path / "x"
    result = runner.invoke(main, ["build", str(shipped_path), "--out", str(out), "--base-url", url])
    assert result.exit_code == 2
    assert f"Error: Invalid value for '--base-url': {message}\n" in result.output
    assert not out.exists()


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.output == f"calendar-feed, version {__version__}\n"


def test_python_dash_m_runs_the_cli(shipped_path):
    result = subprocess.run(
        [sys.executable, "-m", "calendar_feed", "validate", str(shipped_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.endswith("OK, 18 sessions (2 talks, 2 cancelled, 14 open slots)\n")


def test_console_script_reports_errors_without_traceback(tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text("calendar: [unclosed\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "calendar_feed", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}:2:1: YAML syntax error: while parsing a flow sequence")


_MODULES_AFTER = (
    "import sys, runpy; sys.argv = ['calendar-feed', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('calendar_feed', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print('--- modules', *sorted(sys.modules), sep='\\n')\n"
)
"""Runs the command as ``python -m calendar_feed`` does, then lists every module imported."""

_NOT_FOR_BUILD = {
    # the live server and its framework
    "calendar_feed.server", "flask", "werkzeug", "gunicorn",
    # the other commands and their libraries
    "calendar_feed.commands.importing", "calendar_feed.commands.markdown",
    "calendar_feed.commands.new_semester", "calendar_feed.commands.announce",
    "calendar_feed.commands.init", "calendar_feed.importing", "calendar_feed.markdown",
    "calendar_feed.organize", "markdown_it", "openpyxl", "holidays", "tzlocal", "email",
    # zone names come from tzdata's list: pytz's opens some 600 zone files first
    "pytz",
    # calendars are written directly where that gives icalendar's bytes (render/ical_bytes.py)
    "icalendar", "calendar_feed.render.components",
}  # fmt: skip


def _imported_by(*args: str) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    output, modules = result.stdout.split("--- modules\n")
    return output, set(modules.split())


def _unwanted(modules: set[str], unwanted: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == u or m.startswith(f"{u}.") for u in unwanted))


def test_a_build_imports_nothing_it_does_not_use(shipped_copy, tmp_path):
    """Start-up is most of a small build: no server, other command, or their libraries,
    no icalendar while every piece is written directly, no segno while there is no URL
    to draw a QR code of, no build cache with --no-cache."""
    out = tmp_path / "site"
    output, modules = _imported_by(
        "build", str(shipped_copy), "--out", str(out), "--no-history", "--no-cache"
    )
    assert output.startswith(f"Built {out}/: 18 sessions")
    assert _unwanted(modules, _NOT_FOR_BUILD | {"segno", "calendar_feed.publish.cache"}) == []
    assert {"calendar_feed.render.ical_bytes", "jinja2", "yaml"} <= modules  # the probe sees


def test_a_department_build_imports_nothing_it_does_not_use(department, tmp_path):
    out = tmp_path / "site"
    output, modules = _imported_by("build", str(department), "--out", str(out), "--no-history")
    assert output.startswith(f"Built {out}/: 3 series")
    assert _unwanted(modules, _NOT_FOR_BUILD) == []
    assert {"calendar_feed.render.ical_bytes", "jinja2", "yaml"} <= modules


def test_validate_imports_no_server_and_writes_nothing(shipped_copy):
    """Checking a file renders the budgeted feeds and pages in memory, to warn about sizes
    as ``build`` would, and nothing else: no server, no other command, no file written."""
    before = sorted(shipped_copy.parent.iterdir())
    output, modules = _imported_by("validate", str(shipped_copy))
    assert output == f"{shipped_copy}: OK, 18 sessions (2 talks, 2 cancelled, 14 open slots)\n"
    assert _unwanted(modules, _NOT_FOR_BUILD | {"segno", "calendar_feed.publish.cache"}) == []
    assert "yaml" in modules
    assert sorted(shipped_copy.parent.iterdir()) == before
