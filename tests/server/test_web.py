"""The live server through Flask's test client: routes, HTTP semantics, and edits while running."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from flask.testing import FlaskClient
from icalendar import Calendar
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from calendar_feed.cli import main
from calendar_feed.errors import ValidationError
from calendar_feed.history import history_path_for
from calendar_feed.publish import build as publish_build
from calendar_feed.publish import release as publishing
from calendar_feed.publish.build import build_site
from calendar_feed.publish.stamp import STAMP_FILE
from calendar_feed.render import outputs
from calendar_feed.render.listing import PageContext, render_listing
from calendar_feed.render.qr import feed_qr_svg
from calendar_feed.server import production
from calendar_feed.server.web import create_app
from tests.helpers import SHIPPED, TODAY

FEED_MAX_AGE = "public, max-age=43200"  # refresh_hours defaults to 12


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """One server for the tests that only read; rendering a version takes a moment."""
    path = tmp_path_factory.mktemp("shared") / "events.yaml"
    shutil.copyfile(SHIPPED, path)
    app = create_app({"EVENTS_FILE": str(path), "TODAY": TODAY.isoformat()})
    return app.test_client()


def edit(path: Path, text: str) -> None:
    """Replace the file and move its mtime on by a second, as a later save would."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events_of(data: bytes) -> list:
    return list(parse(data).walk("VEVENT"))


# -- routes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        ("/events/2024-09-11.ics", "text/calendar; charset=utf-8"),
        ("/events.json", "application/json"),
        ("/healthz", "application/json"),
    ],
)
def test_every_route_answers_with_its_content_type(shared_client, url, content_type):
    response = shared_client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.data


def test_the_feed_is_served_inline_for_subscription(shared_client):
    response = shared_client.get("/calendar.ics")
    assert response.headers["Content-Disposition"] == "inline; filename=pku-am-lunch.ics"
    assert len(events_of(response.data)) == 18


def test_a_session_is_a_download_named_after_series_and_session(shared_client):
    response = shared_client.get("/events/2024-09-25.ics")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=pku-am-lunch-2024-09-25.ics"
    )
    [event] = events_of(response.data)
    assert str(event["summary"]).startswith("陈畅: Centauri")


def test_served_bytes_are_what_the_renderer_makes(shared_client):
    """One renderer, two outlets: every file of render_site is served byte for byte."""
    events = Path(shared_client.application.config["EVENTS_FILE"])
    result = build_site(events, None, history=history_path_for(events), page=False)
    assert result.release.changes == ()  # the same history the server published against
    site_url = "http://localhost/"
    context = PageContext(
        today=TODAY,
        site_url=site_url,
        qr_svg=feed_qr_svg(site_url + "calendar.ics"),
        live=True,
    )
    files = {**result.files, "index.html": render_listing(result.schedule, context).encode()}
    for path, body in files.items():
        url = "/" if path == "index.html" else f"/{path}"
        assert shared_client.get(url).data == body, path


def test_server_and_static_build_publish_the_same_files(client, events, tmp_path):
    """Same events.yaml and history: the built site and the server agree byte for byte."""
    text = events.read_text(encoding="utf-8")
    edit(events, text.replace("reason: 假期", "reason: 国庆"))  # a revision: SEQUENCE 1
    assert client.get("/healthz").get_json()["serving"] == "current"
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", str(events), "--out", str(out)])
    assert result.exit_code == 0, result.output
    built = [
        p
        for p in out.rglob("*")
        if p.is_file() and p.name not in ("index.html", "poster.html", ".calendar-feed", STAMP_FILE)
    ]
    assert len(built) >= 21  # calendar.ics, events.json, style.css, 18 sessions, ...
    for path in built:
        url = "/" + path.relative_to(out).as_posix()
        assert client.get(url).data == path.read_bytes(), url
    assert b"SEQUENCE:1" in (out / "calendar.ics").read_bytes()


