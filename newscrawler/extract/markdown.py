"""Body blocks: trafilatura's body tree as plain lines paired with their Markdown.

trafilatura hands back the article as a small XML tree (``p``, ``head``, ``list``/``item``,
``quote``, ``table``/``row``/``cell``, ``code``, ``lb`` ...). :func:`body_blocks` walks it
once and yields one :class:`Block` per output line: the plain line (what goes into
``Article.text``) and the same line with block-level Markdown syntax (what goes into
``Article.markdown``). Both come from the same walk, so the boilerplate filters decide
once per block and the two renderings cannot disagree.

The relation is exact and tested (:func:`strip_markdown`): removing the syntax from
each Markdown line gives the plain line; table separator rows and blank lines carry no
text. Syntax used: ``## heading`` (level from the source heading), ``- item`` (two
spaces of indent per nesting level), ``> quote`` and GitHub pipe tables (first row is the
header). Inline emphasis, links and code fences are not rendered (code lines are
paragraphs). Text that would read as Markdown syntax (it starts with ``#``, ``>``,
``-``, ``+``, ``*``, ``|``, a backtick, a backslash or ``1.``) gets a leading backslash.

No trafilatura import here: the tree comes from :mod:`newscrawler.extract.extractor`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

_NEEDS_ESCAPE = re.compile(r"^(?:[#>+*|`\\]|-(?:\s|$)|\d+[.)](?:\s|$))")
_BLOCK_PREFIX = re.compile(r"^(?:#{1,6} |\s*- )")
_SEPARATOR_ROW = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_MAX_DEPTH = 60  # trafilatura's trees are shallow; this only guards against pathological nesting
_CONTAINERS = frozenset({"div", "body", "section", "article", "main", "doc", "text"})


@dataclass(frozen=True)
class Block:
    """One output line: ``plain`` for ``Article.text``, ``markdown`` with its syntax."""

    plain: str
    markdown: str
    kind: str = "p"  # p, heading, item, quote, row


def _clean(text: str) -> str:
    return " ".join(text.split())  # whitespace runs as one space, ends stripped (str.split is \s in C)


def _escape(text: str) -> str:
    return "\\" + text if _NEEDS_ESCAPE.match(text) else text


def _pieces(el: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    """The text of ``el`` cut at its line breaks (``<lb/>``), leaving out subtrees tagged in ``skip``.

    Iterative (no recursion), so deeply nested inline markup is fine.
    """
    if len(el) == 0 and isinstance(el.tag, str):  # most paragraphs: their own text alone
        return [el.text or ""]
    pieces: list[str] = [""]
    skipping = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if skipping or (node is not el and tag in skip):
                skipping += 1
            elif tag == "lb":
                pieces.append("")
            elif tag:
                pieces[-1] += node.text or ""
            continue
        if skipping:
            skipping -= 1
            if skipping:
                continue
        if node is not el:
            pieces[-1] += node.tail or ""
    return pieces


def _text_of(el: Any, skip: frozenset[str] = frozenset()) -> str:
    """All text of ``el`` on one line (a line break counts as a space)."""
    return " ".join(_pieces(el, skip))


def _paragraph(el: Any) -> Iterator[Block]:
    for line in _inline_lines(el):
        yield Block(line, _escape(line))


def _inline_lines(el: Any) -> list[str]:
    """Lines of an inline-only element: split at ``<lb/>``, nested inline markup flattened."""
    return [line for piece in _pieces(el) if (line := _clean(piece))]


def _heading(el: Any) -> Iterator[Block]:
    rend = el.get("rend") or "h2"
    level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
    text = _clean(_text_of(el))
    if text:
        yield Block(text, f"{'#' * level} {_escape(text)}", "heading")


def _list(el: Any, depth: int) -> Iterator[Block]:
    indent = "  " * depth
    for item in el:
        if not isinstance(item.tag, str):
            continue
        if item.tag != "item":
            yield from _blocks(item, depth + 1)
            continue
        text = _clean(_text_of(item, skip=frozenset({"list"})))
        if text:
            yield Block(text, f"{indent}- {_escape(text)}", "item")
        for sub in item.iter("list"):
            if sub.getparent() is item:
                yield from _list(sub, depth + 1)


def _quote(el: Any, depth: int) -> Iterator[Block]:
    inner = [c for c in el if isinstance(c.tag, str) and c.tag not in ("lb", "hi", "ref", "del")]
    if not inner:
        for line in _inline_lines(el):
            yield Block(line, f"> {_escape(line)}", "quote")
        return
    if text := _clean(el.text or ""):
        yield Block(text, f"> {_escape(text)}", "quote")
    for child in inner:
        for block in _blocks(child, depth + 1):
            yield Block(block.plain, f"> {block.markdown}", "quote")
        if text := _clean(child.tail or ""):
            yield Block(text, f"> {_escape(text)}", "quote")


def _table(el: Any) -> Iterator[Block]:
    for row in el.iter("row"):
        cells = [_clean(_text_of(c)) for c in row if isinstance(c.tag, str) and c.tag == "cell"]
        plain = " | ".join(c for c in cells if c)
        if plain:
            yield Block(plain, "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |", "row")


def _blocks(el: Any, depth: int = 0) -> Iterator[Block]:
    tag = el.tag if isinstance(el.tag, str) else ""
    if depth > _MAX_DEPTH or tag in ("graphic", "lb", ""):
        return
    if tag == "head":
        yield from _heading(el)
    elif tag == "list":
        yield from _list(el, 0)
    elif tag == "quote":
        yield from _quote(el, depth)
    elif tag == "table":
        yield from _table(el)
    elif tag in _CONTAINERS or any(isinstance(c.tag, str) and c.tag in ("p", "head", "list", "table") for c in el):
        if text := _clean(el.text or "") if tag not in ("body", "doc") else "":
            yield Block(text, _escape(text))
        for child in el:
            yield from _blocks(child, depth + 1)
            if text := _clean(child.tail or ""):
                yield Block(text, _escape(text))
    else:
        yield from _paragraph(el)


def body_blocks(body: Any) -> list[Block]:
    """The output lines of trafilatura's ``body`` tree, in document order."""
    if body is None:
        return []
    return list(_blocks(body))


def strip_markdown(markdown: str) -> list[str]:
    """The plain lines of a Markdown body made by :func:`render_markdown`.

    The inverse of the rendering: heading/list/quote prefixes and one leading escape
    backslash removed, table rows as their non-empty cells joined by " | " (``\\|``
    read as ``|``), separator rows and blank lines dropped.
    """
    lines: list[str] = []
    for line in markdown.splitlines():
        while line.startswith("> "):
            line = line[2:]
        if not line.strip() or _SEPARATOR_ROW.match(line):
            continue
        if line.startswith("|") and line.endswith("|"):
            cells = (c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line[1:-1]))
            line = " | ".join(c for c in cells if c)
        else:
            line = _BLOCK_PREFIX.sub("", line, count=1).removeprefix("\\")
        lines.append(line)
    return lines


def render_markdown(blocks: list[Block]) -> str:
    """Markdown of the kept ``blocks``.

    A blank line separates blocks, except inside a run of list items, quote lines,
    or table rows; a table run gets its separator row after the first row (the header).
    """
    out: list[str] = []
    previous = ""
    for block in blocks:
        tight = block.kind == previous and block.kind in ("item", "row", "quote")
        if out and not tight:
            out.append("")
        out.append(block.markdown)
        if block.kind == "row" and not tight:
            out.append("|" + " --- |" * max(1, len(_CELL_SPLIT.split(block.markdown[1:-1]))))
        previous = block.kind
    return "\n".join(out)
