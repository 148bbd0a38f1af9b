"""Opening the archive: database URL resolution, SQLite tuning and migrations.

Writers get WAL mode and run pending Alembic migrations on open; readers open
the file read-only and refuse an archive whose schema is not current. A
PostgreSQL archive (``postgresql+psycopg://...``) runs the same migrations,
serialized between concurrent writers by a transaction-level advisory lock,
and its readers connect with ``default_transaction_read_only=on``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import QueuePool

from archive.errors import ArchiveError
from archive.storage_faults import max_pages_pragma, reader_uri, translate_errors

logger = logging.getLogger(__name__)

DEFAULT_DB = "news.sqlite3"
ENV_VAR = "NEWSCRAWLER_DB"
MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")
BUSY_TIMEOUT_MS = 30000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_WRITER_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
_READER_PRAGMAS = ("PRAGMA query_only=ON", f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
_PG_READONLY = {"options": "-c default_transaction_read_only=on"}
MIGRATION_LOCK_KEY = 0x6E657773_6D696772  # "newsmigr": pg_advisory_xact_lock key of migrations


def resolve_db_url(db: str | None) -> str:
    """SQLAlchemy URL for ``db``: a URL as is, a file path, or $NEWSCRAWLER_DB / news.sqlite3."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in value:
        return value
    return "sqlite:///" + os.path.abspath(os.path.expanduser(value))


def _sqlite_path(url: str) -> str | None:
    """The file path of an SQLite URL, ":memory:" for in-memory, None for other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or ":memory:"


def sqlite_file(db: str | None) -> str | None:
    """The file path of an SQLite archive ``db``; None for in-memory or other backends."""
    path = _sqlite_path(resolve_db_url(db))
    return None if path in (None, ":memory:") or path.startswith("file:") else path


def describe_db(db: str | None) -> str:
    """A human label for ``db``: the file path for SQLite, the masked URL otherwise."""
    url = resolve_db_url(db)
    path = _sqlite_path(url)
    if path is not None:
        return path
    return make_url(url).render_as_string(hide_password=True)


def _label(engine: Engine) -> str:
    return describe_db(engine.url.render_as_string(hide_password=False))


def _check_writable_sqlite(path: str) -> None:
    file = Path(path)
    directory = file.parent
    if not directory.exists():
        raise ArchiveError(f"cannot create archive {path}: directory {directory} does not exist")
    if not directory.is_dir():
        raise ArchiveError(f"cannot create archive {path}: {directory} is not a directory")
    if file.is_dir():
        raise ArchiveError(f"cannot open archive {path}: it is a directory")
    if file.exists():
        _check_sqlite_header(path)
        if not os.access(file, os.W_OK):
            raise ArchiveError(f"cannot write archive {path}: permission denied (read-only?)")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ArchiveError(
            f"cannot write archive {path}: directory {directory} is not writable (read-only?)"
        )


def _check_sqlite_header(path: str) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc.strerror or exc}") from exc
    if head and head != _SQLITE_MAGIC:
        raise ArchiveError(f"{path} is not an SQLite database")


def _install_sqlite_hooks(engine: Engine, pragmas: tuple[str, ...], begin: str) -> None:
    """Run ``pragmas`` on every new connection and let SQLAlchemy emit BEGIN itself.

    pysqlite's legacy transaction handling never BEGINs before a SELECT, so a
    read-then-write batch would not be atomic; we disable it (the documented
    recipe) and emit ``begin`` (BEGIN IMMEDIATE for writers) ourselves.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)


def _wrap_db_error(path: str, exc: DatabaseError) -> ArchiveError:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    message = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    if "not a database" in message or "file is encrypted" in message:
        return ArchiveError(f"{path} is not an SQLite database")
    if "readonly" in message or "read-only" in message:
        return ArchiveError(f"cannot write archive {path}: {message}")
    return ArchiveError(f"cannot open archive {path}: {message}")


@contextmanager
def _db_errors(path: str) -> Iterator[None]:
    try:
        yield
    except (OperationalError, DatabaseError) as exc:
        raise _wrap_db_error(path, exc) from exc


