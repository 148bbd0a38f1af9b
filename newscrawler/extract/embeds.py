"""Page-level signs that a text is not the story's own words: embeds, pull quotes, link footers.

- Embedded social-media posts (``<blockquote class="twitter-tweet">``, Instagram,
  TikTok, Threads, Bluesky, Mastodon embeds) are someone else's post shown in the page;
  their text, and the "— Name (@handle) date" signature, is not story text.
- Pull quotes (``class="...pullquote..."`` / ``pull-quote``, or
  ``data-shortcode-type="pullquote"``) repeat a sentence of the story as a display element.
- A short line at the very end of the text that is mostly link text (a "Our standards:
  <link>" or "Follow us: <link>" footer) is page furniture.

No trafilatura here; lxml trees come in from :mod:`newscrawler.extract.extractor`.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from newscrawler.extract.metadata.trees import marked_matching

_WORD = re.compile(r"\w+")
# Embeds and pull quotes by their class (as written, case and all) ...
_EMBED_CLASSES = ("twitter-tweet", "instagram-media", "tiktok-embed", "text-post-media", "bluesky-embed",
                  "mastodon-embed", "pull")  # on a <blockquote>
_PULLQUOTE_CLASSES = ("pullquote", "pull-quote")  # on any element
# ... found among the page's marks by one scan (candidates, checked as above).
_EMBED_MARK = re.compile("|".join(_EMBED_CLASSES))  # plain words ("pull" finds the pull quotes too)
_SHORTCODE_TYPES = etree.XPath("//@data-shortcode-type")  # (cheaper than selecting the elements)
TAIL_LINK_MAX_WORDS = 15  # a footer line is short
TAIL_LINK_SHARE = 0.5  # ... and at least this share of its words is link text
_MAX_EMBEDS = 200


def _key(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").casefold()))


def embedded_texts(tree: Any) -> list[str]:
    """Text keys of the page's embedded social posts and pull quotes."""
    try:
        nodes = [node for node, _marks in marked_matching(tree, _EMBED_MARK) if _is_embed(node)]
        nodes += [node for value in _SHORTCODE_TYPES(tree)
                  if value == "pullquote" and (node := value.getparent()) not in nodes]
    except (AttributeError, ValueError):
        return []
    return [key for node in nodes[:_MAX_EMBEDS] if (key := _key(node.text_content()))]


def _is_embed(node: Any) -> bool:
    """An embedded post (a ``<blockquote>`` of a known class) or a pull quote, by its class as written."""
    classes = node.get("class") or ""
    return (node.tag == "blockquote" and any(c in classes for c in _EMBED_CLASSES)) \
        or any(c in classes for c in _PULLQUOTE_CLASSES)


def is_embedded(key: str, embedded: list[str]) -> bool:
    """Whether the line with text key ``key`` is (a piece of) an embed's text."""
    return bool(key) and any(key in text for text in embedded)


def link_share(block: Any) -> float:
    """Share of the words of ``block`` that are inside links."""
    words = len(_WORD.findall(block.text_content()))
    linked = sum(len(_WORD.findall(a.text_content())) for a in block.iter("a"))
    return linked / words if words else 0.0