def test_an_edit_is_a_revision_for_subscribers(client, events):
    """Each new version is published against the revision history, as `build` does."""
    text = events.read_text(encoding="utf-8")
    edit(events, text.replace("reason: 假期", "reason: 国庆").replace("  - date: 2025-01-08\n", ""))
    feed = {str(e["uid"]): e for e in events_of(client.get("/calendar.ics").data)}
    changed = feed["pku-am-lunch-2024-10-02@calendar-feed"]
    assert changed["sequence"] == 1
    assert "LAST-MODIFIED" in changed
    removed = feed["pku-am-lunch-2025-01-08@calendar-feed"]  # kept, as CANCELLED
    assert removed["status"] == "CANCELLED"
    assert "SEQUENCE" not in feed["pku-am-lunch-2024-09-11@calendar-feed"]
    assert client.get("/events/2025-01-08.ics").status_code == 404
    history = json.loads(history_path_for(events).read_text(encoding="utf-8"))
    assert history["events"]["pku-am-lunch-2024-10-02@calendar-feed"]["sequence"] == 1


def test_history_can_be_switched_off(make_app, events):
    client = make_app(HISTORY_FILE=False).test_client()
    feed = client.get("/calendar.ics").data
    assert b"DTSTAMP:20000101T000000Z" in feed
    assert not history_path_for(events).exists()


