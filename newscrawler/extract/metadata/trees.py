"""Facts of one parsed page, computed once per tree and shared by the readers of that tree.

A crawl classifies a page and then extracts it from the same (read-only) tree, and several
readers want the same walk of it: :func:`per_tree` remembers the last tree's value.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from typing import Any

from lxml import etree

_LAST_TREE: dict[str, tuple[Any, Any]] = {}  # what -> (weak reference to a tree, its value)
# Smart strings: each value knows its element (getparent()).
_MARK_VALUES = etree.XPath("//@class | //@id | //@rel | //@itemprop")


def per_tree(what: str, tree: Any, compute: Callable[[Any], Any]) -> Any:
    """``compute(tree)``, remembered for the last tree asked (read-only: do not modify it)."""
    last = _LAST_TREE.get(what)
    if last is not None and last[0]() is tree:
        return last[1]
    value = compute(tree)
    try:
        _LAST_TREE[what] = (weakref.ref(tree), value)
    except TypeError:  # not weak-referenceable (not an lxml element): nothing remembered
        _LAST_TREE.pop(what, None)
    return value


@dataclass
class _Lines:
    """Strings of a page in document order (its marks, or its text nodes), and all of them as one
    text, one per line (line ``i`` starts at ``starts[i]``; the marks' text is lower-cased)."""

    values: list[Any]
    text: str
    starts: list[int]


def marked_matching(tree: Any, pattern: re.Pattern[str]) -> list[tuple[Any, str]]:
    """The elements with a class, id, rel or itemprop whose marks (those values lower-cased in one
    string, see :func:`element_marks`) ``pattern`` finds, in page order.

    One regular-expression scan of all the page's marks, instead of one search per element
    (``pattern`` must not match across a line break).
    """
    marks: _Lines = per_tree("mark-values", tree, _mark_values)
    found: list[tuple[Any, str]] = []
    seen: set[Any] = set()
    for line in _matching_lines(marks, pattern):
        node = marks.values[line].getparent()
        if node is not None and node not in seen:
            seen.add(node)
            found.append((node, element_marks(node)))
    return found


_LITERALS = re.compile(r"[\w-]+(?:\|[\w-]+)*")


def _matching_lines(marks: _Lines, pattern: re.Pattern[str]) -> list[int]:
    """The lines of ``marks.text`` where ``pattern`` matches, in order. A pattern of plain words
    (``byline|author|...``) is found by ``str.find`` per word: twice as fast as the regex engine."""
    if pattern.flags & re.IGNORECASE or not _LITERALS.fullmatch(pattern.pattern):
        starts = [match.start() for match in pattern.finditer(marks.text)]
    else:
        starts = []
        for word in pattern.pattern.split("|"):
            at = marks.text.find(word)
            while at >= 0:
                starts.append(at)
                at = marks.text.find(word, at + len(word))
        starts.sort()
    return list(dict.fromkeys(bisect_right(marks.starts, start) - 1 for start in starts))


def _mark_values(tree: Any) -> _Lines:
    try:
        values = _MARK_VALUES(tree)
    except Exception:  # lxml XPath errors on odd trees
        values = []
    raw = "\n".join(values)
    text = raw.casefold().replace("_", "-")
    lengths = map(len, values) if len(text) == len(raw) else (len(v.casefold()) for v in values)  # "ß"
    return _Lines(values, text, _starts(lengths))


def _starts(lengths: Iterable[int]) -> list[int]:
    """Where each of the values of these ``lengths`` begins when they are joined by line breaks."""
    return list(accumulate(map(add, lengths, repeat(1)), initial=0))  # one too many: never looked up


# The body's text nodes, less script and style text (a script's or style's text is its only
# child: HTML parsers give them no elements). Also read by the paywall check.
BODY_TEXT_XPATH = "//body/descendant::text()[not(parent::script or parent::style)]"
_BODY_TEXTS = etree.XPath(BODY_TEXT_XPATH)
_TEXTS_CONTAINING = etree.XPath(BODY_TEXT_XPATH + "[contains(., $probe)]")
DIRECT_PROBES = 2  # probes of a page answered by an XPath each (0.4 ms) before its text nodes are indexed (0.8 ms)


@dataclass
class _Probes:
    asked: int = 0
    index: _Lines | None = None


def text_nodes_containing(tree: Any, probe: str) -> list[Any]:
    """The body's text nodes (smart strings: ``getparent()``) that contain ``probe``, in page order:
    what ``//body//text()[contains(., $probe)]`` selects, less script and style text.

    The first :data:`DIRECT_PROBES` of a page are XPaths; a page probed more often (the article
    decision's teaser check asks ~14 times) has its text nodes gathered once, and each further
    probe is a ``str.find`` over them all.
    """
    probes: _Probes = per_tree("text-probes", tree, lambda _tree: _Probes())
    probes.asked += 1
    if not probe or "\n" in probe or (probes.index is None and probes.asked <= DIRECT_PROBES):
        return _TEXTS_CONTAINING(tree, probe=probe)  # (a line break would match across the index's nodes)
    if probes.index is None:
        probes.index = _body_texts(tree)
    texts = probes.index
    found: list[Any] = []
    last = -1
    at = texts.text.find(probe)
    while at >= 0:
        line = bisect_right(texts.starts, at) - 1
        if line != last:
            found.append(texts.values[line])
            last = line
        at = texts.text.find(probe, at + 1)
    return found


def _body_texts(tree: Any) -> _Lines:
    try:
        values = _BODY_TEXTS(tree)
    except Exception:  # lxml XPath errors on odd trees
        values = []
    return _Lines(values, "\n".join(values), _starts(map(len, values)))


def element_marks(node: Any) -> str:
    """An element's class, id, rel and itemprop values, lower-cased in one string ("" without any)."""
    if not isinstance(node.tag, str):
        return ""
    return " ".join(filter(None, (node.get("class"), node.get("id"), node.get("rel"),
                                  node.get("itemprop")))).casefold().replace("_", "-")
