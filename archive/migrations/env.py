"""Alembic environment for the archive.

:mod:`archive.engine` builds the Alembic ``Config`` in code and passes a live
connection in ``config.attributes["connection"]`` (the "sharing a connection"
recipe), so no alembic.ini is needed. Running ``alembic`` by hand also works
with ``-x url=sqlite:///path/news.sqlite3`` or ``sqlalchemy.url`` set.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from archive.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Keep the raw-SQL FTS5 tables (and their shadow tables) out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith("articles_fts"))


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        version_table="alembic_version",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    shared = config.attributes.get("connection")
    if shared is not None:
        run_with(shared)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        run_with(connection)


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported for the archive")
run_online()
