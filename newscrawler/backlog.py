"""Pages waiting to be requested, held as URLs rather than as Scrapy requests.

A sitemap lists thousands of URLs at once. Queued as requests they would all sit
in Scrapy's scheduler for most of the crawl, at about 2 KB each (the request, its
headers, meta, bound callbacks and cached URL parse): some 40 MB for a
20,000-article site, so memory would grow with the site. The spider instead keeps
each entry as its URL, depth and priority (the URL string is the one already held
by the spider's record of discovered pages) and turns entries into requests a
window at a time: at most ``window`` released requests are outstanding
(scheduled, downloading or being processed) at once.

Entries leave in priority order (Google News sitemap entries first), then in the
order they were found. :meth:`Backlog.release` is called as pages come back; when
Scrapy would otherwise go idle the spider releases a batch regardless of the
window (see ``NewsSpider.idle``), so no entry is ever left behind.

A shared frontier (``--frontier``) has its own queue in Redis: there the window is
unbounded and every entry is released at once, so other workers can take it.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterator

import scrapy

Build = Callable[[str, int, int], scrapy.Request]


class Backlog:
    """Entries ``(url, depth, priority)`` released as requests, at most ``window`` outstanding."""

    def __init__(self, window: int | None) -> None:
        self.window = window  # None: unbounded (release everything at once)
        self._queues: dict[int, deque[tuple[str, int]]] = {}
        self._outstanding: weakref.WeakSet[scrapy.Request] = weakref.WeakSet()

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def __bool__(self) -> bool:
        return bool(self._queues)

    @property
    def outstanding(self) -> int:
        """Released requests still alive: scheduled, downloading, or with their response in a callback."""
        return len(self._outstanding)

    def add(self, url: str, depth: int, priority: int) -> None:
        self._queues.setdefault(priority, deque()).append((url, depth))

    def _pop(self) -> tuple[str, int, int]:
        priority = max(self._queues)
        queue = self._queues[priority]
        url, depth = queue.popleft()
        if not queue:
            del self._queues[priority]
        return url, depth, priority

    def release(self, build: Build, force: int = 0) -> Iterator[scrapy.Request]:
        """Requests for entries while fewer than ``window`` are outstanding (and ``force`` more regardless)."""
        forced = 0
        while self._queues:
            if self.window is not None and self.outstanding >= self.window:
                if forced >= force:
                    return
                forced += 1
            request = build(*self._pop())
            self._outstanding.add(request)
            yield request
