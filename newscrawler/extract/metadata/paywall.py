"""Whether an article is paywalled, from what the page declares.

``is_paywalled`` is:

- **True** when the publisher declares the article is not free to read: a JSON-LD
  article object (or one of its ``hasPart`` parts) says ``isAccessibleForFree: false``
  (also the string ``"False"``), or the ``article:content_tier`` meta tag says ``locked``
  or ``metered``; or when the page shows a clear truncation notice, a short block
  (at most 40 words) such as "Subscribe to continue reading", "This article is only
  available to subscribers" or "The rest of this story is for subscribers", when the
  page declares nothing. True does not mean the archived text is cut short: metered
  pages are often served whole.
- **False** when the publisher declares the article free: ``isAccessibleForFree: true``
  (and no ``hasPart`` part declared not free) or ``article:content_tier`` ``free``.
- **None** when the page says neither. Generic "Subscribe" or "Already a subscriber?
  Sign in" boxes, which free articles carry too, are not a sign.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from newscrawler.extract.metadata.trees import BODY_TEXT_XPATH

_NOTICE_MAX_WORDS = 40
# Every notice the pattern below finds holds one of these, and is shorter than _NOTICE_REACH
# characters on either side of it: the pattern runs only around them (3.6 ms over a whole page).
_NOTICE_ANCHORS = ("continue reading", "keep reading", "subscribers", "members", "subscribe to")
_NOTICE_REACH = 200
_MAX_ANCHORS = 50  # a page that says "members" more often is read whole
_TRUNCATION_NOTICE = re.compile(
    r"""(?:subscribe|sign\ in|log\ in|register|become\ a\ (?:member|subscriber))\b[^.!?]{0,40}
        \bto\ (?:continue|keep)\ reading
      | \bto\ (?:continue|keep)\ reading\b[^.!?]{0,30}\b(?:subscribe|sign\ in|log\ in|subscription)
      | \bthis\ (?:article|story|content|piece)\ is\ (?:only\ )?(?:available|reserved|exclusive)
        \ (?:to|for)\ (?:paying\ |paid\ |premium\ |digital\ )?(?:subscribers|members)
      | \b(?:the\ )?rest\ of\ this\ (?:article|story)\ is\ (?:only\ )?(?:for|available\ to)\ (?:subscribers|members)
      | \bsubscribe\ to\ (?:read|unlock)\ (?:the\ (?:full|whole|rest)|this\ (?:article|story))
    """,
    re.IGNORECASE | re.VERBOSE,
)
# (A script's or style's text is its only child: HTML parsers give them no elements.)
_PAGE_TEXT = etree.XPath(BODY_TEXT_XPATH, smart_strings=False)
_BLOCK_TEXT = etree.XPath("descendant::text()[not(parent::script or parent::style)]", smart_strings=False)
_NOTICE_BLOCKS = etree.XPath("//body/descendant::*[self::p or self::div or self::span or self::h2 or self::h3 "
                             "or self::h4 or self::a]")


def _free_flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def jsonld_free(article: dict | None) -> bool | None:
    """``isAccessibleForFree`` of the article object, False if any ``hasPart`` part is not free."""
    if not isinstance(article, dict):
        return None
    flags = [_free_flag(article.get("isAccessibleForFree"))]
    parts = article.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict):
            flags.append(_free_flag(part.get("isAccessibleForFree")))
    if False in flags:
        return False
    return True if True in flags else None


def content_tier_free(tags: dict[str, list[str]]) -> bool | None:
    """``article:content_tier``: free -> True, locked/metered -> False, else None."""
    tier = next(iter(tags.get("article:content_tier", [])), "").strip().lower()
    return {"free": True, "locked": False, "metered": False}.get(tier)


def has_truncation_notice(tree: Any) -> bool:
    """Whether a short block of the page says the rest of the article is for subscribers."""
    try:
        if not _mentions_notice(" ".join(_PAGE_TEXT(tree)).lower()):
            return False  # the page's text first; blocks are looked at only on a hit
        blocks = _NOTICE_BLOCKS(tree)
    except (AttributeError, ValueError, etree.Error):
        return False
    for block in blocks[:20000]:
        text = " ".join(_BLOCK_TEXT(block))
        if len(text.split()) <= _NOTICE_MAX_WORDS and _TRUNCATION_NOTICE.search(text):
            return True
    return False


def _mentions_notice(text: str) -> bool:
    """Whether the (lower-cased) page text holds a truncation notice anywhere."""
    windows: list[str] = []
    for anchor in _NOTICE_ANCHORS:
        start = text.find(anchor)
        while start >= 0:
            windows.append(text[max(0, start - _NOTICE_REACH): start + len(anchor) + _NOTICE_REACH])
            if len(windows) > _MAX_ANCHORS:
                return _TRUNCATION_NOTICE.search(text) is not None
            start = text.find(anchor, start + len(anchor))
    return any(_TRUNCATION_NOTICE.search(window) for window in windows)


def is_paywalled(tree: Any, article: dict | None, tags: dict[str, list[str]]) -> bool | None:
    """True / False / None as described in the module docstring."""
    declared = jsonld_free(article)
    if declared is None:
        declared = content_tier_free(tags)
    if declared is not None:
        return not declared
    return True if has_truncation_notice(tree) else None
