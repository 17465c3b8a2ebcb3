"""A new seminar's repository from nothing: events.yaml, pre-commit, a GitHub Pages workflow.

The files are plain text written from the templates below: a commented
events.yaml (the series with placeholders, one example talk, one cancelled date
and one open slot, all on coming Wednesdays so the page shows them as
upcoming), a ``.pre-commit-config.yaml`` running ``calendar-feed validate`` and
``diff --check``, a workflow that validates every push and pull request and, on
the default branch, builds and deploys the site with GitHub's own Pages
actions (the base URL comes from ``actions/configure-pages``), and a README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..files import write_inside
from ..model import WEEKDAYS
from ..source.writer import yaml_scalar

WORKFLOW_FILE = ".github/workflows/calendar-feed.yml"
FILE_NAMES = ("events.yaml", ".pre-commit-config.yaml", WORKFLOW_FILE, "README.md")
"""What ``init`` writes, known before any question is asked."""

EVENTS = Template("""\
# events.yaml: the one source of truth for the seminar's schedule.
#
# Edit this file, then run `calendar-feed validate` to check it. On GitHub, every
# push is checked and the default branch is published to GitHub Pages by
# .github/workflows/calendar-feed.yml. Every field is described in calendar-feed's
# docs/user-guide/events-yaml.md. Long text uses YAML block scalars ("|"): indent
# it under the key and write paragraphs as you would in an email.

calendar:
  # Short id used in event UIDs and file names. Never change it once people
  # have subscribed: calendar apps would see every talk as deleted and re-added.
  id: $series_id
  name: $name
$local_name\
  description: |
    What the seminar is about, who it is for, and where to find it.
  semester: $semester
  organizers:
    - First Organizer
    - Second Organizer
  # contact: First Organizer <organizer@example.edu>  # From of announcements
  # announce_to: seminar-list@example.edu             # To of announcements
  # repository: https://github.com/OWNER/REPO         # "volunteer" issue links
  timezone: $timezone   # an IANA name; all times below are local times there
  language: $language
  weekday: $weekday
  # Where the built site will be published. The GitHub workflow passes the
  # Pages address itself; set it here for builds elsewhere.
  # base_url: https://OWNER.github.io/REPO/

# Every session uses these unless it says otherwise.
defaults:
  start: $start
  end: $end
  location: $location

# One entry per date. A session with a speaker and title is a talk;
# `status: cancelled` (with an optional `reason`) marks a cancelled date;
# a date with nothing else is an open slot.
sessions:
  - date: $talk_date            # an example talk: replace it with your first one
    speaker: Ada Lovelace
    affiliation: Analytical Engine Society
    title: Notes on the Analytical Engine
    abstract: |
      First paragraph of the abstract.

      Second paragraph: leave a blank line between paragraphs.
    bio: |
      A few lines about the speaker.
    links:
      slides: https://example.edu/slides.pdf

  - date: $cancelled_date
    status: cancelled
    reason: $holiday

  - date: $open_date            # nothing else: an open slot, speakers welcome
""")

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): `pip install pre-commit && pre-commit install`
# checks events.yaml before every commit. These hooks run the calendar-feed you have
# installed; to let pre-commit install it, use calendar-feed's own hooks instead:
#   - repo: https://github.com/OWNER/calendar-feed   (where calendar-feed lives)
#     rev: v0.1.0
#     hooks: [{id: calendar-feed-validate}, {id: calendar-feed-diff-check}]
repos:
  - repo: local
    hooks:
      - id: calendar-feed-validate
        name: calendar-feed validate
        entry: calendar-feed validate
        language: system
        files: ^events\\.yaml$
        pass_filenames: false
      - id: calendar-feed-diff-check
        name: calendar-feed diff --check (no UID changes)
        entry: calendar-feed diff --check
        language: system
        files: ^events\\.yaml$
        pass_filenames: false
"""

WORKFLOW = Template("""\
# Checks events.yaml on every push and pull request; on the default branch, builds
# the site and publishes it on GitHub Pages. Once, in the repository's Settings →
# Pages, choose "Source: GitHub Actions".
name: calendar-feed

on:
  push:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

env:
  # What pip installs: a release, or a git URL such as git+https://github.com/OWNER/calendar-feed
  CALENDAR_FEED: $package

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$$CALENDAR_FEED"
      - run: calendar-feed validate events.yaml
      - run: calendar-feed diff --check events.yaml

  deploy:
    if: >-
      github.event_name != 'pull_request' &&
      github.ref_name == github.event.repository.default_branch
    needs: validate
    runs-on: ubuntu-latest
    permissions:
      contents: write   # to commit the updated revision history
      pages: write
      id-token: write
    concurrency:
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: $${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$$CALENDAR_FEED"
      - id: pages
        uses: actions/configure-pages@v5
      - name: Build the site
        env:
          BASE_URL: $${{ steps.pages.outputs.base_url }}
        run: calendar-feed build events.yaml --out site --base-url "$$BASE_URL"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
      - id: deployment
        uses: actions/deploy-pages@v4
      - name: Keep the revision history (SEQUENCE numbers for calendar apps)
        run: |
          if [ -n "$$(git status --porcelain -- events.history.json)" ]; then
            git config user.name "github-actions[bot]"
            git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
            git add events.history.json
            git commit -m "Update events.history.json [skip ci]"
            git push
          fi
""")

