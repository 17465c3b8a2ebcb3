"""Refuse 'billion laughs' documents: measure what aliases would expand to, expanding nothing.

Only needed when the converter's own walk cannot vouch for the document: it met an
alias, reported a problem or stopped at a limit (see loading.parse_events_text).
"""

from __future__ import annotations

import yaml

from ..errors import Position, Problem, ValidationError

MAX_NODES = 500_000
"""Bound on values after alias expansion, so a 'billion laughs' file fails fast."""
MAX_EXPANDED_CHARS = 10_000_000
"""Bound on the characters of text after alias expansion (or the file's own length, if
larger): one long anchored abstract repeated by aliases must not cost gigabytes to render."""
MAX_DEPTH = 64


def refuse_alias_bombs(root: yaml.Node, name: str, text_length: int = 0) -> None:
    """Measure the document as aliases would expand it (values and characters), expanding
    nothing: a 'billion laughs' file or one huge text aliased many times is refused at
    once. A file never expands beyond its own length without aliases, so ``text_length``
    raises the character bound for a large --max-bytes.
    """
    meter = _Expansion(max_chars(text_length))
    meter.size(root, 0)
    if not meter.too_big(root):
        return
    node, path = root, ""
    while True:  # walk down to the innermost place that is still too big
        heavier = [(p, c) for p, c in _children(node) if meter.too_big(c)]
        if not heavier:
            break
        step, node = heavier[0]
        path = (path + step).removeprefix(".")
    mark = node.start_mark
    message = (
        f"document expands to more than {MAX_NODES:,} values"
        if meter.sizes[id(node)][0] > MAX_NODES
        else f"document expands to more than {meter.max_chars:,} characters of text"
    )
    raise ValidationError(
        [
            Problem(
                Position(name, mark.line + 1, mark.column + 1),
                short_path(path),
                f"{message} (too many aliases?); refusing to load it",
            )
        ]
    )


def max_chars(text_length: int) -> int:
    """The bound on expanded characters for a text of this length."""
    return max(MAX_EXPANDED_CHARS, text_length)


def short_path(path: str, limit: int = 40) -> str:
    """Deep paths (from alias loops) are cut short: the start says where to look."""
    return path if len(path) <= limit else path[:limit] + "…"


class _Expansion:
    """Values and characters of text under each node once aliases are expanded, memoised."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.sizes: dict[int, tuple[int, int]] = {}

    def size(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        if id(node) not in self.sizes:
            self.sizes[id(node)] = (1, 0)  # provisional: an alias loop is the converter's
            if depth <= MAX_DEPTH:
                nodes = 1
                chars = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
                for _, child in _children(node):
                    child_nodes, child_chars = self.size(child, depth + 1)
                    nodes, chars = nodes + child_nodes, chars + child_chars
                self.sizes[id(node)] = (min(nodes, MAX_NODES + 1), min(chars, self.max_chars + 1))
        return self.sizes[id(node)]

    def too_big(self, node: yaml.Node) -> bool:
        nodes, chars = self.sizes.get(id(node), (0, 0))
        return nodes > MAX_NODES or chars > self.max_chars


def _children(node: yaml.Node) -> list[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        return [(f"[{i}]", item) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        return [(f".{k.value}", v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return []