# --- migrations -----------------------------------------------------------------


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    return config


@lru_cache(maxsize=8)
def _script_info(script_location: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(heads, all revision ids) of the migration scripts; parsed once per process."""
    config = Config()
    config.set_main_option("script_location", script_location)
    script = ScriptDirectory.from_config(config)
    revisions = frozenset(s.revision for s in script.walk_revisions())
    return tuple(script.get_heads()), revisions


def head_revision() -> str:
    """The newest schema revision known to this code."""
    heads = _script_info(MIGRATIONS_DIR)[0]
    if len(heads) != 1:
        raise ArchiveError(f"archive migrations in {MIGRATIONS_DIR} have {len(heads)} heads")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the archive, None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _check_known(label: str, revision: str | None) -> None:
    if revision is not None and revision not in _script_info(MIGRATIONS_DIR)[1]:
        raise ArchiveError(
            f"archive {label} has schema revision {revision}, unknown to this version "
            "of newscrawler (upgrade newscrawler)"
        )


def _migrate(engine: Engine) -> None:
    """Upgrade the schema to head unless it is already there (cheap check first)."""
    label = _label(engine)
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    _check_known(label, current)
    logger.info("migrating archive %s from %s to %s", label, current or "empty", head)
    config = _alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        is_sqlite = engine.dialect.name == "sqlite" and raw is not None
        if is_sqlite:  # batch table rebuilds must not fire ON DELETE CASCADE
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":  # one migrating writer at a time
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
                    if MigrationContext.configure(conn).get_current_revision() == head:
                        return
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if is_sqlite:
                    _check_foreign_keys(conn, label)
        finally:
            if is_sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(conn: Connection, label: str) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ArchiveError(f"migrating archive {label} broke {len(broken)} foreign keys")


def upgrade_archive(db: str | None) -> None:
    """Bring the schema of ``db`` to the latest revision (creating the archive if needed)."""
    open_archive(db).dispose()


# --- opening ----------------------------------------------------------------------


def _open_writer(url: str, path: str | None) -> Engine:
    if path is not None and path != ":memory:":
        _check_writable_sqlite(path)
    engine = create_engine(url)
    if path is not None:
        _install_sqlite_hooks(engine, _WRITER_PRAGMAS + max_pages_pragma(), "BEGIN IMMEDIATE")
        translate_errors(engine, path)
    try:
        with _db_errors(path or describe_db(url)):
            _migrate(engine)
    except ArchiveError:
        engine.dispose()
        raise
    return engine


def _open_reader(url: str, path: str | None) -> Engine:
    if path is None:
        readonly = make_url(url).get_backend_name() == "postgresql"
        engine = create_engine(url, connect_args=_PG_READONLY if readonly else {})
    else:
        engine = _sqlite_reader_engine(path)
    label = path or describe_db(url)
    try:
        with _db_errors(label):
            revision = current_revision(engine)
        if revision is None or revision != head_revision():
            _check_known(label, revision)
            raise ArchiveError(f"archive {label} needs an upgrade: run 'newscrawler migrate'")
    except ArchiveError:
        engine.dispose()
        raise
    return engine


def _sqlite_reader_engine(path: str) -> Engine:
    file = Path(path)
    if not file.is_file():
        raise ArchiveError(f"no archive at {path}; run 'newscrawler crawl' first")
    _check_sqlite_header(path)
    uri = reader_uri(path)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine(f"sqlite:///{path}", creator=connect, poolclass=QueuePool)
    _install_sqlite_hooks(engine, _READER_PRAGMAS, "BEGIN")
    translate_errors(engine, path)
    return engine


def open_archive(db: str | None, *, readonly: bool = False) -> Engine:
    """Open the archive ``db`` (see :func:`resolve_db_url`) and return its Engine.

    A writer creates the file if needed, enables WAL and migrates the schema to
    head. A reader (``readonly=True``) needs an existing, current archive and
    refuses every write. Problems raise :class:`ArchiveError`.
    """
    url = resolve_db_url(db)
    path = _sqlite_path(url)
    if readonly:
        return _open_reader(url, path)
    return _open_writer(url, path)
