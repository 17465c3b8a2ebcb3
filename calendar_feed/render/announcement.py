"""The HTML form of the week's announcement, through the one autoescaping Jinja2 environment."""

from __future__ import annotations

from typing import Any

from .templating import environment


def render_announcement_html(announcement: Any) -> str:
    """``announcement`` is an organize.announce.Announcement (subject, facts, sections, links)."""
    return environment().get_template("announcement.html").render(a=announcement)
