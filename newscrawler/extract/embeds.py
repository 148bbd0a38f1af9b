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

_WORD = re.compile(r"\w+")
_EMBED_XPATH = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'text-post-media')"
    " or contains(@class, 'bluesky-embed') or contains(@class, 'mastodon-embed')"
    " or contains(@class, 'pull')]"
    " | //*[contains(@class, 'pullquote') or contains(@class, 'pull-quote')"
    " or @data-shortcode-type='pullquote']"
)
TAIL_LINK_MAX_WORDS = 15  # a footer line is short
TAIL_LINK_SHARE = 0.5  # ... and at least this share of its words is link text
_MAX_EMBEDS = 200


def _key(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").casefold()))


def embedded_texts(tree: Any) -> list[str]:
    """Text keys of the page's embedded social posts and pull quotes."""
    try:
        nodes = tree.xpath(_EMBED_XPATH)[:_MAX_EMBEDS]
    except (AttributeError, ValueError):
        return []
    return [key for node in nodes if (key := _key(node.text_content()))]


def is_embedded(key: str, embedded: list[str]) -> bool:
    """Whether the line with text key ``key`` is (a piece of) an embed's text."""
    return bool(key) and any(key in text for text in embedded)


def link_share(block: Any) -> float:
    """Share of the words of ``block`` that are inside links."""
    words = len(_WORD.findall(block.text_content()))
    linked = sum(len(_WORD.findall(a.text_content())) for a in block.iter("a"))
    return linked / words if words else 0.0
