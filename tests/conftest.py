"""Shared fixtures: the shipped events file, a server on a copy of it, and the CLI runner."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from calendar_feed.server.web import create_app
from calendar_feed.source.validation import load_schedule
from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SEED_PAGE,
    SHIPPED,
    TIMEOUT_MS,
    TODAY,
    browser_missing,
    copy_department,
)

# No example is failed for taking long: speed is measured in bench/, and a loaded CI
# machine would otherwise fail a correct test by the clock.
settings.register_profile("calendar-feed", deadline=None)
settings.load_profile("calendar-feed")


@pytest.fixture(autouse=True)
def _private_build_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds keep their cache under the test's own folder, never in ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def shipped_path() -> Path:
    return SHIPPED


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """The shipped events.yaml copied to tmp_path, so builds write their history there."""
    copy = tmp_path / "events.yaml"
    copy.write_bytes(SHIPPED.read_bytes())
    return copy


@pytest.fixture
def department(tmp_path: Path) -> Path:
    """A copy of the example department (three series, lunch in two terms): its site file."""
    return copy_department(tmp_path / "dept")


@pytest.fixture
def shipped():
    return load_schedule(SHIPPED).schedule


@pytest.fixture
def seed_page() -> Path:
    """The seminar's hand-kept Markdown page (a copy kept in tests/data)."""
    return SEED_PAGE


@pytest.fixture
def write_events(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to tmp_path/events.yaml and return its path."""

    def write(text: str, name: str = "events.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def events(tmp_path: Path) -> Path:
    """A copy of the shipped events.yaml that a test may edit."""
    path = tmp_path / "events.yaml"
    shutil.copyfile(SHIPPED, path)
    return path


@pytest.fixture
def make_app(events: Path) -> Callable[..., Flask]:
    """A factory of apps on ``events``, checking the file on every request."""

    def make(**config: object) -> Flask:
        # Check on every request and accept edits at once; the settle logic has its own tests.
        settings = {
            "EVENTS_FILE": str(events),
            "CHECK_INTERVAL": 0,
            "SETTLE_SECONDS": 0,
            "TODAY": TODAY.isoformat(),
        }
        return create_app({**settings, **config})

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """A fresh app per test on its own copy of the shipped file."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs ``calendar-feed`` commands in-process (``runner.invoke(main, [...])``)."""
    return CliRunner()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium, once per run; skipped on a workstation without it,
    a failure on CI (``CI`` set), so the browser tests cannot silently stop running."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run on CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        try:
            yield chromium
        finally:
            chromium.close()
