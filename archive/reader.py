"""The archive from Python: ``open_archive(db)`` and its ``search()``, ``articles()``, ``get()``.

The calls the CLI's ``search``, ``export`` and ``show`` make (:mod:`archive.query`,
:mod:`archive.aliases`), on a read-only connection, returning :class:`archive.article.StoredArticle`
dataclasses (an :class:`archive.article.Article` with the archive's id, URLs and fetch time)::

    archive = newscrawler.open_archive("news.sqlite3")
    for article in archive.search('"harbor bridge"', since="2026-03-01", limit=5):
        print(article.id, article.published_at, article.title)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from archive.aliases import find_article
from archive.article import StoredArticle
from archive.engine import describe_db, open_archive as open_engine
from archive.query import Filters, SearchHit, iter_articles, search as search_archive
from archive.runs import RunRecord, get_run, list_runs
from archive.search_sqlite import DEFAULT_CANDIDATES
from archive.when import parse_when

When = date | datetime | str | None


def _when(value: When, name: str) -> date | datetime | None:
    if value is None or isinstance(value, (date, datetime)):
        return value
    text = value.strip()
    if len(text) == 10:  # a day: --until covers all of it, as on the command line
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    parsed = parse_when(text)
    if parsed is None:
        raise ValueError(f"{name}={value!r} is not a date (YYYY-MM-DD) or ISO date-time")
    return parsed


def filters(site: str | None = None, since: When = None, until: When = None, author: str | None = None,
            language: str | None = None, limit: int | None = None) -> Filters:
    """The CLI's ``--site --since --until --author --lang --limit`` as :class:`archive.query.Filters`."""
    return Filters(site=site, since=_when(since, "since"), until=_when(until, "until"), author=author,
                   language=language.lower() if language else None, limit=limit)


class Archive:
    """A read-only view of the archive ``db`` (a path or SQLAlchemy URL; None: ``$NEWSCRAWLER_DB``,
    else ``news.sqlite3``). It can stay open while crawls write. Raises
    :class:`archive.errors.ArchiveError` (naming the path) when there is no archive there."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.db = None if db is None else str(db)
        self.engine = open_engine(self.db, readonly=True)

    def search(self, query: str, *, site: str | None = None, since: When = None, until: When = None,
               author: str | None = None, language: str | None = None, limit: int | None = 20,
               literal: bool = False, rank_all: bool = False) -> list[StoredArticle]:
        """Full-text search, best first, as ``newscrawler search`` (FTS5 syntax on SQLite, or the
        words as typed with ``literal``). Raises :class:`archive.errors.QueryError` on a bad query."""
        return [hit.article for hit in self.search_hits(query, site=site, since=since, until=until, author=author,
                                                        language=language, limit=limit, literal=literal,
                                                        rank_all=rank_all)]

    def search_hits(self, query: str, *, site: str | None = None, since: When = None, until: When = None,
                    author: str | None = None, language: str | None = None, limit: int | None = 20,
                    literal: bool = False, rank_all: bool = False) -> list[SearchHit]:
        """:meth:`search` with each article's snippet (matches in ``[ ]``) and rank (lower is better)."""
        return search_archive(self.engine, query, filters(site, since, until, author, language, limit),
                              literal=literal, candidates=None if rank_all else DEFAULT_CANDIDATES)

    def articles(self, *, site: str | None = None, since: When = None, until: When = None,
                 author: str | None = None, language: str | None = None,
                 limit: int | None = None) -> Iterator[StoredArticle]:
        """The matching articles in id order, streamed (flat memory), as ``newscrawler export``."""
        return iter_articles(self.engine, filters(site, since, until, author, language, limit))

    def get(self, id_or_url: int | str) -> StoredArticle | None:
        """The article with this id, URL or canonical URL, or the one this URL is an alias of
        (``newscrawler show``); None if the archive has neither."""
        return find_article(self.engine, id_or_url)[0]

    def runs(self, last: int = 10) -> list[RunRecord]:
        """The latest runs, newest first (``newscrawler runs``)."""
        return list_runs(self.engine, last=last)

    def run(self, run_id: int) -> RunRecord | None:
        """One run with its counts and stats."""
        return get_run(self.engine, run_id)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Archive {describe_db(self.db)}>"


def open_archive(db: str | Path | None = None) -> Archive:
    """The archive ``db``, read-only: ``.search()``, ``.articles()``, ``.get()``, ``.runs()``."""
    return Archive(db)
