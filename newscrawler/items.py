"""The item the news spider yields: an extracted article and the page it came from."""

from __future__ import annotations

from dataclasses import dataclass

from archive.aliases import Duplicate
from archive.article import Article, FetchedPage


@dataclass
class ArticleItem:
    article: Article
    page: FetchedPage
    # Set by the dedupe pipeline: the page repeats an article, and is kept as its alias.
    duplicate: Duplicate | None = None
