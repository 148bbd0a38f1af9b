"""The item the news spider yields: an extracted article and the page it came from."""

from __future__ import annotations

from dataclasses import dataclass

from archive.article import Article, FetchedPage


@dataclass
class ArticleItem:
    article: Article
    page: FetchedPage
