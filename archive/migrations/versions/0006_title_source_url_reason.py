"""Articles record where their title came from; URL states record why a page was not archived.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

``articles.title_source``: jsonld, og, twitter, h1, title or text (like
``date_source``). ``urls.reason``: the decision about a fetched URL that did not
become an article of its own (``not_article:listing_url``, ``dropped:too_short``,
``duplicate_body``...), so that ``runs`` and ``explain`` can say what became of it.
Plain ``ADD COLUMN`` (no table rebuild): existing rows get NULLs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("title_source", sa.Text(), nullable=True))
    op.add_column("urls", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.drop_column("reason")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("title_source")
