"""URL state for incremental crawls, article versions, per-site run counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

New tables and a plain ``ADD COLUMN`` on ``runs`` (no table rebuild, so the FTS
triggers of ``articles`` are untouched). Every stored article gets its first
version from its current row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool = True) -> sa.Column:
    """A timestamp column: UTC ISO text on SQLite, timestamptz elsewhere (as in 0001)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    kind: sa.types.TypeEngine = sa.Text() if sqlite else sa.TIMESTAMP(timezone=True)
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        _time("first_seen", False),
        _time("last_fetched", True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        _time("published_at", True),
        _time("next_check", True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_urls"),
        sa.UniqueConstraint("url", name="uq_urls_url"),
    )
    op.create_index("ix_urls_site", "urls", ["site"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("fetched_at", False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_article_versions_article_id_articles",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_article_versions"),
        sa.UniqueConstraint("article_id", "version", name="uq_article_versions_article_id_version"),
    )
    op.add_column("runs", sa.Column("sites", sa.JSON(), nullable=True))
    op.execute(
        "INSERT INTO article_versions (article_id, version, fetched_at, title, text, content_hash) "
        "SELECT id, 1, fetched_at, title, text, content_hash FROM articles"
    )


def downgrade() -> None:
    op.drop_column("runs", "sites")
    op.drop_table("article_versions")
    op.drop_index("ix_urls_site", table_name="urls")
    op.drop_table("urls")