def test_an_unusable_history_keeps_the_last_good_version(client, events, monkeypatch):
    feed = client.get("/calendar.ics").data

    def no_lock(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(publishing, "history_lock", no_lock)
    edit(events, events.read_text(encoding="utf-8").replace("reason: 假期", "reason: 国庆"))
    assert client.get("/calendar.ics").data == feed
    [error] = client.get("/healthz").get_json()["errors"]
    assert error["text"] == (
        f"{history_path_for(events)}: cannot update the revision history: Permission denied"
    )


def test_listing_offers_every_way_to_subscribe(shared_client):
    page = shared_client.get("/").get_data(as_text=True)
    assert 'href="webcal://localhost/calendar.ics"' in page
    assert "cid=webcal%3A%2F%2Flocalhost%2Fcalendar.ics" in page
    assert "addfromweb?url=http%3A%2F%2Flocalhost%2Fcalendar.ics" in page
    assert 'value="http://localhost/calendar.ics"' in page
    assert '<svg viewBox="0 0 ' in page
    assert "QR code for http://localhost/calendar.ics" in page
    assert "<code>?tba=0</code> leaves open slots out" in page
    assert "<code>?cancelled=0</code> leaves cancelled sessions out" in page
    assert "<code>?alarm=15</code> adds a reminder 15 minutes before each talk" in page


def test_listing_uses_the_configured_base_url_not_the_host(make_app):
    client = make_app(BASE_URL="https://seminar.example.edu/lunch").test_client()
    page = client.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'href="webcal://seminar.example.edu/lunch/calendar.ics"' in page
    assert "evil.example" not in page
    feed = parse(client.get("/calendar.ics").data)
    assert str(feed["source"]) == "https://seminar.example.edu/lunch/calendar.ics"


def test_forwarded_headers_are_ignored_without_proxy_setting(shared_client):
    headers = {"X-Forwarded-Host": "seminar.example.edu", "X-Forwarded-Proto": "https"}
    page = shared_client.get("/", headers=headers).get_data(as_text=True)
    assert 'value="http://localhost/calendar.ics"' in page
    assert "seminar.example.edu" not in page


def test_forwarded_headers_are_honoured_behind_a_configured_proxy(make_app):
    client = make_app(PROXY_FIX=1).test_client()
    headers = {"X-Forwarded-Host": "seminar.example.edu", "X-Forwarded-Proto": "https"}
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert 'value="https://seminar.example.edu/calendar.ics"' in page
    assert 'href="webcal://seminar.example.edu/calendar.ics"' in page


def test_a_proxy_prefix_is_honoured_in_links_and_error_pages(make_app):
    client = make_app(PROXY_FIX=1).test_client()
    headers = {
        "X-Forwarded-Host": "math.example.edu",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Prefix": "/lunch",
    }
    page = client.get("/", headers=headers).get_data(as_text=True)
    assert 'value="https://math.example.edu/lunch/calendar.ics"' in page
    missing = client.get("/nope", headers=headers).get_data(as_text=True)
    assert 'href="/lunch/style.css"' in missing
    assert 'href="/lunch/">Back' in missing


def test_untrusted_hosts_are_refused_when_configured(make_app):
    client = make_app(TRUSTED_HOSTS=["seminar.example.edu"]).test_client()
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "<p>Host &#39;evil.example&#39; is not trusted.</p>" in response.get_data(as_text=True)
    assert client.get("/", headers={"Host": "seminar.example.edu"}).status_code == 200


@pytest.mark.parametrize(
    "host", ['a"><script>', "javascript:alert(1)", "exa mple.edu", "example.edu:99999"]
)
@pytest.mark.parametrize("url", ["/", "/calendar.ics", "/healthz"])
def test_a_host_that_is_not_a_host_name_is_a_400(shared_client, host, url):
    # Called as a WSGI server would: the test client parses the URL itself, and
    # Werkzeug 3.1.8's raises on port 99999 before our answer can be read.
    environ = EnvironBuilder(path=url, headers={"Host": host}).get_environ()
    response = Response.from_app(shared_client.application, environ)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<p>The Host header of this request is not a host name.</p>" in page
    assert "http:///" not in page


@pytest.mark.parametrize("host", ["seminar.example.edu:8443", "127.0.0.1:8000", "[::1]:8000"])
def test_host_names_and_addresses_with_ports_are_served(shared_client, host):
    page = shared_client.get("/", headers={"Host": host}).get_data(as_text=True)
    assert f'value="http://{host}/calendar.ics"' in page


def test_a_forwarded_host_that_is_not_a_host_name_is_a_400(make_app):
    client = make_app(PROXY_FIX=1).test_client()
    response = client.get("/", headers={"X-Forwarded-Host": "javascript:alert(1)"})
    assert response.status_code == 400


def test_events_json_matches_the_schedule(shared_client):
    data = shared_client.get("/events.json").get_json()
    assert data["calendar"]["id"] == "pku-am-lunch"
    assert [s["id"] for s in data["sessions"]][:2] == ["2024-09-11", "2024-09-18"]


# -- subscriber options -------------------------------------------------------------


def test_alarm_adds_a_reminder_before_every_talk_only(shared_client):
    events = events_of(shared_client.get("/calendar.ics?alarm=15").data)
    for event in events:
        alarms = list(event.walk("VALARM"))
        if event["status"] != "CONFIRMED":  # cancelled sessions and open slots
            assert alarms == []
        else:
            [alarm] = alarms
            assert alarm["action"] == "DISPLAY"
            assert alarm["trigger"].dt == -dt.timedelta(minutes=15)
    assert not any(e.walk("VALARM") for e in events_of(shared_client.get("/calendar.ics").data))


def test_options_leave_out_open_slots_and_cancelled_sessions(shared_client):
    statuses = [str(e["status"]) for e in events_of(shared_client.get("/calendar.ics?tba=0").data)]
    assert statuses == ["CONFIRMED", "CANCELLED", "CONFIRMED", "CANCELLED"]
    statuses = [
        str(e["status"]) for e in events_of(shared_client.get("/calendar.ics?cancelled=0").data)
    ]
    assert "CANCELLED" not in statuses
    assert statuses.count("TENTATIVE") == 14
    both = events_of(shared_client.get("/calendar.ics?tba=0&cancelled=0&alarm=0").data)
    assert [str(e["status"]) for e in both] == ["CONFIRMED", "CONFIRMED"]
    assert all(e.subcomponents[0]["trigger"].dt == dt.timedelta(0) for e in both)


def test_explicit_defaults_give_the_plain_feed(shared_client):
    assert (
        shared_client.get("/calendar.ics?tba=1&cancelled=1").data
        == shared_client.get("/calendar.ics").data
    )


ALARM_MESSAGE = "alarm must be a whole number of minutes from 0 to 10080 (one week), e.g. alarm=15"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tba=2", "tba must be 0 or 1 (0 leaves open slots out)"),
        ("tba=no", "tba must be 0 or 1 (0 leaves open slots out)"),
        ("cancelled=false", "cancelled must be 0 or 1 (0 leaves cancelled sessions out)"),
        ("tba=0&tba=1", "tba may be given only once"),
        ("alarm=", ALARM_MESSAGE),
        ("alarm=-5", ALARM_MESSAGE),
        ("alarm=1.5", ALARM_MESSAGE),
        ("alarm=10081", ALARM_MESSAGE),
        ("alarm=99999999999999999999", ALARM_MESSAGE),
        ("alarm=%EF%BC%91%EF%BC%95", ALARM_MESSAGE),  # full-width digits
        ("alarm=15&alarm=30", "alarm may be given only once"),
    ],
)
def test_bad_options_are_a_400_that_says_what_is_allowed(shared_client, query, message):
    response = shared_client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<p>{message}</p>" in response.get_data(as_text=True)


