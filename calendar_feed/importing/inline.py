"""Markdown inline content (a paragraph, a table cell, a heading) as plain text and links."""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from .cells import Cell, clean

MATERIAL_RE = re.compile(
    r"^(?:slides?|video|recording|notebooks?|pdf|code|paper|materials?|link|links|youtube|"
    r"solutions?|notes|data|demo|repo|github|website|"
    r"课件|幻灯片|视频|录像|回放|链接)\d*$",
    re.IGNORECASE,
)
"""Link labels that name a talk's materials rather than being part of its words."""


def inline_cell(node: SyntaxTreeNode | None) -> Cell:
    """Plain text of an ``inline`` node, its links, whether it is all struck through."""
    if node is None:
        return Cell("")
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    bold: list[str] = []
    leading = [c for c in node.children if not (c.type == "text" and not c.content.strip())]
    struck = bool(leading) and leading[0].type == "s"  # ``~~Sep 18~~ (假期)``
    for child in node.children:
        parts.append(_text(child, links, bold))
    joined = "".join(parts)
    labels = {label.strip() for label, _ in links if MATERIAL_RE.match(label.strip())}
    text = clean(_PARENS_RE.sub(lambda m: _unless_links(m, labels), joined))
    return Cell(text, links, struck, clean(bold[0]) if bold else "")


_PARENS_RE = re.compile(r"\s*\(([^()]*)\)")


def _unless_links(match: re.Match[str], labels: set[str]) -> str:
    """``(slides)`` or ``(notebook - solution)`` beside a title: links, not its words."""
    inside = match[1]
    for label in sorted(labels, key=len, reverse=True):
        inside = inside.replace(label, "")
    only_links = match[1].strip() and not re.sub(r"[\s,;/|&+\-–—]|and", "", inside)
    return " " if only_links and any(label in match[1] for label in labels) else match[0]


def _text(node: SyntaxTreeNode, links: list[tuple[str, str]], bold: list[str]) -> str:
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return "\n"
    if node.type == "html_inline":
        return "\n" if re.match(r"<br\s*/?>", node.content, re.IGNORECASE) else ""
    inner = "".join(_text(child, links, bold) for child in node.children)
    if node.type == "link":
        href = str(node.attrs.get("href", ""))
        if href:
            links.append((clean(inner), href))
    elif node.type == "strong":
        bold.append(inner)
    elif node.type == "image":
        return ""
    return inner
