"""Older page layouts (about 1998-2010): a reshaped copy of the tree for the main-content extractor.

Pages of that time lay out the whole page with ``<table>``s (a nav column, the story in one
``<td>``, a right rail) and separate paragraphs with ``<br><br>`` inside a ``<td>``, a ``<div>``
or a ``<font>`` instead of ``<p>``. trafilatura reads such a table as tabular data (each cell
one line: the headline, byline, print bar and story run together) and a ``<br>`` only as a
line break inside one block. Two general rules make the page look like a modern one:

1. **Layout tables become divs.** A table is layout, not data, when it nests another table,
   is marked ``role="presentation"``, has a single column, or has a cell that holds a
   paragraph of text (60+ words, or 20+ inside a ``<p>``/``<div>``/list or two ``<br>``). A data
   table (short cells in several columns) is left alone, so tables in modern stories survive.
2. **``<br>`` breaks become paragraphs.** In a container that is not itself a paragraph
   (``<td>``, ``<div>``, ``<font>``, ``<span>``, ...), the inline runs between ``<br>``s are
   each wrapped in a ``<p>``; block children stay where they are.

The tree the crawl shares is never modified: :func:`reshaped` returns it unchanged when
neither rule applies (almost every modern page: one walk over its tables and ``<br>``s), and
otherwise a reshaped deep copy. No trafilatura here.
"""

from __future__ import annotations

import copy
import re
from typing import Any, NamedTuple

LAYOUT_CELL_WORDS = 60  # a cell with this many words holds prose, not a datum
PROSE_CELL_WORDS = 20  # ... and with paragraph markup, one with this many
_WORD = re.compile(r"\w+")
# Containers whose <br>-separated runs are paragraphs (not <p>, <li>, headings, <pre>...).
_BR_CONTAINERS = frozenset({"div", "td", "th", "font", "center", "span", "body", "blockquote",
                            "section", "article", "main", "form", "dd"})
# Ancestors inside which a <br> is only a line break (an address, a poem line, a caption line).
_LINE_ONLY = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "a", "button",
                        "address", "caption", "figcaption", "label", "option", "dt"})
# Elements that are blocks of their own: never wrapped into a paragraph.
_BLOCK_TAGS = frozenset({"p", "div", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "pre", "form", "center", "hr", "section", "article", "aside",
                         "header", "footer", "nav", "figure", "address", "iframe", "script", "style",
                         "noscript", "tr", "td", "th", "tbody", "thead", "tfoot", "li", "dd", "dt",
                         "main", "fieldset", "menu", "object", "embed", "video", "audio", "map"})
_PROSE_TAGS = ("p", "div", "ul", "ol", "blockquote")
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})


class Reshaped(NamedTuple):
    """The tree for the extractor and what was changed in it."""

    tree: Any
    layout_tables: int = 0  # tables unwrapped into divs
    break_containers: int = 0  # containers whose <br> runs became paragraphs


def reshaped(tree: Any) -> Reshaped:
    """``tree``, or a copy with layout tables unwrapped and ``<br>`` runs made paragraphs."""
    layout = [is_layout_table(t) for t in tree.iter("table")]
    if not any(layout) and not br_containers(tree):
        return Reshaped(tree)
    tree = copy.deepcopy(tree)
    for table in [t for t, flag in zip(tree.iter("table"), layout, strict=True) if flag]:
        unwrap_table(table)
    containers = br_containers(tree)
    for container in reversed(containers):  # innermost first
        split_at_breaks(container)
    return Reshaped(tree, sum(layout), len(containers))


# --- layout tables ---------------------------------------------------------------------------


def _tag(el: Any) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def table_rows(table: Any) -> list[Any]:
    """The table's own rows (not those of nested tables)."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in _SECTIONS:
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _cells(row: Any) -> list[Any]:
    return [c for c in row if _tag(c) in ("td", "th")]


def _holds_prose(cell: Any) -> bool:
    """A cell with a paragraph in it: a nested table, many words, or paragraph markup (a block
    element or two ``<br>``s) around more words than a datum has."""
    breaks, blocks = 0, False
    for el in cell.iterdescendants():
        tag = _tag(el)
        if tag == "table":
            return True
        blocks = blocks or tag in _PROSE_TAGS
        breaks += tag == "br"
    words = len(_WORD.findall(cell.text_content()))
    return words >= LAYOUT_CELL_WORDS or ((blocks or breaks >= 2) and words >= PROSE_CELL_WORDS)


def is_layout_table(table: Any) -> bool:
    """Whether ``table`` lays out the page or a story rather than holding data."""
    if table.get("role") in ("presentation", "none"):
        return True
    rows = table_rows(table)
    cells = [_cells(row) for row in rows]
    if not rows or max(len(c) for c in cells) <= 1:
        return True  # one column (or no rows): a box, a list of links, a caption frame
    return any(_holds_prose(cell) for row in cells for cell in row)


def unwrap_table(table: Any) -> None:
    """Turn ``table``, its row groups, rows and cells into divs (nested tables are not touched)."""
    for row in table_rows(table):
        for cell in _cells(row):
            cell.tag = "div"
        parent = row.getparent()
        if parent is not table:
            parent.tag = "div"
        row.tag = "div"
    table.tag = "div"


# --- <br> runs -------------------------------------------------------------------------------


def br_containers(tree: Any) -> list[Any]:
    """Containers (document order) with a ``<br>`` child, outside any paragraph-like element."""
    seen: dict[int, Any] = {}
    for br in tree.iter("br"):
        parent = br.getparent()
        if parent is None or id(parent) in seen or _tag(parent) not in _BR_CONTAINERS:
            continue
        if any(_tag(a) in _LINE_ONLY for a in parent.iterancestors()):
            continue
        seen[id(parent)] = parent
    return list(seen.values())


def _is_block(el: Any) -> bool:
    tag = _tag(el)
    return tag in _BLOCK_TAGS or (tag != "br" and any(_tag(d) in _BLOCK_TAGS for d in el.iterdescendants()))


def _has_text(nodes: list[Any], lead: str) -> bool:
    return bool(lead.strip()) or any(n.text_content().strip() for n in nodes if _tag(n))


def split_at_breaks(container: Any) -> None:
    """Wrap each inline run between ``<br>``s (and block children) of ``container`` in a ``<p>``."""
    children = list(container)
    lead = container.text or ""
    for child in children:
        container.remove(child)  # its tail goes with it
    out: list[Any] = []
    run: list[Any] = []

    def flush() -> None:
        nonlocal lead, run
        if _has_text(run, lead):
            para = container.makeelement("p", {})
            para.text = lead
            para.extend(run)
            out.append(para)
        else:
            out.extend(run)  # an image or an empty inline element stays as it was
        lead, run = "", []

    for child in children:
        if _tag(child) == "br":
            tail, child.tail = child.tail or "", None
            flush()
            lead = tail
        elif _is_block(child):
            tail, child.tail = child.tail or "", None
            flush()
            out.append(child)
            lead = tail
        else:
            run.append(child)  # keeps its tail: the text after it in the same run
    flush()
    container.text = None
    container.extend(out)
