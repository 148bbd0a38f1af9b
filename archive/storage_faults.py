"""Storage faults of an SQLite archive, turned into one-line errors that name the file.

SQLite reports a full disk, a corrupt file, an I/O error, a read-only file or a
lock held too long as exceptions deep inside a query. :func:`translate_errors`
hooks an engine so that these surface as :class:`ArchiveError` with the path and
a hint, wherever they happen (opening, reading, writing); query errors of the
caller's own making (a bad full-text query) are left alone.

``NEWSCRAWLER_SQLITE_MAX_PAGES`` caps the archive file at that many pages on
every writer connection (``PRAGMA max_page_count``): a quota, and how the tests
make the disk "full" reliably.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from archive.errors import ArchiveError

MAX_PAGES_ENV = "NEWSCRAWLER_SQLITE_MAX_PAGES"

# SQLite message fragment -> what to tell the user about the archive at {path}.
_FAULTS = (
    ("database or disk is full", "cannot write archive {path}: the disk is full (or the archive reached its "
                                 "size limit); articles saved so far are kept"),
    ("disk image is malformed", "archive {path} is corrupt ({message}); restore a backup or try "
                                "'sqlite3 {path} .recover'"),
    # A damaged page whose bytes still parse as a row: its text is not UTF-8 (the bytes are not quoted).
    ("Could not decode to UTF-8", "archive {path} is corrupt ({message}); restore a backup or try "
                                  "'sqlite3 {path} .recover'"),
    ("vtable constructor failed", "archive {path} is corrupt ({message}: its full-text index); restore a "
                                  "backup or try 'sqlite3 {path} .recover'"),
    ("file is not a database", "{path} is not an SQLite database"),
    ("file is encrypted", "{path} is not an SQLite database"),
    ("disk I/O error", "cannot read or write archive {path}: disk I/O error"),
    ("readonly database", "cannot write archive {path}: {message} (read-only file or directory?)"),
    ("unable to open database file", "cannot open archive {path}: {message}"),
    ("database is locked", "archive {path} stayed locked by another writer for too long ({message})"),
)


def storage_error(path: str, message: str) -> ArchiveError | None:
    """The ArchiveError for an SQLite ``message`` that is a storage fault, None for others."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    first = first.split(" with text ", 1)[0]  # sqlite3 quotes undecodable bytes: garbage on a terminal
    for fragment, template in _FAULTS:
        if fragment in first:
            return ArchiveError(template.format(path=path, message=first))
    return None


def translate_errors(engine: Engine, path: str) -> None:
    """Raise storage faults of ``engine`` (an SQLite archive at ``path``) as ArchiveError."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        original = context.original_exception
        if original is None or isinstance(original, ArchiveError):
            return
        error = storage_error(path, str(original))
        if error is not None:
            raise error from context.sqlalchemy_exception or original


def max_pages_pragma() -> tuple[str, ...]:
    """``PRAGMA max_page_count=N`` when $NEWSCRAWLER_SQLITE_MAX_PAGES is set (a positive integer)."""
    value = os.environ.get(MAX_PAGES_ENV, "").strip()
    if not value:
        return ()
    if not value.isdigit() or int(value) < 1:
        raise ArchiveError(f"{MAX_PAGES_ENV}={value!r} is not a positive number of pages")
    return (f"PRAGMA max_page_count={int(value)}",)


def reader_uri(path: str) -> str:
    """The SQLite URI a reader opens ``path`` with: read-only, and immutable when it has to be.

    A WAL archive needs its ``-shm`` file, which a reader creates if it is missing. In a
    directory we cannot write to, with no ``-wal`` file (so no writer has it open and the
    file holds every commit), the file is opened as immutable instead of failing.
    """
    file = Path(path).resolve()
    uri = f"file:{quote(str(file))}?mode=ro"
    wal, shm = Path(f"{file}-wal"), Path(f"{file}-shm")
    if not wal.exists() and not shm.exists() and not os.access(file.parent, os.W_OK | os.X_OK):
        uri += "&immutable=1"
    return uri
