"""Reading the archive: full-text search, filtered listing, lookup and statistics."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from archive import fts_query, search_pg, search_sqlite
from archive.article import StoredArticle
from archive.errors import ArchiveError, QueryError
from archive.models import ArticleRow, Run, stored_from_mapping
from archive.urls import canonicalize_url, site_of

logger = logging.getLogger(__name__)

DEFAULT_SEARCH_LIMIT = 20


@dataclass
class Filters:
    """Restrictions shared by search, listing, export and re-extraction.

    ``since``/``until`` bound ``published_at`` inclusively (a date ``until``
    covers that whole day; dates and naive datetimes are taken as UTC).
    """

    site: str | None = None
    since: datetime | date | None = None
    until: datetime | date | None = None
    author: str | None = None
    language: str | None = None
    limit: int | None = None


@dataclass
class SearchHit:
    article: StoredArticle
    snippet: str
    rank: float


@dataclass
class RunInfo:
    id: int
    command: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    new: int
    updated: int
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArchiveStats:
    total: int
    per_site: list[tuple[str, int, datetime | None]]
    per_day: list[tuple[date, int]]
    runs: list[RunInfo]


# --- filters ----------------------------------------------------------------------


def normalize_site(value: str) -> str:
    """``https://www.Example.com/``, ``www.example.com`` and ``example.com`` -> ``example.com``."""
    return site_of(value.strip())


