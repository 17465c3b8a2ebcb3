"""Shared fixtures: the shipped events file and a helper to write small variants of it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from calendar_feed.validation import load_schedule

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.yaml"
SEED_PAGE = ROOT.parent / "shared" / "seed" / "000_4d6fd34c273b56c1.txt"


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
def shipped():
    return load_schedule(SHIPPED).schedule


@pytest.fixture
def write_events(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to tmp_path/events.yaml and return its path."""

    def write(text: str, name: str = "events.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
