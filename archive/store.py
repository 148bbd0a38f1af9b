"""Writing to the archive: batched article upserts, raw pages and run bookkeeping."""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from archive.aliases import AliasBuffer, Duplicate, forget_aliases
from archive.article import Article, FetchedPage
from archive.models import articles_table, raw_pages_table, runs_table, versions_table
from archive.rawhtml import ZSTD_LEVEL, compress_html, decompress_html  # noqa: F401  (re-exported)
from archive.urls import canonicalize_url, site_of

logger = logging.getLogger(__name__)

_ARTICLES = articles_table
_RAW_PAGES = raw_pages_table
_RUNS = runs_table
_VERSIONS = versions_table
_PG_LOCK_URLS = text(
    "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS keys"
)


@lru_cache(maxsize=64)  # the crawl's dedupe pipeline and the writer hash the same text
def content_hash(text: str) -> str:
    """sha256 hex of ``text`` with whitespace collapsed and lower-cased."""
    normalized = " ".join(text.split()).lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


@dataclass
class BatchResult:
    """How many articles a write inserted, updated or left unchanged, and how many new aliases."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    aliases: int = 0
    # canonical URL -> ("inserted" | "updated" | "unchanged", article id or None when unchanged)
    outcomes: dict[str, tuple[str, int | None]] = field(default_factory=dict, compare=False)
    # the duplicates written as aliases (with their article's id), and those whose article is not stored
    resolved: list[tuple[Duplicate, int]] = field(default_factory=list, compare=False)
    orphans: list[Duplicate] = field(default_factory=list, compare=False)

    def __add__(self, other: BatchResult) -> BatchResult:
        return BatchResult(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.aliases + other.aliases,
        )  # counts only: outcomes are per batch (a crawl's totals must not grow with the site)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass
class _Pending:
    """One article ready to write: its column values and its compressed page."""

    row: dict[str, Any]
    page: dict[str, Any]


def article_values(article: Article) -> dict[str, Any]:
    """The extracted (re-extractable) column values of ``article``."""
    return {
        "title": article.title,
        "authors": list(article.authors),
        "credit": article.credit,
        "published_at": article.published_at,
        "modified_at": article.modified_at,
        "site_name": article.site_name,
        "section": article.section,
        "tags": list(article.tags),
        "language": article.language,
        "description": article.description,
        "image_url": article.image_url,
        "text": article.text,
        "markdown": article.markdown,
        "date_source": article.date_source,
        "title_source": article.title_source,
        "is_paywalled": article.is_paywalled,
        "word_count": article.word_count,
        "content_hash": content_hash(article.text),
    }


def capture_values(page: FetchedPage) -> dict[str, Any]:
    """The ``raw_pages`` columns of the page's headers and WARC record (migration 0010)."""
    warc = page.warc
    return {"headers": json.dumps([list(pair) for pair in page.headers]) if page.headers is not None else None,
            "warc_file": warc.path if warc else None, "warc_offset": warc.offset if warc else None,
            "warc_length": warc.length if warc else None}


