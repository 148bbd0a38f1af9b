"""Pages waiting to be requested, held as URLs rather than as Scrapy requests.

A sitemap lists thousands of URLs at once. Queued as requests they would all sit
in Scrapy's scheduler for most of the crawl, at about 2 KB each (the request, its
headers, meta, bound callbacks and cached URL parse): some 40 MB for a
20,000-article site, so memory would grow with the site. The spider instead keeps
each entry as its URL, depth and priority (~200 bytes) and turns entries into requests a
window at a time: at most ``window`` released requests wait in Scrapy's scheduler.

A released request stops waiting when it reaches the downloader, is dropped by the
dupe filter, or fails or is answered before that (a downloader middleware refused
it or answered it itself); the spider reports each of these (:meth:`Backlog.left`)
and releases more. Entries leave in priority order (Google News sitemap entries
first), then in the order they were found. When Scrapy would otherwise go idle the
spider releases a batch regardless of the window (``NewsSpider.idle``), so no entry
is ever left behind, even if a request left the scheduler unreported.

A shared frontier (``--frontier``) has its own queue in Redis: there the window is
unbounded and every entry is released at once, so other workers can take it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import scrapy

Build = Callable[[str, int, int], scrapy.Request]


class Backlog:
    """Entries ``(url, depth, priority)`` released as requests, at most ``window`` waiting at once."""

    def __init__(self, window: int | None) -> None:
        self.window = window  # None: unbounded (release everything at once)
        self._queues: dict[int, deque[tuple[str, int]]] = {}
        self._waiting: set[scrapy.Request] = set()

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def __bool__(self) -> bool:
        return bool(self._queues)

    @property
    def waiting(self) -> int:
        """Released requests not yet reported as having left the scheduler."""
        return len(self._waiting)

    def add(self, url: str, depth: int, priority: int) -> None:
        self._queues.setdefault(priority, deque()).append((url, depth))

    def _pop(self) -> tuple[str, int, int]:
        priority = max(self._queues)
        queue = self._queues[priority]
        url, depth = queue.popleft()
        if not queue:
            del self._queues[priority]
        return url, depth, priority

    def release(self, build: Build, force: int = 0) -> list[scrapy.Request]:
        """Requests for entries while fewer than ``window`` wait (and up to ``force`` more regardless)."""
        released: list[scrapy.Request] = []
        forced = 0
        while self._queues:
            if self.window is not None and len(self._waiting) >= self.window:
                if forced >= force:
                    break
                forced += 1
            request = build(*self._pop())
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
