"""Articles keep their generic byline: the credit of a page that names no person.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

``articles.credit``: a byline that names only a desk or the staff ("By Staff Writer",
"Newsdesk", "CNBC.com staff"), as the page writes it, when the article has no
``authors``; NULL otherwise. Article versions copy only title and text, so they
do not get it. Plain ``ADD COLUMN`` (no table rebuild): existing rows get NULLs
until ``newscrawler reextract`` (or a changed page on a revisit) fills them in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("credit", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "credit")  # native DROP COLUMN: no rebuild, the FTS triggers stay