def _check_aware(values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError(f"{name}: naive datetime {value.isoformat()} (must be timezone-aware)")


def _prepare(article: Article, page: FetchedPage) -> _Pending:
    """Column values and compressed page of one article (raises ValueError if invalid)."""
    final_url = page.final_url or article.url
    canonical = canonicalize_url(article.canonical_url or final_url)
    row = {
        "url": final_url,
        "canonical_url": canonical,
        "site": site_of(canonical),
        **article_values(article),
        "fetched_at": page.fetched_at,
    }
    raw = {
        "url": page.url,
        "final_url": final_url,
        "status": page.status,
        "content_type": page.content_type,
        "encoding": page.encoding,
        "fetched_at": page.fetched_at,
        "html_zstd": page.html_zstd if page.html_zstd is not None else compress_html(page.body),
        "size": len(page.body),
        **capture_values(page),
    }
    _check_aware(row)
    _check_aware(raw)
    return _Pending(row, raw)


def upsert(conn: Connection, table: Table, key: str) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE of every other column."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    columns = [c.name for c in table.columns if c.name not in (key, "id")]
    return stmt.on_conflict_do_update(
        index_elements=[key], set_={name: stmt.excluded[name] for name in columns}
    )


class ArchiveWriter:
    """Buffers articles and writes them in batches, one transaction per batch.

    An article already stored under the same canonical URL is rewritten only
    when its text (content hash) or title changed. Aliases (:mod:`archive.aliases`)
    are written in the same transaction, after the batch's articles, which they may repeat.
    """

    def __init__(self, engine: Engine, batch_size: int = 100) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.engine = engine
        self.batch_size = batch_size
        self._buffer: list[_Pending] = []
        self._aliases = AliasBuffer()
        self._totals = BatchResult()

    @property
    def totals(self) -> BatchResult:
        """Cumulative result of every flush so far."""
        return self._totals

    @property
    def pending(self) -> int:
        """Articles and aliases buffered and not yet written (0: everything added so far is
        committed, but for aliases waiting for an article another writer has not committed)."""
        return len(self._buffer) + len(self._aliases)

    def add(self, article: Article, page: FetchedPage) -> BatchResult:
        """Buffer one article; flushes (and returns that flush's result) when the batch is full.

        Raises ValueError (before buffering) for naive datetimes.
        """
        self._buffer.append(_prepare(article, page))
        if self.pending >= self.batch_size:
            return self.flush()
        return BatchResult()

    def add_alias(self, duplicate: Duplicate) -> BatchResult:
        """Buffer the alias of a page that repeats an article (stored, or buffered before it);
        flushes (and returns that flush's result) when the batch is full."""
        self._aliases.add(duplicate)
        if self.pending >= self.batch_size:
            return self.flush()
        return BatchResult()

    def flush(self, final: bool = False) -> BatchResult:
        """Write the buffered articles, then the aliases, in one transaction (kept buffered if it
        fails). Aliases whose article is not in the archive wait for a later flush; the ``final``
        one returns them as orphans."""
        if not self._buffer and not self._aliases.wanted(final):
            return BatchResult()
        now = datetime.now(UTC)
        pending: dict[str, _Pending] = {}
        for item in self._buffer:
            item.row["updated_at"] = now
            pending.pop(item.row["canonical_url"], None)  # the last one wins
            pending[item.row["canonical_url"]] = item
        with self.engine.begin() as conn:
            result = _write_batch(conn, pending) if pending else BatchResult()
            aliases = self._aliases.write(conn, final)
        self._buffer.clear()
        self._aliases.done(aliases)
        result.aliases, result.resolved, result.orphans = aliases.inserted, aliases.resolved, aliases.orphans
        self._totals = self._totals + result
        logger.debug("flushed %s articles: %s new, %s updated, %s unchanged; %s aliases (%s new, %s orphans)",
                     len(pending), result.inserted, result.updated, result.unchanged, len(aliases.resolved),
                     aliases.inserted, len(aliases.orphans))
        return result

    def close(self) -> BatchResult:
        """Flush what is left (aliases whose article is still missing are orphans); the writer
        stays usable."""
        return self.flush(final=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()  # also on error/interrupt: what was crawled so far is kept


def url_lock_keys(urls: Iterable[str]) -> list[int]:
    """Sorted signed 64-bit advisory lock keys of ``urls`` (sorted: concurrent writers cannot deadlock)."""
    return sorted({int.from_bytes(hashlib.sha256(url.encode()).digest()[:8], "big", signed=True) for url in urls})


def _lock_urls(conn: Connection, urls: Iterable[str]) -> None:
    """On PostgreSQL, hold transaction locks on ``urls`` so that a concurrent writer's
    read-compare-write of the same articles waits for ours (SQLite: BEGIN IMMEDIATE does that)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(_PG_LOCK_URLS, {"keys": url_lock_keys(urls)}).all()


def _write_batch(conn: Connection, pending: Mapping[str, _Pending]) -> BatchResult:
    _lock_urls(conn, pending)
    existing = {
        row.canonical_url: (row.content_hash, row.title, row.id)
        for row in conn.execute(
            select(_ARTICLES.c.canonical_url, _ARTICLES.c.content_hash, _ARTICLES.c.title, _ARTICLES.c.id)
            .where(_ARTICLES.c.canonical_url.in_(list(pending)))
        )
    }
    to_write = [
        item for url, item in pending.items()
        if existing.get(url, (None, None))[:2] != (item.row["content_hash"], item.row["title"])
    ]
    result = BatchResult(
        inserted=sum(1 for item in to_write if item.row["canonical_url"] not in existing),
        unchanged=len(pending) - len(to_write),
    )
    result.updated = len(to_write) - result.inserted
    for url, (_, _, article_id) in existing.items():
        result.outcomes[url] = ("unchanged", article_id)
    if not to_write:
        return result
    keep_current_texts(conn, [existing[item.row["canonical_url"]][2] for item in to_write
                              if item.row["canonical_url"] in existing])
    returned = conn.execute(
        upsert(conn, _ARTICLES, "canonical_url").returning(
            _ARTICLES.c.id, _ARTICLES.c.canonical_url
        ),
        [item.row for item in to_write],
    )
    ids = {row.canonical_url: row.id for row in returned}
    pages = [{"article_id": ids[item.row["canonical_url"]], **item.page} for item in to_write]
    conn.execute(upsert(conn, _RAW_PAGES, "article_id"), pages)
    for item in to_write:
        url = item.row["canonical_url"]
        result.outcomes[url] = ("updated" if url in existing else "inserted", ids[url])
    forget_aliases(conn, [url for url, (outcome, _) in result.outcomes.items() if outcome == "inserted"])
    add_versions(conn, [(ids[item.row["canonical_url"]], item.row) for item in to_write])
    return result


def keep_current_texts(conn: Connection, article_ids: list[int]) -> None:
    """Copy the current text of these articles into their latest version, where that
    version shares it (text NULL). Call before replacing an article's text."""
    if not article_ids:
        return
    current = (
        select(_ARTICLES.c.text).where(_ARTICLES.c.id == _VERSIONS.c.article_id).scalar_subquery()
    )
    conn.execute(
        update(_VERSIONS)
        .where(_VERSIONS.c.article_id.in_(article_ids), _VERSIONS.c.text.is_(None))
        .values(text=current)
    )


def add_versions(conn: Connection, written: list[tuple[int, dict[str, Any]]]) -> None:
    """A new version row for each inserted or changed article (all versions are kept).

    ``written`` pairs an article id with its new column values (``fetched_at``,
    ``title``, ``text``, ``content_hash``). The new version shares the article's
    text (NULL), so call :func:`keep_current_texts` before the article is updated.
    """
    stmt = (
        select(_VERSIONS.c.article_id, func.max(_VERSIONS.c.version).label("version"))
        .where(_VERSIONS.c.article_id.in_([article_id for article_id, _ in written]))
        .group_by(_VERSIONS.c.article_id)
    )
    latest = {row.article_id: int(row.version) for row in conn.execute(stmt)}
    conn.execute(insert(_VERSIONS), [
        {"article_id": article_id, "version": latest.get(article_id, 0) + 1, "fetched_at": row["fetched_at"],
         "title": row["title"], "text": None, "content_hash": row["content_hash"]}
        for article_id, row in written
    ])


_OWNER = (select(_ARTICLES.c.canonical_url).where(_ARTICLES.c.content_hash == bindparam("body_hash"))
          .order_by(_ARTICLES.c.id).limit(1))


def stored_owner(conn: Connection, body_hash: str) -> str | None:
    """The canonical URL of the oldest stored article whose content hash is ``body_hash``
    (an indexed lookup), or None. Ends its read transaction, so a connection kept for a
    whole crawl sees each new commit and holds no snapshot between calls (~80 us a call;
    building the statement each time cost 300)."""
    try:
        return conn.execute(_OWNER, {"body_hash": body_hash}).scalar()
    finally:
        conn.rollback()


# --- runs -------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    """``value`` converted to something ``json.dumps`` accepts (datetimes as ISO 8601)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def start_run(engine: Engine, command: str, args: dict[str, Any]) -> int:
    """Record the start of a run of ``command``; returns the run id."""
    values = {
        "started_at": datetime.now(UTC),
        "status": "running",
        "command": command,
        "args": json_safe(args),
        "stats": {},
        "articles_new": 0,
        "articles_updated": 0,
    }
    with engine.begin() as conn:
        run_id = conn.execute(insert(_RUNS).values(values).returning(_RUNS.c.id)).scalar_one()
    return int(run_id)


def finish_run(
    engine: Engine, run_id: int, status: str, stats: dict[str, Any], new: int, updated: int,
    sites: dict[str, Any] | None = None,
) -> None:
    """Record the end of run ``run_id`` with its final status, stats and per-site counts."""
    values = {
        "finished_at": datetime.now(UTC),
        "status": status,
        "stats": json_safe(stats),
        "articles_new": new,
        "articles_updated": updated,
    }
    if sites is not None:
        values["sites"] = json_safe(sites)
    with engine.begin() as conn:
        conn.execute(update(_RUNS).where(_RUNS.c.id == run_id).values(values))


def set_run_status(engine: Engine, run_id: int, status: str, extra: dict[str, Any] | None = None) -> None:
    """Overwrite a finished run's status (e.g. "partial" once the caller knows some sites failed)."""
    values: dict[str, Any] = {"status": status}
    with engine.begin() as conn:
        if extra:
            stats = conn.execute(select(_RUNS.c.stats).where(_RUNS.c.id == run_id)).scalar_one_or_none() or {}
            values["stats"] = json_safe({**stats, **extra})
        conn.execute(update(_RUNS).where(_RUNS.c.id == run_id).values(values))