def test_unknown_query_parameters_are_ignored(shared_client):
    """Calendar apps and people add cache-busters; they must not break a subscription."""
    assert shared_client.get("/calendar.ics?v=2").data == shared_client.get("/calendar.ics").data


# -- not found, wrong method ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/events/2099-01-01.ics",
        "/events/no-such-talk.ics",
        "/events/.ics",
        "/events/2024-09-11.ics/",
        "/events/2024-09-11",
        "/events/../events.yaml",
        "/events/..%2f..%2fevents.yaml.ics",
        "/events/%2e%2e%2fevents.yaml.ics",
        "/events/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/events/a%2Fb.ics",
        "/events/%00.ics",
        "/events/" + "a" * 5000 + ".ics",
        "/events.yaml",
        "/calendar_feed/web.py",
        "/static/style.css",
        "/index.html",
    ],
)
def test_unknown_and_hostile_ids_are_404(shared_client, url):
    response = shared_client.get(url)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    assert "<h1>Not found</h1>" in page
    assert 'href="/">Back to the schedule' in page
    assert "pku-am-lunch" not in page
    assert "BEGIN:VCALENDAR" not in page


def test_unknown_session_says_so(shared_client):
    page = shared_client.get("/events/2099-01-01.ics").get_data(as_text=True)
    assert "There is no session with that id. The listing links to each one." in page


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize(
    "url", ["/", "/style.css", "/calendar.ics", "/events/2024-09-11.ics", "/healthz"]
)
def test_methods_other_than_get_and_head_get_a_friendly_405(shared_client, method, url):
    response = shared_client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    assert "This address can only be read (GET or HEAD)." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/style.css",
        "/calendar.ics",
        "/calendar.ics?alarm=10",
        "/events/2024-09-11.ics",
        "/events.json",
        "/healthz",
        "/nope",
    ],
)
def test_head_works_wherever_get_does(shared_client, url):
    get, head = shared_client.get(url), shared_client.head(url)
    assert head.status_code == get.status_code
    assert head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers.get("ETag") == get.headers.get("ETag")


