"""Backlog entries beyond those held in memory, in a private temporary SQLite file.

SQLite's temporary database (``sqlite3.connect("")``) is a file in the temporary
directory (``SQLITE_TMPDIR``, ``TMPDIR``, then ``/var/tmp`` or ``/tmp``) that is unlinked as
soon as it is opened, so it disappears with the connection, even when the process is
killed. Its page cache is held to 256 KB; no journal, no fsync: nothing in it needs to
survive the crawl (an unfinished crawl's listings are read again next time).
"""

from __future__ import annotations

import sqlite3

Entry = tuple[str, int, int]  # url, depth, pagination hops

WRITE_EVERY = 512  # entries buffered before one INSERT transaction


class Spill:
    """A FIFO per priority of backlog entries, on disk."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        for pragma in ("cache_size = -256", "journal_mode = OFF", "synchronous = OFF"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE entries (priority INTEGER NOT NULL, url TEXT NOT NULL, "
                         "depth INTEGER NOT NULL, hops INTEGER NOT NULL)")
        self._db.execute("CREATE INDEX entries_by_priority ON entries (priority)")  # then by rowid
        self._pending: list[tuple[int, str, int, int]] = []

    def put(self, priority: int, entry: Entry) -> None:
        self._pending.append((priority, *entry))
        if len(self._pending) >= WRITE_EVERY:
            self._write()

    def take(self, priority: int, limit: int) -> list[Entry]:
        """The oldest ``limit`` entries of ``priority``, removed from the file."""
        self._write()
        rows = self._db.execute("SELECT rowid, url, depth, hops FROM entries WHERE priority = ? "
                                "ORDER BY rowid LIMIT ?", (priority, limit)).fetchall()
        if rows:
            self._db.execute("DELETE FROM entries WHERE priority = ? AND rowid <= ?", (priority, rows[-1][0]))
        return [(url, depth, hops) for _, url, depth, hops in rows]

    def close(self) -> None:
        self._pending.clear()
        self._db.close()

    def _write(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        try:
            self._db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", self._pending)
        except sqlite3.Error:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._pending.clear()
