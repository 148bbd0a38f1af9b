"""Pages waiting to be requested, held as URLs rather than as Scrapy requests.

Every page a crawl finds (in a sitemap, a feed, or a link on a page) waits here.
A sitemap lists thousands of URLs at once, and the links of article pages wait
behind the listed pages for most of the crawl. Queued as requests they would all sit
in Scrapy's scheduler for most of the crawl, at about 2 KB each (the request, its
headers, meta, bound callbacks and cached URL parse): some 40 MB for a
20,000-article site, so memory would grow with the site. The spider instead keeps
each entry as its URL, depth, pagination hops and priority (~200 bytes) and turns entries
into requests a window at a time: at most ``window`` released requests wait in Scrapy's
scheduler. At most ``memory`` entries (``CRAWL_BACKLOG_MEMORY``) are held in memory; the
rest wait in a temporary file (:class:`Spill`) and come back in order, so memory
does not grow with the site at all. Should the file fail (no space in the temporary
directory), entries stay in memory, with one warning.

A released request stops waiting when it reaches the downloader, is dropped by the
dupe filter, or fails or is answered before that (a downloader middleware refused
it or answered it itself); the spider reports each of these (:meth:`Backlog.left`)
and releases more. Entries leave in priority order (Google News sitemap entries
first), then in the order they were found. When Scrapy would otherwise go idle the
spider releases a batch regardless of the window (``NewsSpider.idle``), so no entry
is ever left behind, even if a request left the scheduler unreported.

A shared frontier (``--frontier``) has its own queue in Redis: there the window is
unbounded and every entry is released at once, so other workers can take it.

Requests released from here enter Scrapy's scheduler directly, not through the spider
middlewares: they carry no ``Referer`` header (the spider applies ``URLLENGTH_LIMIT``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import deque
from collections.abc import Callable
from itertools import chain

import scrapy


logger = logging.getLogger(__name__)

Build = Callable[[str, int, int, int], scrapy.Request]  # url, depth, priority, pagination hops


Entry = tuple[str, int, int]  # url, depth, pagination hops

WRITE_EVERY = 512  # entries buffered before one INSERT transaction


class Spill:
    """A FIFO per priority of backlog entries, on disk: a private temporary SQLite file.

    SQLite's temporary database (``sqlite3.connect("")``) is a file in the temporary
    directory (``SQLITE_TMPDIR``, ``TMPDIR``, then ``/var/tmp`` or ``/tmp``) that is unlinked as
    soon as it is opened, so it disappears with the connection, even when the process is
    killed. Its page cache is held to 256 KB; no journal, no fsync: nothing in it needs to
    survive the crawl (an unfinished crawl's listings are read again next time).
    """

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


class Backlog:
    """Entries ``(url, depth, hops)`` by priority, released as requests, at most ``window`` waiting at once."""

    def __init__(self, window: int | None, memory: int | None = None) -> None:
        self.window = window  # None: unbounded (release everything at once)
        self.memory = memory  # entries held in memory (None: all); the others wait in a file
        self._queues: dict[int, deque[Entry]] = {}
        self._spill: Spill | None = None
        self._spilled: dict[int, int] = {}  # priority -> entries in the file (newer than those in memory)
        self._file_failed = False  # once writing the file failed, every entry stays in memory
        self._waiting: set[scrapy.Request] = set()

    def __len__(self) -> int:
        return self._held() + self.spilled

    def __bool__(self) -> bool:
        return len(self) > 0

    @property
    def waiting(self) -> int:
        """Released requests not yet reported as having left the scheduler."""
        return len(self._waiting)

    @property
    def spilled(self) -> int:
        """Entries waiting in the temporary file."""
        return sum(self._spilled.values())

    def _held(self) -> int:
        """Entries held in memory (a handful of priorities: cheap to count)."""
        return sum(len(queue) for queue in self._queues.values())

    def add(self, url: str, depth: int, priority: int, hops: int = 0) -> None:
        entry = (url, depth, hops)
        spill = self._spilled.get(priority) or (self.memory is not None and self._held() >= self.memory)
        if spill and not self._file_failed:
            if self._put_in_file(priority, entry):
                return
        self._queues.setdefault(priority, deque()).append(entry)

    def _put_in_file(self, priority: int, entry: Entry) -> bool:
        try:
            if self._spill is None:
                self._spill = Spill()
            self._spill.put(priority, entry)
        except sqlite3.Error as exc:
            logger.warning("Backlog file unusable (%s): waiting pages are kept in memory", exc)
            self._file_failed = True
            return False
        self._spilled[priority] = self._spilled.get(priority, 0) + 1
        return True

    def _pop(self) -> tuple[str, int, int, int] | None:
        """The oldest entry of the highest priority, or None when there is none."""
        queue: deque[Entry] | None = None
        while not queue:
            if not self:
                return None
            priority = max(chain(self._queues, self._spilled))
            queue = self._queues.get(priority) or self._refill(priority)
            if not queue:
                self._queues.pop(priority, None)
        url, depth, hops = queue.popleft()
        if not queue:
            del self._queues[priority]
        return url, depth, priority, hops

    def _refill(self, priority: int) -> deque[Entry]:
        """Move the oldest entries of ``priority`` from the file into memory."""
        count = self._spilled.pop(priority)
        assert self._spill is not None
        try:
            entries = self._spill.take(priority, min(count, max(1, (self.memory or count) // 2)))
        except sqlite3.Error as exc:
            logger.error("Backlog file unreadable (%s): %d waiting pages lost", exc, count)
            entries = []
        if count > len(entries) and entries:
            self._spilled[priority] = count - len(entries)
        queue = self._queues.setdefault(priority, deque())
        queue.extend(entries)
        return queue

    def release(self, build: Build, force: int = 0) -> list[scrapy.Request]:
        """Requests for entries while fewer than ``window`` wait (and up to ``force`` more regardless)."""
        released: list[scrapy.Request] = []
        forced = 0
        while self:
            if self.window is not None and len(self._waiting) >= self.window:
                if forced >= force:
                    break
                forced += 1
            entry = self._pop()
            if entry is None:
                break
            url, depth, priority, hops = entry
            request = build(url, depth, priority, hops)
            if self.window is not None:
                self._waiting.add(request)
            released.append(request)
        return released

    def left(self, request: scrapy.Request) -> bool:
        """``request`` left the scheduler; True if it was one of the backlog's."""
        waiting = request in self._waiting
        self._waiting.discard(request)
        return waiting

    def forget_waiting(self) -> None:
        """Scrapy is idle, so nothing waits in its scheduler (whatever was reported)."""
        self._waiting.clear()

    def close(self) -> None:
        """Remove the temporary file (the entries still in it are dropped)."""
        spill, self._spill = self._spill, None
        if spill is not None:
            spill.close()
