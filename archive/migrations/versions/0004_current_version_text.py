"""The current version of an article no longer copies its text.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

``article_versions.text`` becomes nullable. NULL means "the article's current
text": only the latest version of an article may hold it, and the writer copies
``articles.text`` into it before the article's text is replaced (see
:func:`archive.store.keep_current_texts`). This saves one copy of every
article's text (about a third of a SQLite archive). Existing latest versions
equal to their article's text are set to NULL; run ``VACUUM`` to give the space back
to the file system.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARE_LATEST = (
    "UPDATE article_versions SET text = NULL "
    "WHERE version = (SELECT max(v.version) FROM article_versions v "
    "                 WHERE v.article_id = article_versions.article_id) "
    "AND text = (SELECT a.text FROM articles a WHERE a.id = article_versions.article_id)"
)
COPY_BACK = (
    "UPDATE article_versions SET text = "
    "(SELECT a.text FROM articles a WHERE a.id = article_versions.article_id) WHERE text IS NULL"
)


def upgrade() -> None:
    with op.batch_alter_table("article_versions") as batch:
        batch.alter_column("text", existing_type=sa.Text(), nullable=True)
    op.execute(SHARE_LATEST)


def downgrade() -> None:
    op.execute(COPY_BACK)
    with op.batch_alter_table("article_versions") as batch:
        batch.alter_column("text", existing_type=sa.Text(), nullable=False)
