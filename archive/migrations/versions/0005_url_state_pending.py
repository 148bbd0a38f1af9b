"""URL states written by a crawl that has not settled them are marked.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

``urls.pending`` holds a token of the crawl that wrote the row before the crawl
settled it (NULL once settled). A crawl writes its URL states as it goes, marked,
and unmarks them with one ``UPDATE`` at its end, instead of keeping every state
it wrote in memory to write it again; a reader takes a marked row written by
another crawl as untrusted (see :func:`archive.state.untrusted`). A plain
``ADD COLUMN`` and a partial index: no table rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKED = "pending IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.add_column(sa.Column("pending", sa.BigInteger(), nullable=True))
    op.create_index("ix_urls_pending", "urls", ["pending"], sqlite_where=sa.text(MARKED),
                    postgresql_where=sa.text(MARKED))


def downgrade() -> None:
    op.drop_index("ix_urls_pending", table_name="urls")
    with op.batch_alter_table("urls") as batch:
        batch.drop_column("pending")
