"""The one Jinja2 environment for the page and the Atom feed.

Autoescaping is on for every template (HTML and XML alike), so text from
events.yaml only ever reaches output escaped. Compiled templates are kept in
Jinja2's own per-user bytecode cache, which saves compiling them on every
`calendar-feed build` (a third of a small build's time).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from ..model import Session
    from ..reuse import Reuse


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("calendar_feed", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["paragraphs"] = paragraphs
    return env


def _bytecode_cache() -> BytecodeCache | None:
    try:  # a private 0700 folder under the temporary directory, checked by Jinja2
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None  # no writable temporary directory: compile each time


def paragraphs(text: str) -> Markup:
    """Blank lines separate paragraphs; single newlines are kept as line breaks."""
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    # Every line escaped, then joined as plain strings: Markup.format escapes through a
    # Formatter and was a tenth of a 10,000-session page.
    return Markup(
        "".join(
            "<p>" + "<br>\n".join([str(escape(line)) for line in b.split("\n")]) + "</p>"
            for b in blocks
        )
    )


def rendered_items(
    reuse: Reuse,
    template_name: str,
    sessions: Iterable[Session],
    variables: dict[str, Any],
    shared_key: tuple[object, ...] = (),
    next_session: Session | None = None,
) -> list[str]:
    """``template_name`` rendered for each session in turn: one piece per session, reused
    when the session, ``shared_key`` and whether it is the next one are the same.

    Each item is what ``{% include %}`` would write for that session (its template
    autoescapes every value); the template sees ``variables``, ``session`` and
    ``next_session``. The page writes the items inside ``{% autoescape false %}`` as
    the finished HTML they are: wrapping each in Markup, or joining them first, would
    copy the page (some 40 MB at 10,000 sessions) once more.
    """
    template = environment().get_template(template_name)
    series_digest = reuse.series(variables["series"])

    def render(session: Session) -> str:
        return template.render(variables, session=session, next_session=next_session)

    return [
        reuse.piece(
            template_name,
            (series_digest, *shared_key, reuse.session(s), s is next_session),
            lambda s=s: render(s),  # type: ignore[misc]
        )
        for s in sessions
    ]
