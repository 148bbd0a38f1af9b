"""Articles keep a Markdown body, where their date came from, and a paywall flag.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Plain ``ADD COLUMN`` (no table rebuild), so the FTS triggers stay as they are.
Existing rows get NULLs until ``newscrawler reextract`` fills them in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: dict[str, type[sa.types.TypeEngine]] = {
    "markdown": sa.Text,
    "date_source": sa.Text,
    "is_paywalled": sa.Boolean,
}


def upgrade() -> None:
    for name, kind in COLUMNS.items():
        op.add_column("articles", sa.Column(name, kind(), nullable=True))


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column("articles", name)
