"""One writer crawl per PostgreSQL archive: a session-level ``pg_advisory_lock``.

The lock lives on a dedicated connection held for the whole crawl; the server
releases it when that connection ends, so a killed crawl (``kill -9``) never
leaves a stale lock behind. The key is derived from the database name, so two
crawls into the same database exclude each other. The holder is told apart
by the ``application_name`` of its connection (client PID, host, start time).
Workers of one shared frontier take the lock shared (``pg_try_advisory_lock_shared``).
"""

from __future__ import annotations

import hashlib
import os
import socket
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from archive.engine import describe_db, resolve_db_url, sqlite_file
from archive.errors import ArchiveError
from archive.lock import ArchiveLock, ArchiveLocked

APP_PREFIX = "newscrawler"
_HOLDER = text(
    "SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
    "(SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND l.classid = :hi AND l.objid = :lo LIMIT 1"
)


def lock_key(database: str) -> int:
    """A signed 64-bit advisory lock key for the archive in ``database``."""
    digest = hashlib.sha256(f"newscrawler-crawl:{database}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _holder(conn: Connection, key: int) -> dict[str, Any]:
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    row = conn.execute(_HOLDER, {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}).first()
    if row is None:
        return {}
    holder: dict[str, Any] = {}
    parts = str(row.application_name or "").split()
    if parts[:1] == [APP_PREFIX]:
        holder.update(part.split("=", 1) for part in parts[1:] if "=" in part)
    if row.backend_start is not None and "started" not in holder:
        holder["started"] = row.backend_start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return holder


class PgAdvisoryLock:
    """``with PgAdvisoryLock(url):`` holds the crawl lock of the PostgreSQL archive ``url``."""

    def __init__(self, url: str, command: str = "crawl", shared: bool = False) -> None:
        self.url = url
        self.shared = shared
        self.label = describe_db(url)
        self.key = lock_key(make_url(url).database or "")
        self.command = command
        self.stale: dict[str, Any] | None = None  # never: the server drops a dead holder's lock
        self._engine: Engine | None = None
        self._conn: Connection | None = None

    @property
    def _suffix(self) -> str:
        return "_shared" if self.shared else ""

    def _application_name(self) -> str:
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{APP_PREFIX} pid={os.getpid()} host={socket.gethostname()} started={started}"[:63]

    def acquire(self) -> Self:
        engine = create_engine(self.url, poolclass=NullPool,
                               connect_args={"application_name": self._application_name()})
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            engine.dispose()
            message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise ArchiveError(f"cannot lock archive {self.label}: {message}") from exc
        conn.execution_options(isolation_level="AUTOCOMMIT")
        if not conn.execute(text(f"SELECT pg_try_advisory_lock{self._suffix}(CAST(:key AS bigint))"),
                            {"key": self.key}).scalar():
            holder = _holder(conn, self.key)
            conn.close()
            engine.dispose()
            raise ArchiveLocked(self.label, holder)
        self._engine, self._conn = engine, conn
        return self

    def release(self) -> None:
        if self._conn is None or self._engine is None:
            return
        try:
            self._conn.execute(text(f"SELECT pg_advisory_unlock{self._suffix}(CAST(:key AS bigint))"),
                               {"key": self.key})
        finally:
            self._conn.close()
            self._engine.dispose()
            self._conn = self._engine = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def crawl_lock(db: str | None, command: str = "crawl", shared: bool = False) -> ArchiveLock | PgAdvisoryLock | None:
    """The crawl lock of archive ``db``: a file lock for SQLite, an advisory lock for PostgreSQL, else None.

    ``shared``: the lock of a frontier worker, held together with other workers."""
    path = sqlite_file(db)
    if path:
        return ArchiveLock(path, command, shared)
    url = resolve_db_url(db)
    if make_url(url).get_backend_name() == "postgresql":
        return PgAdvisoryLock(url, command, shared)
    return None
