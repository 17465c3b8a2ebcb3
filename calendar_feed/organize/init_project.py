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
from pathlib import Path
from string import Template

WORKFLOW_FILE = ".github/workflows/calendar-feed.yml"

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
  name: My Seminar                      # the series' name in English
  local_name: 我的讨论班                  # its name in the seminar's own language (optional)
  description: |
    What the seminar is about, who it is for, and whether there is lunch.
  semester: $semester
  organizers:
    - First Organizer
    - Second Organizer
  # contact: First Organizer <organizer@example.edu>  # From of announcements
  # announce_to: seminar-list@example.edu             # To of announcements
  # repository: https://github.com/OWNER/REPO         # "volunteer" issue links
  timezone: Asia/Shanghai               # an IANA name; all times below are local times there
  language: zh
  weekday: wednesday
  # Where the built site will be published. The GitHub workflow passes the
  # Pages address itself; set it here for builds elsewhere.
  # base_url: https://OWNER.github.io/REPO/

# Every session uses these unless it says otherwise.
defaults:
  start: "12:00"
  end: "13:30"
  location: Room 101 / 101 教室

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
    reason: Holiday / 假期

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
  CALENDAR_FEED: "$package"

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


def project_files(
    *, series_id: str, today: dt.date, package: str = "calendar-feed"
) -> dict[str, str]:
    """Relative path -> text of every file ``init`` writes."""
    first = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)  # next Wednesday
    spring = 2 <= today.month <= 7
    events = EVENTS.substitute(
        series_id=series_id,
        semester=f"{today.year if today.month != 1 else today.year - 1}{'春' if spring else '秋'}",
        talk_date=first.isoformat(),
        cancelled_date=(first + dt.timedelta(weeks=1)).isoformat(),
        open_date=(first + dt.timedelta(weeks=2)).isoformat(),
    )
    return {
        "events.yaml": events,
        ".pre-commit-config.yaml": PRE_COMMIT,
        WORKFLOW_FILE: WORKFLOW.substitute(package=package),
        "README.md": readme(),
    }


def existing(directory: Path, names: list[str]) -> list[Path]:
    """The files ``init`` would overwrite."""
    return [directory / name for name in names if (directory / name).exists()]


def write_project(directory: Path, files: dict[str, str]) -> list[Path]:
    written = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def series_id_for(directory: Path) -> str:
    """An id from the folder's name ('Lunch Seminar' -> 'lunch-seminar'), else 'my-seminar'."""
    name = directory.resolve().name.lower()
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in name).strip("-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned[:40] or "my-seminar"
