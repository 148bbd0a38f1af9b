"""newscrawler: a news crawler and archiver (Scrapy + trafilatura + SQLite).

From Python (see docs/python.md)::

    import newscrawler
    for article in newscrawler.crawl("https://www.example-news.com/", db="news.sqlite3", max_articles=10):
        print(article.title)
    archive = newscrawler.open_archive("news.sqlite3")
    archive.search("harbor bridge")

The names are imported on first use: Scrapy imports this package for its settings, and the
extraction workers for ``newscrawler.extract``; neither needs the API.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "crawl": "newscrawler.api", "Crawl": "newscrawler.api", "CrawlResult": "newscrawler.api",
    "CrawlError": "newscrawler.api",
    "open_archive": "archive.reader", "Archive": "archive.reader",
    "Article": "archive.article", "StoredArticle": "archive.article",
    "extract_article": "newscrawler.extract.extractor",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newscrawler' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
