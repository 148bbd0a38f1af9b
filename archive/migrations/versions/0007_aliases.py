"""URLs that repeat a stored article are kept as its aliases.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

``aliases``: one row per canonical URL whose page repeated an article stored under
another canonical URL (``duplicate_body``) or declared the canonical URL of an
article already taken (``same_canonical``), with the article's id (deleted with
the article), so that ``show``, ``history`` and ``export --include-duplicates``
can find it. A new table: nothing else is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str) -> sa.Column:
    """A timestamp column: UTC ISO text on SQLite, timestamptz elsewhere (as in 0001)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    kind: sa.types.TypeEngine = sa.Text() if sqlite else sa.TIMESTAMP(timezone=True)
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _time("first_seen"),
        _time("last_seen"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_aliases_article_id_articles",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_aliases"),
        sa.UniqueConstraint("url", name="uq_aliases_url"),
    )
    op.create_index("ix_aliases_article_id", "aliases", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_aliases_article_id", table_name="aliases")
    op.drop_table("aliases")