README = """\
# Seminar schedule

This repository publishes the seminar's schedule with
[calendar-feed](https://pypi.org/project/calendar-feed/): a calendar feed people
subscribe to once, a web page, and one `.ics` per talk.

- **Edit** `events.yaml` (the comments say how); `calendar-feed validate` checks it.
- **Publish**: push. `.github/workflows/calendar-feed.yml` checks every push and pull
  request and, on the default branch, publishes the site on GitHub Pages (once, in
  Settings → Pages, choose "Source: GitHub Actions"). The page has the subscribe links.
- **Check before committing**: `pip install pre-commit && pre-commit install`.
- **Every week**: `calendar-feed announce --next --format eml --out next.eml` writes the
  announcement e-mail; `poster.html` on the site prints the term on one A4 page.
- **Every term**: `calendar-feed new-semester --start YYYY-MM-DD --end YYYY-MM-DD --holidays CN`.
- Commit `events.history.json` with `events.yaml`: it keeps calendar apps' updates right.

## What the site holds

"""


def readme() -> str:
    """The new repository's README, with the list of files its site publishes."""
    from ..render.outputs import Sites, described

    files = "".join(f"- `{path}`: {about}\n" for path, _, about in described(Sites.ONE))
    return README + files


@dataclass(frozen=True)
class Seminar:
    """The answers ``init`` asks for: what makes one seminar's file its own."""

    series_id: str
    name: str
    timezone: str
    weekday: str
    start: str
    end: str
    location: str
    language: str


def is_chinese(language: str) -> bool:
    """zh, zh-Hans, zh-CN, ...: the languages whose files get the bilingual placeholders."""
    return language.lower().split("-")[0] == "zh"


def default_location(language: str) -> str:
    """A placeholder that says the room is not known yet, never a made-up room."""
    return "地点待定 / Room to be announced" if is_chinese(language) else "Room to be announced"


def default_name(directory: Path) -> str:
    """'lunch-seminar' -> 'Lunch Seminar': the folder is the best guess we have."""
    words = directory.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "My Seminar"


def semester_label(today: dt.date, language: str) -> str:
    """The term now starting: 2025春 / 2024秋 in Chinese, Spring 2025 / Fall 2024 otherwise."""
    year = today.year if today.month != 1 else today.year - 1
    spring = 2 <= today.month <= 7
    if is_chinese(language):
        return f"{year}{'春' if spring else '秋'}"
    return f"{'Spring' if spring else 'Fall'} {year}"


def project_files(seminar: Seminar, *, today: dt.date, package: str) -> dict[str, str]:
    """Relative path -> text of every file ``init`` writes."""
    weekday = WEEKDAYS.index(seminar.weekday.lower())
    first = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    chinese = is_chinese(seminar.language)
    local_name = ""
    if chinese:
        local_name = "  local_name: 我的讨论班   # its name in Chinese, shown first on the page\n"
    events = EVENTS.substitute(
        series_id=yaml_scalar(seminar.series_id),
        name=yaml_scalar(seminar.name),
        local_name=local_name,
        semester=yaml_scalar(semester_label(today, seminar.language)),
        timezone=yaml_scalar(seminar.timezone),
        language=yaml_scalar(seminar.language),
        weekday=yaml_scalar(seminar.weekday.lower()),
        start=yaml_scalar(seminar.start),
        end=yaml_scalar(seminar.end),
        location=yaml_scalar(seminar.location),
        holiday=yaml_scalar("假期 / Holiday" if chinese else "Holiday"),
        talk_date=first.isoformat(),
        cancelled_date=(first + dt.timedelta(weeks=1)).isoformat(),
        open_date=(first + dt.timedelta(weeks=2)).isoformat(),
    )
    texts = (events, PRE_COMMIT, WORKFLOW.substitute(package=yaml_scalar(package, quoted=True)))
    return dict(zip(FILE_NAMES, (*texts, readme()), strict=True))


def existing(directory: Path, names: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The files ``init`` would replace, and links on the way: each with what it is."""
    found: dict[Path, str] = {}
    for name in names:
        path = directory
        parts = Path(name).parts
        for index, part in enumerate(parts, 1):
            path = path / part
            if path.is_symlink():
                found[path] = "is a link (nothing is written through one)"
                break
            if index == len(parts) and path.exists():
                found[path] = "already exists"
    return list(found.items())


def write_project(directory: Path, files: dict[str, str]) -> list[Path]:
    """Write each file inside ``directory``, replacing links themselves, never their targets."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_inside(directory, name, text.encode("utf-8"))
    return [directory / name for name in files]


def series_id_for(directory: Path) -> str:
    """An id from the folder's name ('Lunch Seminar' -> 'lunch-seminar'), else 'my-seminar'."""
    name = directory.resolve().name.lower()
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in name).strip("-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned[:40] or "my-seminar"
