"""URL states keep when their latest failure happened.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

``urls.last_failed``: the time of the URL's latest failed request (an HTTP error, a
timeout, a refused connection), kept after a later success so that "what failed in
the last run" is a query over one column (the ``failed_urls_of_last_run`` canned
query of ``newscrawler serve``). Plain ``ADD COLUMN``: existing rows get NULLs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a timestamp as in 0003: UTC ISO text on SQLite, timestamptz elsewhere
    sqlite = op.get_bind().dialect.name == "sqlite"
    kind: sa.types.TypeEngine = sa.Text() if sqlite else sa.TIMESTAMP(timezone=True)
    op.add_column("urls", sa.Column("last_failed", kind, nullable=True))


def downgrade() -> None:
    op.drop_column("urls", "last_failed")