# -- HTTP caching -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/style.css",
        "/calendar.ics",
        "/calendar.ics?alarm=30",
        "/events.json",
        "/events/2024-09-11.ics",
    ],
)
def test_304_for_a_matching_etag(shared_client, url):
    first = shared_client.get(url)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong, from the content
    again = shared_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    other = shared_client.get(url, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert other.status_code == 200
    assert other.data == first.data


@pytest.mark.parametrize("url", ["/", "/calendar.ics", "/events/2024-09-11.ics"])
def test_304_for_if_modified_since(shared_client, url):
    first = shared_client.get(url)
    modified = first.headers["Last-Modified"]
    assert shared_client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert shared_client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


def test_etag_changes_when_the_content_does(client, events):
    before = client.get("/calendar.ics").headers["ETag"]
    edit(events, events.read_text(encoding="utf-8").replace("假期", "国庆假期"))
    response = client.get("/calendar.ics", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert "国庆假期".encode() in response.data.replace(b"\r\n ", b"")


def test_cache_control_follows_the_feed_refresh_interval(client, events):
    assert client.get("/calendar.ics").headers["Cache-Control"] == FEED_MAX_AGE
    assert client.get("/events/2024-09-11.ics").headers["Cache-Control"] == FEED_MAX_AGE
    assert client.get("/events.json").headers["Cache-Control"] == FEED_MAX_AGE
    assert client.get("/").headers["Cache-Control"] == "no-cache"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    text = events.read_text(encoding="utf-8")
    edit(
        events,
        text.replace("  timezone: Asia/Shanghai", "  timezone: Asia/Shanghai\n  refresh_hours: 2"),
    )
    assert client.get("/calendar.ics").headers["Cache-Control"] == "public, max-age=7200"


@pytest.mark.parametrize("url", ["/", "/calendar.ics", "/events.json", "/style.css"])
def test_gzip_for_clients_that_accept_it(shared_client, url):
    plain = shared_client.get(url)
    packed = shared_client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] != plain.headers["ETag"]
    etag = packed.headers["ETag"]
    headers = {"Accept-Encoding": "gzip", "If-None-Match": etag}
    assert shared_client.get(url, headers=headers).status_code == 304
    refused = shared_client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


# -- security ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/nope", "/calendar.ics"])
def test_security_headers(shared_client, url):
    headers = shared_client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    # Script only from the site's own files (copy.js): no inline script, no other host.
    assert "script-src 'self';" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_nothing_from_yaml_can_run_in_the_page(client, events):
    text = events.read_text(encoding="utf-8").replace(
        "    speaker: 陈畅", "    speaker: '<script>alert(1)</script><img src=x onerror=alert(2)>'"
    )
    edit(events, text)
    page = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert page.count("<script") == 1
    assert '<script src="copy.js" defer></script>' in page
    assert "<img" not in page


# -- edits while running ----------------------------------------------------------------


def test_an_edit_is_served_without_restart(client, events):
    text = events.read_text(encoding="utf-8")
    edit(
        events,
        text.replace(
            "  - date: 2024-10-09\n",
            "  - date: 2024-10-09\n    speaker: Ada Lovelace\n    title: Engines\n",
        ),
    )
    page = client.get("/").get_data(as_text=True)
    assert "Ada Lovelace" in page
    summaries = [str(e["summary"]) for e in events_of(client.get("/calendar.ics").data)]
    assert "Ada Lovelace: Engines" in summaries
    assert client.get("/healthz").get_json()["serving"] == "current"


def test_a_broken_edit_keeps_the_last_good_version(client, events, caplog):
    good_feed = client.get("/calendar.ics").data
    good_page = client.get("/").data
    text = events.read_text(encoding="utf-8")
    edit(events, text.replace("  - date: 2024-10-16", "  - date: 2024-10-32"))

    assert client.get("/calendar.ics").data == good_feed
    assert client.get("/events/2024-10-16.ics").status_code == 200
    health = client.get("/healthz").get_json()
    assert health["status"] == "error"
    assert health["serving"] == "last-good"
    assert health["version"]["sessions"] == 18
    assert health["version"]["sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    [error] = health["errors"]
    assert error["line"] == 66
    assert error["column"] == 11
    assert error["text"] == f'{events}:66:11: sessions[5].date: "2024-10-32" is not a real date'
    assert f'{events}:66:11: sessions[5].date: "2024-10-32" is not a real date' in caplog.text

    page = client.get("/").get_data(as_text=True)
    assert page != good_page.decode()
    assert "events.yaml has 1 error; this page still shows the last valid version." in page
    assert "sessions[5].date: &#34;2024-10-32&#34; is not a real date" in page

    edit(events, text)  # fixed
    assert client.get("/healthz").get_json()["serving"] == "current"
    assert client.get("/healthz").get_json()["errors"] == []
    assert client.get("/").data == good_page
    assert client.get("/calendar.ics").data == good_feed


def test_recovery_with_a_new_valid_version(client, events):
    text = events.read_text(encoding="utf-8")
    edit(events, "calendar: [unclosed\n")
    health = client.get("/healthz").get_json()
    assert health["serving"] == "last-good"
    assert health["errors"][0]["line"] == 2
    edit(events, text.replace("reason: 假期", "reason: 国庆"))
    assert client.get("/healthz").get_json()["serving"] == "current"
    assert "国庆" in client.get("/").get_data(as_text=True)


def test_a_deleted_file_keeps_the_last_good_version(client, events):
    text = events.read_text(encoding="utf-8")
    feed = client.get("/calendar.ics").data
    events.unlink()
    assert client.get("/calendar.ics").data == feed
    health = client.get("/healthz").get_json()
    assert health["serving"] == "last-good"
    assert health["errors"][0]["text"] == f"{events}: file not found"
    events.write_text(text, encoding="utf-8")
    assert client.get("/healthz").get_json()["serving"] == "current"


def test_an_empty_file_is_never_published(client, events):
    feed = client.get("/calendar.ics").data
    edit(events, "")
    assert client.get("/calendar.ics").data == feed
    assert client.get("/healthz").get_json()["serving"] == "last-good"


def test_one_render_per_change_not_per_request(client, events, monkeypatch):
    renders: list[int] = []
    listings: list[int] = []
    real_site, real_listing = publish_build.render_site, outputs.render_listing
    monkeypatch.setattr(
        publish_build, "render_site", lambda *a, **k: renders.append(1) or real_site(*a, **k)
    )
    monkeypatch.setattr(
        outputs, "render_listing", lambda *a, **k: listings.append(1) or real_listing(*a, **k)
    )
    text = events.read_text(encoding="utf-8")
    edit(events, text.replace("reason: 假期", "reason: 国庆"))

    def fetch(url: str) -> int:
        return client.application.test_client().get(url).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(fetch, ["/", "/calendar.ics", "/events.json"] * 20))
    assert set(statuses) == {200}
    assert client.get("/healthz").get_json()["serving"] == "current"
    assert "国庆" in client.get("/").get_data(as_text=True)
    assert len(renders) == 1
    assert len(listings) <= 2  # the old version's page may be served while the new one renders


def test_the_first_load_must_succeed(make_app, events):
    events.write_text("calendar: {}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        make_app()
    assert "calendar.id" in [p.path for p in caught.value.errors]


# -- configuration and entry points -------------------------------------------------------


def test_configuration_from_environment(monkeypatch, events):
    monkeypatch.setenv("CALENDAR_FEED_EVENTS_FILE", str(events))
    monkeypatch.setenv("CALENDAR_FEED_BASE_URL", "https://example.edu/s")
    monkeypatch.setenv("CALENDAR_FEED_CHECK_INTERVAL", "5")
    app = create_app()
    assert app.config["CHECK_INTERVAL"] == 5
    assert app.extensions["calendar_feed"].base_url == "https://example.edu/s/"
    assert app.debug is False
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'value="https://example.edu/s/calendar.ics"' in page


def test_flask_cli_finds_the_factory(monkeypatch, events):
    """`flask --app calendar_feed run` loads the app through calendar_feed.create_app."""
    monkeypatch.setenv("CALENDAR_FEED_EVENTS_FILE", str(events))
    app = ScriptInfo(app_import_path="calendar_feed").load_app()
    assert app.test_client().get("/calendar.ics").status_code == 200


def test_serve_exits_with_the_errors_when_the_first_load_fails(monkeypatch, write_events):
    monkeypatch.setattr(production, "run", lambda app, **kw: pytest.fail("must not start"))
    path = write_events(
        """\
        calendar: {id: demo, name: Demo, timezone: Mars/Olympus}
        defaults: {start: "12:00", duration: 60}
        sessions:
          - date: 2024-09-31
        """
    )
    result = CliRunner().invoke(main, ["serve", str(path)])
    assert result.exit_code == 1
    assert f"{path}:4:11: sessions[0].date: " in result.output
    assert result.output.endswith(f"{path}: 2 errors; nothing published\n")
    assert "Traceback" not in result.output


def test_serve_rejects_a_bad_base_url(monkeypatch, events):
    monkeypatch.setattr(production, "run", lambda app, **kw: pytest.fail("must not start"))
    result = CliRunner().invoke(main, ["serve", str(events), "--base-url", "example.edu"])
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--base-url': must start with http:// or https://, "
        "not 'example.edu'\n"
    ) in result.output


@pytest.mark.parametrize(
    "url", ["/embed", "/embed.html", "/talks.ics", "/tags/pde.ics", "/index.html", "/events/"]
)
def test_what_only_a_site_of_several_series_has_is_404(shared_client, url):
    assert shared_client.get(url).status_code == 404


def test_series_and_tag_filters_are_ignored_on_one_series(shared_client):
    """Like any unknown query parameter: they must not break a subscription."""
    plain = shared_client.get("/calendar.ics").data
    assert shared_client.get("/calendar.ics?series=nope&tag=nope").data == plain
