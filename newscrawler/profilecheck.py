"""``newscrawler sources check FILE --url URL``: what a publisher profile changes on a sample page.

The page is fetched with plain urllib (one GET, the crawl's User-Agent and timeout; no robots.txt,
nothing stored) or read from a file, decoded as the crawl decodes it, and extracted twice:
with the general rules alone and with the site's profile. One record per field says which
selector the profile gives for it, what that selector matched on the page ("no match": the
general value stays), and the value without and with the profile.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from archive.article import Article
from newscrawler.config import setting_default
from newscrawler.extract.extractor import extract_article, parse_html
from newscrawler.extract.profile import (
    CompiledProfile,
    Profile,
    author_names,
    body_elements,
    compile_profile,
    date_value,
    first_text,
    match_text,
    pruned,
)
from newscrawler.process.page import decode_page

LOGGER = logging.getLogger(__name__)
COLUMNS = ["field", "selector", "matched", "without_profile", "with_profile"]
FIRST_LINE_CHARS = 100


class FetchFailed(Exception):
    """The sample page could not be fetched; the message is one line naming the URL."""


@dataclass
class SamplePage:
    url: str  # after redirects
    html: str


def fetch_sample(url: str, user_agent: str | None = None) -> SamplePage:
    """GET ``url`` (the crawl's User-Agent, or the site's) and decode it as the crawl does."""
    contact = setting_default("NEWSCRAWLER_CONTACT_URL")
    agent = user_agent or setting_default("USER_AGENT").replace("{contact}", contact)
    request = urllib.request.Request(url, headers={"User-Agent": agent, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=setting_default("DOWNLOAD_TIMEOUT")) as response:
            body = response.read(setting_default("DOWNLOAD_MAXSIZE") + 1)
            final, content_type = response.geturl(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchFailed(f"cannot fetch {url}: {reason}") from exc
    if len(body) > setting_default("DOWNLOAD_MAXSIZE"):
        raise FetchFailed(f"cannot fetch {url}: larger than DOWNLOAD_MAXSIZE")
    return SamplePage(final, decode_page(body, content_type)[1])


def compare(page: SamplePage, profile: Profile | None) -> list[dict[str, Any]]:
    """One record per field (see :data:`COLUMNS`): the general value, the profile's, and what
    each of the profile's selectors matched on the page."""
    general = extract_article(page.html, page.url)
    profiled = extract_article(page.html, page.url, profile) if profile else general
    matched = _matched(page, compile_profile(profile)) if profile else {}
    selectors = dict(profile.selectors()) if profile else {}
    records = []
    for name, selector_field, read in _FIELDS:
        records.append({
            "field": name,
            "selector": selectors.get(selector_field),
            "matched": matched.get(selector_field) if name != "first_line" else None,
            "without_profile": read(general),
            "with_profile": read(profiled),
        })
    if profile and profile.drop:
        records.append({"field": "drop", "selector": list(profile.drop), "matched": matched.get("drop"),
                        "without_profile": None, "with_profile": None})
    return records


def _matched(page: SamplePage, compiled: CompiledProfile) -> dict[str, str]:
    """What each selector found on the page, in words: the value, "no match", or why it was not used."""
    whole = parse_html(page.html)
    if whole is None:
        return {}
    tree = pruned(whole, compiled)  # the other selectors see the page as extraction does
    found: dict[str, str] = {}
    for name in ("title", "section"):
        if compiled.get(name) is not None:
            found[name] = _or_none(first_text(tree, compiled.get(name)))
    if compiled.get("authors") is not None:
        found["authors"] = _or_none("; ".join(author_names(tree, compiled.get("authors"))))
    if (selector := compiled.get("date")) is not None:
        date = date_value(tree, selector, [])
        texts = [match_text(m) for m in selector.matches(tree)]
        found["date"] = date.isoformat() if date else ("not a date: " + texts[0][:60] if texts else "no match")
    if compiled.get("body") is not None:
        body = body_elements(tree, compiled)
        words = sum(len(match_text(element).split()) for element in body)
        found["body"] = f"{len(body)} element{'' if len(body) == 1 else 's'}, {words} words" if body else "no match"
    if compiled.drop:
        count = sum(len(s.matches(whole)) for s in compiled.drop)
        found["drop"] = f"{count} element{'' if count == 1 else 's'} removed"
    return found


def _or_none(value: str | None) -> str:
    return value if value else "no match"


def _published(article: Article | None) -> str | None:
    if article is None or article.published_at is None:
        return None
    return f"{article.published_at.isoformat()} ({article.date_source})"


def _title(article: Article | None) -> str | None:
    return None if article is None else f"{article.title} ({article.title_source})"


def _first_line(article: Article | None) -> str | None:
    if article is None or not article.text:
        return None
    line = article.text.split("\n", 1)[0]
    return line if len(line) <= FIRST_LINE_CHARS else line[:FIRST_LINE_CHARS - 1] + "…"


_FIELDS = [
    ("title", "title", _title),
    ("authors", "authors", lambda a: None if a is None else list(a.authors)),
    ("published", "date", _published),
    ("section", "section", lambda a: None if a is None else a.section),
    ("words", "body", lambda a: 0 if a is None else a.word_count),
    ("first_line", "body", _first_line),
]
