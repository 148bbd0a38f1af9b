"""Initial schema: articles, raw_pages, runs and the full-text index.

On SQLite the index is the ``articles_fts`` FTS5 table kept in sync by
triggers; on PostgreSQL it is the generated ``tsvector`` column
``articles.fts`` (title weight A, text weight B) with a GIN index, and the
timestamp columns are ``timestamptz`` instead of UTC ISO text.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Note for later revisions: a batch ("move and copy") alteration of ``articles``
on SQLite drops the table's triggers, so such a revision must re-run
``FTS_TRIGGERS`` (copied into it) and then ``FTS_REBUILD``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    'title, text, content="articles", content_rowid="id", '
    'tokenize="unicode61 remove_diacritics 2")'
)
FTS_TRIGGERS = [
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
]
FTS_REBUILD = "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"
PG_FTS_COLUMN = (
    "ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(text, '')), 'B')) STORED"
)
PG_FTS_INDEX = "CREATE INDEX ix_articles_fts ON articles USING gin (fts)"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _time(name: str, nullable: bool = True) -> sa.Column:
    """A timestamp column: UTC ISO text on SQLite, timestamptz elsewhere."""
    kind: sa.types.TypeEngine = sa.Text() if _is_sqlite() else sa.TIMESTAMP(timezone=True)
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _create_articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("url", False),
        _text("canonical_url", False),
        _text("site", False),
        _text("title", False),
        sa.Column("authors", sa.JSON(), nullable=False),
        _time("published_at"),
        _time("modified_at"),
        _text("site_name"),
        _text("section"),
        sa.Column("tags", sa.JSON(), nullable=False),
        _text("language"),
        _text("description"),
        _text("image_url"),
        _text("text", False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        _text("content_hash", False),
        _time("fetched_at", False),
        _time("updated_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("canonical_url", name="uq_articles_canonical_url"),
    )
    for name, cols in {
        "ix_articles_site": ["site"],
        "ix_articles_published_at": ["published_at"],
        "ix_articles_language": ["language"],
        "ix_articles_content_hash": ["content_hash"],
        "ix_articles_site_published_at": ["site", "published_at"],
    }.items():
        op.create_index(name, "articles", cols)


def _create_raw_pages() -> None:
    op.create_table(
        "raw_pages",
        sa.Column("article_id", sa.Integer(), nullable=False),
        _text("url", False),
        _text("final_url", False),
        sa.Column("status", sa.Integer(), nullable=False),
        _text("content_type"),
        _text("encoding"),
        _time("fetched_at", False),
        sa.Column("html_zstd", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"],
            name="fk_raw_pages_article_id_articles", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_raw_pages"),
    )


def _create_runs() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("started_at", False),
        _time("finished_at"),
        _text("status", False),
        _text("command", False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )


def upgrade() -> None:
    _create_articles()
    _create_raw_pages()
    _create_runs()
    if not _is_sqlite():
        op.execute(PG_FTS_COLUMN)
        op.execute(PG_FTS_INDEX)
        return
    op.execute(FTS_TABLE)
    for trigger in FTS_TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if not _is_sqlite():
        for table in ("runs", "raw_pages", "articles"):
            op.drop_table(table)
        return
    for trigger in ("articles_fts_au", "articles_fts_ad", "articles_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("runs")
    op.drop_table("raw_pages")
    op.drop_table("articles")