def _as_utc(value: datetime | date, *, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    day = value + timedelta(days=1) if end_of_day else value
    return datetime.combine(day, time(), tzinfo=UTC)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _author_matches(pattern: str, dialect: str) -> ColumnElement[bool]:
    """The byline contains ``pattern`` (a LIKE pattern, lower case): some author of the article,
    or its credit ("Staff Writer", "Newsdesk"), which a page that names no person has instead."""
    a = ArticleRow
    if dialect == "postgresql":
        each = func.json_array_elements_text(a.authors).table_valued("value")
    else:
        each = func.json_each(a.authors).table_valued("value")
    matches = func.lower(each.c.value).like(pattern, escape="\\")
    return or_(exists(select(1).select_from(each).where(matches)),
               func.lower(a.credit).like(pattern, escape="\\"))


def filter_clauses(filters: Filters, dialect: str = "sqlite") -> list[ColumnElement[bool]]:
    """WHERE clauses on ``articles`` for ``filters`` (limit excluded) in SQL ``dialect``."""
    a = ArticleRow
    clauses: list[ColumnElement[bool]] = []
    if filters.site:
        clauses.append(a.site == normalize_site(filters.site))
    if filters.since is not None:
        clauses.append(a.published_at >= _as_utc(filters.since))
    if filters.until is not None:
        if isinstance(filters.until, datetime):
            clauses.append(a.published_at <= _as_utc(filters.until))
        else:
            clauses.append(a.published_at < _as_utc(filters.until, end_of_day=True))
    if filters.author:
        clauses.append(_author_matches(f"%{_escape_like(filters.author.lower())}%", dialect))
    if filters.language:
        clauses.append(a.language == filters.language)
    return clauses


# --- search -----------------------------------------------------------------------


def literal_query(query: str) -> str:
    """``query`` as an FTS5 expression matching its words literally (each token quoted)."""
    return " ".join('"' + token.replace('"', '""') + '"' for token in query.split())


def _search_stmt_pg(filters: Filters, literal: bool, highlight: tuple[str, str]) -> Select[Any]:
    limit = filters.limit if filters.limit is not None else DEFAULT_SEARCH_LIMIT
    base = select(ArticleRow).where(*filter_clauses(filters, "postgresql")).limit(limit)
    stmt = search_pg.search_stmt(base, ArticleRow.text, literal, highlight)
    return stmt.order_by(literal_column("rank"), ArticleRow.id)


def search(
    engine: Engine,
    query: str,
    filters: Filters,
    *,
    literal: bool = False,
    highlight: tuple[str, str] = ("[", "]"),
    candidates: int | None = search_sqlite.DEFAULT_CANDIDATES,
) -> list[SearchHit]:
    """Full-text search, best hits first (lower rank is better).

    SQLite: FTS5 query syntax, bm25 with titles weighted up, over the newest
    ``candidates`` matches (None: all; see :mod:`archive.search_sqlite`).
    PostgreSQL: web-search syntax, ts_rank_cd over title (weight A) and text
    (weight B); see :mod:`archive.search_pg`.
    """
    postgres = engine.dialect.name == "postgresql"
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise ArchiveError(f"full-text search needs an SQLite or PostgreSQL archive, not {engine.dialect.name}")
    cleaned = fts_query.clean(query)
    expression = literal_query(cleaned) if literal and not postgres else cleaned.strip()
    if not expression:
        raise QueryError(f"empty search query {query!r}; give at least one word")
    limit = filters.limit if filters.limit is not None else DEFAULT_SEARCH_LIMIT
    try:
        if postgres:
            search_pg.check_query(engine, query, expression, literal)
            stmt = _search_stmt_pg(filters, literal, highlight)
            with Session(engine) as session:
                rows = session.execute(stmt, search_pg.params(expression, highlight)).all()
                return [SearchHit(row[0].to_stored(), row.snippet, float(row.rank)) for row in rows]
        with engine.connect() as conn:
            found = search_sqlite.run_search(conn, expression, filter_clauses(filters), limit, candidates, highlight)
        return [SearchHit(stored_from_mapping(row), snippet, rank) for row, snippet, rank in found]
    except OperationalError as exc:
        message = str(exc.orig)
        if fts_query.is_query_error(message):
            raise QueryError(fts_query.explain(query, message)) from exc
        raise


# --- listing ----------------------------------------------------------------------


def iter_articles(engine: Engine, filters: Filters, *, batch: int = 500) -> Iterator[StoredArticle]:
    """Stream matching articles in id order (keyset pagination: flat memory, short reads)."""
    clauses = filter_clauses(filters, engine.dialect.name)
    remaining = filters.limit
    last_id = 0
    while remaining is None or remaining > 0:
        size = batch if remaining is None else min(batch, remaining)
        stmt = (
            select(ArticleRow.__table__)
            .where(ArticleRow.id > last_id, *clauses)
            .order_by(ArticleRow.id)
            .limit(size)
        )
        with engine.connect() as conn:
            page = [stored_from_mapping(row) for row in conn.execute(stmt).mappings()]
        yield from page
        if len(page) < size:
            return
        last_id = page[-1].id
        if remaining is not None:
            remaining -= len(page)


def get_article(engine: Engine, id_or_url: str | int) -> StoredArticle | None:
    """The article with this id, or whose URL or canonical URL matches ``id_or_url``."""
    if isinstance(id_or_url, int) or id_or_url.strip().isdigit():
        where = ArticleRow.id == int(id_or_url)
    else:
        url = id_or_url.strip()
        where = or_(ArticleRow.url == url, ArticleRow.canonical_url == canonicalize_url(url))
    with Session(engine) as session:
        stmt = select(ArticleRow).where(where).order_by(ArticleRow.id).limit(1)
        row = session.scalars(stmt).first()
        return row.to_stored() if row is not None else None


# --- statistics -------------------------------------------------------------------


def _per_site(session: Session) -> list[tuple[str, int, datetime | None]]:
    count = func.count().label("n")
    stmt = (
        select(ArticleRow.site, count, func.max(ArticleRow.published_at))
        .group_by(ArticleRow.site)
        .order_by(count.desc(), ArticleRow.site)
    )
    return [(site, int(n), latest) for site, n, latest in session.execute(stmt)]


def _per_day(session: Session, days: int) -> list[tuple[date, int]]:
    if session.get_bind().dialect.name == "postgresql":
        day = func.to_char(func.timezone("UTC", ArticleRow.published_at), "YYYY-MM-DD").label("day")
    else:
        day = func.substr(ArticleRow.published_at, 1, 10).label("day")
    stmt = (
        select(day, func.count())
        .where(ArticleRow.published_at.is_not(None))
        .group_by(day)
        .order_by(day.desc())
        .limit(days)
    )
    rows = [(date.fromisoformat(d), int(n)) for d, n in session.execute(stmt)]
    return rows[::-1]


def _runs(session: Session, limit: int) -> list[RunInfo]:
    stmt = select(Run).order_by(Run.id.desc()).limit(limit)
    return [
        RunInfo(
            id=r.id, command=r.command, started_at=r.started_at, finished_at=r.finished_at,
            status=r.status, new=r.articles_new, updated=r.articles_updated,
            stats=dict(r.stats or {}),
        )
        for r in session.scalars(stmt)
    ]


def archive_stats(engine: Engine, *, days: int = 30, runs: int = 10) -> ArchiveStats:
    """Totals per site, per publication day (the latest ``days`` with articles, oldest
    first) and the latest ``runs`` runs (newest first)."""
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
        return ArchiveStats(
            total=int(total),
            per_site=_per_site(session),
            per_day=_per_day(session, days),
            runs=_runs(session, runs),
        )
