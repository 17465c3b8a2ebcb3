"""'Volunteer for this date' on open slots: a mailto: and a prefilled GitHub issue."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest

from calendar_feed.render.links import (
    ISSUE_LINK_LIMIT,
    MAILTO_LIMIT,
    volunteer_block,
    volunteer_links,
)
from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.source.loading import parse_events_bytes
from tests.helpers import TODAY, session_of


@pytest.fixture
def series(shipped):
    return dataclasses.replace(
        shipped.series,
        contact="吴清玉 <lunch@example.edu>",
        repository="https://github.com/pku-am/lunch-seminar",
    )


def test_links_carry_the_yaml_block_and_fit(shipped, series):
    open_slot = session_of(shipped, "2024-10-09")
    links = volunteer_links(series, open_slot)
    assert links is not None
    assert len(links.mailto) <= MAILTO_LIMIT
    assert len(links.issue) <= ISSUE_LINK_LIMIT
    mail = urlsplit(links.mailto)
    assert (mail.scheme, mail.path) == ("mailto", "lunch@example.edu")
    fields = parse_qs(mail.query)
    assert fields["subject"] == ["Volunteer for 2024-10-09: PKU Applied Math Lunch Seminar"]
    block = volunteer_block(open_slot)
    assert block in fields["body"][0]
    issue = urlsplit(links.issue)
    assert (issue.netloc, issue.path) == ("github.com", "/pku-am/lunch-seminar/issues/new")
    body = parse_qs(issue.query)["body"][0]
    assert f"```yaml\n{block}```" in body
    # The block, pasted under `sessions:`, is a valid session with every placeholder.
    head = "calendar:\n  id: x\n  name: X\n  timezone: UTC\nsessions:\n"
    root = parse_events_bytes((head + block).encode("utf-8"), "pasted.yaml")
    (session,) = root.entries["sessions"].value.items
    assert list(session.entries) == ["date", "speaker", "affiliation", "title", "abstract", "bio"]


def test_the_longest_series_name_still_fits(shipped, series):
    long = dataclasses.replace(series, name="N" * 300, local_name="讨" * 300)
    links = volunteer_links(long, session_of(shipped, "2024-10-09"))
    assert len(links.mailto) <= MAILTO_LIMIT
    assert len(links.issue) <= ISSUE_LINK_LIMIT
    assert links.mailto.startswith("mailto:lunch@example.edu?subject=")


def test_no_contact_and_no_github_means_no_links(shipped):
    assert volunteer_links(shipped.series, session_of(shipped, "2024-10-09")) is None
    gitlab = dataclasses.replace(shipped.series, repository="https://gitlab.com/a/b")
    assert volunteer_links(gitlab, session_of(shipped, "2024-10-09")) is None
    only_repo = dataclasses.replace(shipped.series, repository="https://github.com/a/b.git")
    links = volunteer_links(only_repo, session_of(shipped, "2024-10-09"))
    assert links.mailto == ""
    assert links.issue.startswith("https://github.com/a/b/issues/new?title=")


def test_the_listing_shows_them_on_open_slots_only(shipped, series):
    schedule = dataclasses.replace(shipped, series=series)
    html = render_listing(schedule, PageContext(today=TODAY))
    assert html.count('class="volunteer-mail"') == sum(s.is_open for s in shipped.sessions)
    assert html.count(">Volunteer for this date</a>") == 14
    assert html.count(">or open an issue</a>") == 14
    talk = html.split('id="s-2024-09-25"', 1)[1].split("</li>", 1)[0]
    assert "volunteer" not in talk
    plain = render_listing(shipped, PageContext(today=TODAY))
    assert "Volunteer for this date" not in plain
