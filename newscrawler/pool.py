"""Page processing off the reactor thread, in a pool of worker processes.

trafilatura and lxml are CPU-bound and hold the GIL (and a trial with threads
crashed once), so every HTML page of a crawl is decoded, parsed, classified, its
links listed, its article extracted and its body compressed in one call of
:func:`newscrawler.pagework.process_page` in ``EXTRACTION_WORKERS`` processes
(default: one per core; 0 runs it in the crawling process, as ``fetch`` does).
Workers are started with ``forkserver`` (never a fork of the running reactor),
ignore SIGINT (the crawl shuts them down), exit by themselves when the crawling
process dies (even by ``kill -9``: see :mod:`newscrawler.parentwatch`), and are replaced after
``EXTRACTION_MAX_TASKS_PER_CHILD`` pages so a slow leak cannot grow with the site.

Backpressure: at most ``EXTRACTION_MAX_PENDING`` pages (default 2 per worker) are
in the pool; further callbacks wait, their responses stay in Scrapy's scraper
slot, and once that slot is full (SCRAPER_SLOT_MAX_ACTIVE_SIZE) the engine stops
downloading. The crawling process sends the page's bytes and gets back a small
result (links, the article, the compressed body): it never parses a page itself.
"""

from __future__ import annotations

import asyncio
import os
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawler.pagework import PageJob, PageResult, cpu_count, init_worker, process_page

logger = logging.getLogger(__name__)


def default_workers() -> int:
    return cpu_count()


class ExtractionPool:
    """A process pool for :func:`~newscrawler.pagework.process_page`, opened and closed with the crawl."""

    def __init__(self, workers: int, max_pending: int = 0, max_tasks_per_child: int = 0) -> None:
        self.workers = max(0, workers)
        self.max_pending = max_pending or 2 * max(1, self.workers)
        self.max_tasks_per_child = max_tasks_per_child or None
        self._executor: Executor | None = None
        self._slots: asyncio.Semaphore | None = None
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, workers: int | None = None) -> ExtractionPool:
        settings = crawler.settings
        if workers is None:
            configured = settings.get("EXTRACTION_WORKERS")
            workers = default_workers() if configured in (None, "", "auto") else int(configured)
        pool = cls(workers, settings.getint("EXTRACTION_MAX_PENDING", 0),
                   settings.getint("EXTRACTION_MAX_TASKS_PER_CHILD", 0))
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    def open(self) -> None:
        """Start the worker processes (they import the extractor while the crawl discovers)."""
        if self.workers == 0 or self._executor is not None:
            return
        context = multiprocessing.get_context("forkserver")
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker,
                                             initargs=(os.getpid(),),
                                             max_tasks_per_child=self.max_tasks_per_child)
        for _ in range(self.workers):  # start them now rather than at the first article
            self._executor.submit(cpu_count)
        logger.info("Extraction pool: %d worker processes, at most %d pages pending",
                    self.workers, self.max_pending)

    async def process(self, job: PageJob) -> PageResult:
        """Process a page in the pool (waits while ``max_pending`` pages are already there)."""
        if self.workers == 0:
            self.pages += 1
            return process_page(job)
        self.open()
        assert self._executor is not None
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_pending)
        async with self._slots:
            result = await asyncio.get_running_loop().run_in_executor(self._executor, process_page, job)
        self.pages += 1
        return result

    def worker_pids(self) -> list[int]:
        """The pids of the running workers (the forkserver, which exits with the crawl, excluded)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return sorted(processes)

    def close(self) -> None:
        """Stop the workers (pending pages are cancelled); safe to call twice."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
            logger.info("Extraction pool closed after %d pages", self.pages)
