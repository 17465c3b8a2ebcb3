"""The one Jinja2 environment for the page and the Atom feed.

Autoescaping is on for every template (HTML and XML alike), so text from
events.yaml only ever reaches output escaped. Compiled templates are kept in
Jinja2's own per-user bytecode cache, which saves compiling them on every
`calendar-feed build` (a third of a small build's time).

Templates write no wording of their own: every phrase comes from calendar_feed.texts
as the global ``words`` (``{{ words.UPCOMING_HEADING }}``). A bilingual phrase
("Upcoming / 即将进行") reaches the page with each half in its own language
(``lang="en"``, ``lang="zh"``), so a screen reader reads each with the right voice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader
from markupsafe import Markup, escape

from .. import texts
from ..reuse import piece, series_digest, session_digest

if TYPE_CHECKING:
    from ..model import Session


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
    env.globals["words"] = Words()
    env.globals["code"] = code
    return env


def code(text: str) -> Markup:
    """``<code>text</code>``, text escaped: a key or URL inside a sentence of texts."""
    return Markup("<code>%s</code>") % text


class Words:
    """calendar_feed.texts as templates see it: ``{{ words.UPCOMING_HEADING }}``.

    Each value is our own plain text, so it is escaped as text (``&``, ``<``, ``>``
    and ``"``) and marked safe: an apostrophe stays as written, as it did when the
    phrase was part of the template (attributes are always double-quoted). A sentence
    with places for markup is filled with ``.format(name=...)``, which escapes every
    value that is not markup already (Markup.format). A function of texts is called
    with numbers only, never with text from events.yaml, which must reach the page
    through ordinary autoescaping. Values are read from the module on each use (and
    kept while unchanged), so the module stays the one place they are defined.
    """

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[str, tuple[object, object]] = {}

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = getattr(texts, name)
        except AttributeError:  # not Jinja's silent Undefined: a misspelt phrase must fail
            raise LookupError(f"calendar_feed.texts has no {name!r}") from None
        made = self._made.get(name)
        if made is not None and made[0] is value:
            return made[1]
        result = _for_template(name, value)
        self._made[name] = (value, result)
        return result


BILINGUAL = re.compile(
    r"(?P<english>[^/]*[A-Za-z][^/]*?) / (?P<chinese>[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60]+)"
)
"""'Organizers / 负责人: {names}': the English words, then after ' / ' the run of Chinese."""


def _text(value: str) -> Markup:
    """Our own phrase, escaped as HTML text: what the template would have written, with
    the halves of a bilingual phrase marked with their languages."""
    escaped = (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    )
    if " / " not in escaped:  # the pattern backtracks through a long phrase: skip it
        return Markup(escaped)
    return Markup(
        BILINGUAL.sub(
            r'<span lang="en">\g<english></span> / <span lang="zh">\g<chinese></span>', escaped, 1
        )
    )


def _for_template(name: str, value: object) -> object:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return tuple(_text(item) for item in value)
    if callable(value):
        return _numbers_only(name, value)
    raise TypeError(f"texts.{name} is not a phrase for templates")


def _numbers_only(name: str, function: Callable[..., str]) -> Callable[..., Markup]:
    def call(*args: object, **kwargs: object) -> Markup:
        for arg in (*args, *kwargs.values()):
            if not isinstance(arg, int):
                raise TypeError(f"words.{name}() takes numbers, not {type(arg).__name__}")
        return _text(function(*args, **kwargs))

    return call


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
    ``next_session``. The page takes them through :func:`render_with_items`.
    """
    template = environment().get_template(template_name)
    series = series_digest(variables["series"])

    def render(session: Session) -> str:
        return template.render(variables, session=session, next_session=next_session)

    return [
        piece(
            template_name,
            (series, *shared_key, session_digest(s), s is next_session),
            lambda s=s: render(s),  # type: ignore[misc]
        )
        for s in sessions
    ]


def render_with_items(template_name: str, items: Mapping[str, list[str]], **variables: Any) -> str:
    """``template_name`` rendered with autoescaping on, and each list of ``items`` (the
    finished HTML of rendered_items) joined in where the page writes ``{{ NAME }}``.

    The page is given a marker for each list, an HTML comment that escaped text can never
    spell, and the items replace it after rendering, in the order ``items`` lists them
    (the page's order): they are not escaped twice, and not copied one by one into
    Markup (some 40 MB at 10,000 sessions).
    """
    markers = {name: Markup(f"<!--calendar-feed:{name}-->") for name in items}
    rest = environment().get_template(template_name).render(**variables, **markers)
    parts: list[str] = []
    for name, pieces in items.items():
        before, marker, after = rest.partition(markers[name])
        if not marker:  # a page may leave an empty list out (no upcoming sessions)
            assert not pieces, f"{template_name} does not write {{{{ {name} }}}}"
            continue
        parts += [before, *pieces]
        rest = after
    return "".join([*parts, rest])
