"""``serve SITE.yaml``: the department's routes, filters on every feed, /embed framing,
and one broken file never taking the other series (or its own last good version) away."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar

from calendar_feed.server.live import Publisher
from calendar_feed.server.web import create_app
from calendar_feed.site.merge import Site
from tests.helpers import uids


@pytest.fixture
def site_client(department: Path) -> FlaskClient:
    app = create_app(
        {
            "EVENTS_FILE": str(department),
            "TODAY": "2025-03-01",
            "HISTORY_FILE": False,
            "CHECK_INTERVAL": 0,
            "SETTLE_SECONDS": 0,
        }
    )
    return app.test_client()


def test_pages_and_files(site_client: FlaskClient) -> None:
    for path in ("/", "/index.html", "/lunch/", "/lunch/2024-autumn/index.html", "/embed.html"):
        response = site_client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
    assert site_client.get("/lunch/events/2025-02-26.ics").status_code == 200
    assert site_client.get("/events.json").json["site"]["base_url"] == (
        "https://example.edu/seminars/"
    )
    assert site_client.get("/nowhere/calendar.ics").status_code == 404


def test_series_and_tag_filters_on_every_feed(site_client: FlaskClient) -> None:
    both = set(uids(site_client.get("/calendar.ics?series=lunch,analysis").data))
    assert len(both) == 10
    assert not any(u.startswith("colloquium-") for u in both)
    pde = set(uids(site_client.get("/calendar.ics?series=analysis&tag=pde").data))
    assert pde == {"analysis-2025-02-26@calendar-feed", "analysis-2025-03-05@calendar-feed"}
    lunch_talks = set(uids(site_client.get("/lunch/calendar.ics?tba=0&cancelled=0").data))
    assert len(lunch_talks) == 4
    # A series' feed narrowed to another series is empty, not the other series.
    assert set(uids(site_client.get("/lunch/calendar.ics?series=analysis").data)) == set()
    tagged = set(uids(site_client.get("/tags/numerics.ics?series=lunch").data))
    assert tagged == {
        "lunch-2024-10-09@calendar-feed",
        "lunch-2025-02-26@calendar-feed",
        "lunch-2025-03-05@calendar-feed",
    }
    body = site_client.get("/calendar.ics?alarm=15&series=colloquium").data
    assert Calendar.from_ical(body).walk("VALARM")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("series=nope", "unknown series nope; known: analysis, colloquium, lunch"),
        ("tag=nope", "unknown tag &#39;nope&#39;; known: analysis, lunch, numerics"),
        ("tba=2", "tba must be 0 or 1"),
    ],
)
def test_bad_filters(site_client: FlaskClient, query: str, message: str) -> None:
    response = site_client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_embed_may_be_framed_only_where_allowed(site_client: FlaskClient) -> None:
    embed = site_client.get("/embed")
    policy = embed.headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors https://math.example.edu")
    assert "script-src 'self' 'sha256-" in policy  # copy.js, and the inline viewer-zone script
    page = site_client.get("/")
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    feed = site_client.get("/calendar.ics")
    assert "frame-ancestors 'none'" in feed.headers["Content-Security-Policy"]


def test_one_broken_file_keeps_everything_served(
    department: Path, site_client: FlaskClient
) -> None:
    analysis = department.parent / "analysis" / "events.yaml"
    analysis.write_text(analysis.read_text().replace("16:00", "25:00"))
    health = site_client.get("/healthz").json
    assert health["status"] == "error"
    broken = next(f for f in health["files"] if f["file"] == str(analysis))
    assert broken["serving"] == "last-good"
    assert broken["series"] == "analysis"
    assert broken["errors"][0]["path"] == "defaults.start"
    others = [f for f in health["files"] if f["file"] != str(analysis)]
    assert all(f["status"] == "ok" and f["serving"] == "current" for f in others)
    # Every series is still in the department feed, analysis as it last was valid.
    assert len(set(uids(site_client.get("/calendar.ics").data))) == 12
    assert "25:00" in site_client.get("/").get_data(as_text=True)  # the banner names it
    # A valid edit of another file is published meanwhile.
    colloquium = department.parent / "colloquium" / "events.yaml"
    colloquium.write_text(colloquium.read_text() + "  - date: 2025-03-28\n")
    assert "colloquium-2025-03-28@calendar-feed" in set(uids(site_client.get("/calendar.ics").data))
    assert len(set(uids(site_client.get("/analysis/calendar.ics").data))) == 2


def test_clashing_edit_is_rejected_for_that_file_only(
    department: Path, site_client: FlaskClient
) -> None:
    spring = department.parent / "lunch" / "2025-spring.yaml"
    spring.write_text(spring.read_text().replace("2025-03-12", "2024-09-25"))
    health = site_client.get("/healthz").json
    entry = next(f for f in health["files"] if f["file"] == str(spring))
    assert entry["serving"] == "last-good"
    assert "another term" in entry["errors"][0]["message"]
    assert "lunch-2025-03-12@calendar-feed" in set(
        uids(site_client.get("/lunch/calendar.ics").data)
    )


def test_healthz_of_a_site_reads_like_that_of_one_series(site_client: FlaskClient) -> None:
    """The same fields for both kinds; a site file names itself and reports each file."""
    health = site_client.get("/healthz").json
    assert (health["status"], health["reload"], health["serving"]) == ("ok", "ok", "current")
    assert health["series"] == ["lunch", "analysis", "colloquium"]
    assert health["version"]["sessions"] == 12
    assert [f["serving"] for f in health["files"]] == ["current"] * 4
    assert health["today"] == "2025-03-01"
    assert health["errors"] == []
    assert health["rejected_sha256"] is None


def test_a_session_is_a_download_named_after_series_and_session(site_client: FlaskClient) -> None:
    response = site_client.get("/lunch/events/2025-02-26.ics")
    assert response.headers["Content-Disposition"] == "attachment; filename=lunch-2025-02-26.ics"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    missing = site_client.get("/lunch/events/2099-01-01.ics")
    assert missing.status_code == 404
    assert "There is no session with that id." in missing.get_data(as_text=True)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_half_written_file_of_a_site_waits_until_it_has_settled(department: Path) -> None:
    monotonic, wall = Clock(100.0), Clock(2_000_000_000.0)
    pub = Publisher(
        department,
        check_interval=0,
        settle=1.0,
        history_file=None,
        clock=monotonic,
        wall_clock=wall,
    )
    analysis = department.parent / "analysis" / "events.yaml"
    text = analysis.read_text(encoding="utf-8")
    analysis.write_text(text[: text.index("  - date: 2025-03-05")], encoding="utf-8")
    now = int(wall.now * 1e9)
    os.utime(analysis, ns=(now, now))  # written just now: not settled
    assert len(pub.state().version.site.group("analysis").schedule.sessions) == 2
    monotonic.now += 1.0
    wall.now += 1.0
    assert len(pub.state().version.site.group("analysis").schedule.sessions) == 1


def test_a_worker_starting_while_a_file_is_broken_serves_its_last_good_copy(
    department: Path,
) -> None:
    Publisher(department, history_file=None)  # an earlier worker published every file
    analysis = department.parent / "analysis" / "events.yaml"
    assert (analysis.parent / ".events.yaml.last-good").read_bytes() == analysis.read_bytes()
    analysis.unlink()
    os.mkfifo(analysis)
    late = Publisher(department, history_file=None)  # no hang, no failure
    health = late.health()
    assert (health["status"], health["serving"]) == ("error", "last-good")
    entry = next(f for f in health["files"] if f["file"] == str(analysis))
    assert (entry["serving"], entry["sessions"]) == ("last-good", 2)
    assert "named pipe (FIFO)" in entry["errors"][0]["message"]


def test_a_new_day_republishes_the_windowed_feeds(
    department: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feed_window: 180 drops past sessions as days pass; pages follow the day per request."""
    day = [dt.date(2025, 3, 1)]
    monkeypatch.setattr(Site, "today", lambda self: day[0])
    pub = Publisher(department, check_interval=0, settle=0, history_file=None)
    before = pub.state().version
    assert len(set(uids(before.files["lunch/calendar.ics"].body))) == 8
    assert pub.state().version is before
    day[0] = dt.date(2025, 6, 1)  # 180 days before the last session (2025-03-19): 2024-09-20
    after = pub.state().version
    assert after is not before
    assert after.today == dt.date(2025, 6, 1)
    assert len(set(uids(after.files["lunch/calendar.ics"].body))) == 6
    assert after.modified >= after.midnight(day[0])  # If-Modified-Since sees the change
    assert pub.state().version is after
