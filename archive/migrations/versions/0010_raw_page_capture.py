"""Raw pages keep their response headers and where their WARC capture is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

``raw_pages.headers``: the article's HTTP response headers as received, a JSON list of
``[name, value]`` pairs in the order received (NULL for pages stored before this change).
``raw_pages.warc_file``, ``warc_offset``, ``warc_length``: the WARC file (absolute path)
and the offset and length of the gzip member of the record that holds the page's bytes,
when the crawl wrote WARC files (``crawl --warc DIR``); NULL otherwise (see docs/warc.md).
Plain ``ADD COLUMN``: existing rows get NULLs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("headers", sa.Text()), ("warc_file", sa.Text()), ("warc_offset", sa.BigInteger()),
            ("warc_length", sa.BigInteger()))


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("raw_pages", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(_COLUMNS):
        op.drop_column("raw_pages", name)
