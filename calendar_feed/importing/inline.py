"""Markdown inline content (a paragraph, a table cell, a heading) as plain text and links."""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from .cells import Cell, clean

MATERIAL_RE = re.compile(
    r"^(?:slides?|video|recording|notebook|pdf|code|paper|materials?|link|links|youtube|"
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
    for label, _ in links:  # "(slides)" next to a title is a link, not words of the title
        if MATERIAL_RE.match(label.strip()):
            joined = re.sub(r"\s*\(\s*" + re.escape(label) + r"\s*\)", " ", joined, count=1)
    text = clean(joined)
    return Cell(text, links, struck, clean(bold[0]) if bold else "")


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
