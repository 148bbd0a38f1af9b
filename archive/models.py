"""ORM models of the archive (SQLAlchemy 2 typed declarative style).

The FTS5 index ``articles_fts`` and its sync triggers are not mapped here: they
are created with raw SQL by the initial migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (JSON, TIMESTAMP, BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        Table, Text, UniqueConstraint, text)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from archive.article import StoredArticle

UTC_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def to_utc_text(value: datetime) -> str:
    """Format an aware datetime as sortable UTC text; naive datetimes raise ValueError."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} (pass a timezone-aware datetime)")
    return value.astimezone(UTC).strftime(UTC_FORMAT)


def from_utc_text(value: str) -> datetime:
    """Parse text written by :func:`to_utc_text` (or any ISO 8601) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC ISO 8601 TEXT ``YYYY-MM-DDTHH:MM:SS+00:00``.

    The fixed format sorts and compares correctly as text and reads well in
    Datasette/sqlite-utils. Sub-second precision is dropped. On PostgreSQL the
    column is a real ``timestamptz`` (same values, also to the second).
    """

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | datetime | None:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return from_utc_text(to_utc_text(value))
        return to_utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(UTC)
        return from_utc_text(str(value))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_site_published_at", "site", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    site: Mapped[str] = mapped_column(Text, index=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON)
    credit: Mapped[str | None] = mapped_column(Text)  # a byline naming no person (migration 0008)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    site_name: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    language: Mapped[str | None] = mapped_column(Text, index=True)
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    markdown: Mapped[str | None] = mapped_column(Text)
    date_source: Mapped[str | None] = mapped_column(Text)
    title_source: Mapped[str | None] = mapped_column(Text)
    is_paywalled: Mapped[bool | None] = mapped_column(Boolean)
    word_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(Text, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_stored(self) -> StoredArticle:
        """This row as the package-neutral :class:`StoredArticle` dataclass."""
        return stored_from_mapping({name: getattr(self, name) for name in _STORED_COLUMNS})


_STORED_COLUMNS = (
    "url", "title", "text", "canonical_url", "authors", "credit", "published_at", "modified_at", "site_name",
    "section", "tags", "language", "description", "image_url", "markdown", "date_source",
    "title_source", "is_paywalled", "id", "fetched_at", "content_hash", "word_count", "site",
)


def stored_from_mapping(row: Mapping[str, Any]) -> StoredArticle:
    """A :class:`StoredArticle` from an ``articles`` row (ORM ``__dict__`` or Core mapping)."""
    return StoredArticle(
        url=row["url"],
        title=row["title"],
        text=row["text"],
        canonical_url=row["canonical_url"],
        authors=list(row["authors"] or []),
        credit=row["credit"],
        published_at=row["published_at"],
        modified_at=row["modified_at"],
        site_name=row["site_name"],
        section=row["section"],
        tags=list(row["tags"] or []),
        language=row["language"],
        description=row["description"],
        image_url=row["image_url"],
        markdown=row["markdown"] or "",
        date_source=row["date_source"],
        title_source=row["title_source"],
        is_paywalled=row["is_paywalled"],
        id=row["id"],
        fetched_at=row["fetched_at"],
        content_hash=row["content_hash"],
        stored_word_count=row["word_count"],
        site=row["site"],
    )


class RawPage(Base):
    """The latest raw HTTP response of an article, zstd-compressed, for re-extraction."""

    __tablename__ = "raw_pages"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    html_zstd: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    # The response headers as received, JSON [[name, value], ...] (migration 0010; NULL before it),
    # and the WARC record holding the page's bytes (NULL: the crawl wrote no WARC; docs/warc.md).
    headers: Mapped[str | None] = mapped_column(Text)
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)


class Run(Base):
    """One invocation of a command that writes to the archive (crawl, reextract...)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(Text)
    command: Mapped[str] = mapped_column(Text)
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    sites: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # site -> {counter: n}, see newscrawler.extensions.sitestats


class UrlState(Base):
    """Every URL a crawl has seen: what it was, when it was fetched, when to look again."""

    __tablename__ = "urls"
    # Partial: only the rows of a crawl still running (or killed) are in it.
    __table_args__ = (Index("ix_urls_pending", "pending", sqlite_where=text("pending IS NOT NULL"),
                            postgresql_where=text("pending IS NOT NULL")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical
    site: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(Text)  # article | not_article | listing | discovery | failed
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_fetched: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never again (unless --revisit)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    article_id: Mapped[int | None] = mapped_column(Integer)
    # Why the page is not an article of its own: "not_article:<reason>", "dropped:<reason>",
    # "duplicate_body" (article_id: the article it repeats)...; NULL for an archived article.
    reason: Mapped[str | None] = mapped_column(Text)
    # The token of the crawl that wrote this row and had not settled it yet (NULL: settled).
    # Readers take such a row as untrusted: see archive.state.untrusted.
    pending: Mapped[int | None] = mapped_column(BigInteger)
    # when its latest failure happened (None: never failed): "failed URLs of the last run"
    last_failed: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleVersion(Base):
    """Every distinct (title, text) an article has had; version 1 is the first fetch."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(Text)
    # NULL: the article's current text (only the latest version; see migration 0004).
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_hash: Mapped[str] = mapped_column(Text)


# Core views of the mapped tables, for bulk statements.
articles_table: Table = ArticleRow.__table__  # type: ignore[assignment]
raw_pages_table: Table = RawPage.__table__  # type: ignore[assignment]
runs_table: Table = Run.__table__  # type: ignore[assignment]
urls_table: Table = UrlState.__table__  # type: ignore[assignment]
versions_table: Table = ArticleVersion.__table__  # type: ignore[assignment]


class Alias(Base):
    """A URL whose page repeats a stored article (same body under another canonical URL, or
    another URL of an article already taken): kept so that nothing a crawl fetched vanishes.

    ``reason``: ``duplicate_body`` or ``same_canonical``. A later crawl that meets the URL again
    refreshes ``last_seen`` (and the article, should the copy now repeat another one).
    """

    __tablename__ = "aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # canonical
    site: Mapped[str] = mapped_column(Text)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)


aliases_table: Table = Alias.__table__  # type: ignore[assignment]
