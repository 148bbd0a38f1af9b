"""What the archive knows about one URL: ``newscrawler explain``'s archive side.

The URL's state (the ``urls`` table: what the last crawl that met it decided, and why),
the article stored under it, that article's raw page (to decide again on what was
fetched), and which stored article a body repeats. Read-only; no Scrapy here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, or_, select

from archive.article import StoredArticle
from archive.models import ArticleRow, raw_pages_table
from archive.query import get_article
from archive.rawhtml import decompress_html
from archive.state import UrlState, read_url_states
from archive.store import content_hash
from archive.urls import canonicalize_url


@dataclass
class StoredPage:
    """The raw response an article was extracted from, as the archive keeps it."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    body: bytes


@dataclass
class UrlTrace:
    """Everything the archive has about one URL (each part None when it has nothing)."""

    url: str  # canonical
    state: UrlState | None
    article: StoredArticle | None


def url_trace(engine: Engine, url: str) -> UrlTrace:
    """The state of ``url`` and the article stored under it (by its URL or canonical URL)."""
    key = canonicalize_url(url)
    with engine.connect() as conn:
        state = read_url_states(conn, [key]).get(key)
    article = get_article(engine, url)
    if article is None and state is not None and state.article_id is not None:
        article = get_article(engine, state.article_id)
    return UrlTrace(key, state, article)


def stored_page(engine: Engine, article_id: int) -> StoredPage | None:
    """The raw page of the stored article ``article_id``, decompressed, or None."""
    table = raw_pages_table
    query = select(table.c.url, table.c.final_url, table.c.status, table.c.content_type, table.c.html_zstd)
    with engine.connect() as conn:
        row = conn.execute(query.where(table.c.article_id == article_id)).first()
    if row is None:
        return None
    return StoredPage(row.url, row.final_url, row.status, row.content_type, decompress_html(row.html_zstd))


def body_owner(engine: Engine, text: str, canonical: str) -> StoredArticle | None:
    """The stored article, under another canonical URL than ``canonical``, whose body is ``text``."""
    body = content_hash(text)
    query = (select(ArticleRow.id).where(ArticleRow.content_hash == body, ArticleRow.canonical_url != canonical)
             .order_by(ArticleRow.id).limit(1))
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    return get_article(engine, found) if found is not None else None


def stored_under(engine: Engine, canonical: str, url: str) -> StoredArticle | None:
    """The article stored under the canonical URL ``canonical`` (or fetched from ``url``), if any."""
    query = (select(ArticleRow.id).where(or_(ArticleRow.canonical_url == canonical, ArticleRow.url == url))
             .order_by(ArticleRow.id).limit(1))
    with engine.connect() as conn:
        found = conn.execute(query).scalar()
    return get_article(engine, found) if found is not None else None
