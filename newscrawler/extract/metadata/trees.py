"""Facts of one parsed page, computed once per tree and shared by the readers of that tree.

A crawl classifies a page and then extracts it from the same (read-only) tree, and several
readers want the same walk of it: :func:`per_tree` remembers the last tree's value.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

_LAST_TREE: dict[str, tuple[Any, Any]] = {}  # what -> (weak reference to a tree, its value)
_MARKED = "//*[@class or @id or @rel or @itemprop]"


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


def marked_elements(tree: Any) -> list[tuple[Any, str]]:
    """Every element with a class, id, rel or itemprop, with those values lower-cased in one string.

    One walk that the byline and dateline readers filter with their own patterns (an XPath
    per pattern with ``translate()`` costs ten times more on a news page).
    """
    return per_tree("marked", tree, _marked_elements)


def _marked_elements(tree: Any) -> list[tuple[Any, str]]:
    try:
        nodes = tree.xpath(_MARKED)
    except Exception:  # lxml XPath errors on odd trees
        return []
    return [(node, element_marks(node)) for node in nodes]


def element_marks(node: Any) -> str:
    """An element's class, id, rel and itemprop values, lower-cased in one string ("" without any)."""
    if not isinstance(node.tag, str):
        return ""
    return " ".join(filter(None, (node.get("class"), node.get("id"), node.get("rel"),
                                  node.get("itemprop")))).casefold().replace("_", "-")
