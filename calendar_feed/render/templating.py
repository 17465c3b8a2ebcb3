"""The one Jinja2 environment for the page and the Atom feed.

Autoescaping is on for every template (HTML and XML alike), so text from
events.yaml only ever reaches output escaped. Compiled templates are kept in
Jinja2's own per-user bytecode cache, which saves compiling them on every
`calendar-feed build` (a third of a small build's time).
"""

from __future__ import annotations

from functools import cache

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader
from markupsafe import Markup, escape


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
