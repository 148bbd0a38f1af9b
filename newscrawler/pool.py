"""Article extraction off the reactor thread, in a pool of worker processes.

trafilatura and lxml are CPU-bound and hold the GIL (and a trial with threads
crashed once), so extraction runs in ``EXTRACTION_WORKERS`` processes
(default: one per core; 0 extracts in the crawling process, as ``fetch`` does).
Workers are started with ``forkserver`` (never a fork of the running reactor),
ignore SIGINT (the crawl shuts them down), exit by themselves when the crawling
process dies (even by ``kill -9``: see :func:`watch_parent`), and are replaced after
``EXTRACTION_MAX_TASKS_PER_CHILD`` pages so a slow leak cannot grow with the site.

Backpressure: at most ``EXTRACTION_MAX_PENDING`` pages (default 2 per worker) are
in the pool; further callbacks wait, their responses stay in Scrapy's scraper
slot, and once that slot is full (SCRAPER_SLOT_MAX_ACTIVE_SIZE) the engine stops
downloading. The worker also compresses the raw HTML, so the crawling process
neither extracts nor compresses.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from scrapy import signals
from scrapy.crawler import Crawler

from archive.article import Article
from archive.store import compress_html

logger = logging.getLogger(__name__)


@dataclass
class Extracted:
    """What the pool returns for one page: the article (None: no article text) and the zstd HTML."""

    article: Article | None
    html_zstd: bytes


def extract_page(html: str, url: str, body: bytes) -> Extracted:
    """Extract one page and compress its raw body (runs in a worker, or in-process)."""
    from newscrawler.extraction import extract_article

    return Extracted(extract_article(html, url), compress_html(body))


PARENT_POLL_SECONDS = 1.0


def _wait_for_exit(pid: int) -> None:
    """Return once process ``pid`` has exited (a pidfd where the OS has one, else polling)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # not Linux >= 5.3: poll the pid
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except PermissionError:
                pass
            time.sleep(PARENT_POLL_SECONDS)
    try:
        select.select([pidfd], [], [])  # readable once the process has terminated
    finally:
        os.close(pidfd)


def watch_parent(pid: int) -> None:
    """Exit this worker as soon as the crawling process ``pid`` is gone.

    A forkserver worker is the child of the forkserver, not of the crawl, and
    holds the forkserver's "alive" pipe itself, so after a ``kill -9`` of the
    crawl neither would ever exit (and PR_SET_PDEATHSIG would watch the wrong
    parent). A daemon thread waits on a pidfd of the crawl instead.
    """

    def watch() -> None:
        _wait_for_exit(pid)
        os._exit(1)  # nothing to clean up: the crawl that wanted our results is gone

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _init_worker(parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawling process's to handle
    watch_parent(parent_pid)
    import newscrawler.extraction  # noqa: F401  (import once, before the first page)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ExtractionPool:
    """A process pool for :func:`extract_page`, opened and closed with the crawl."""

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
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                             initargs=(os.getpid(),),
                                             max_tasks_per_child=self.max_tasks_per_child)
        for _ in range(self.workers):  # start them now rather than at the first article
            self._executor.submit(default_workers)
        logger.info("Extraction pool: %d worker processes, at most %d pages pending",
                    self.workers, self.max_pending)

    async def extract(self, html: str, url: str, body: bytes) -> Extracted:
        """Extract a page in the pool (waits while ``max_pending`` pages are already there)."""
        if self.workers == 0:
            self.pages += 1
            return extract_page(html, url, body)
        self.open()
        assert self._executor is not None
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_pending)
        async with self._slots:
            future = asyncio.get_running_loop().run_in_executor(self._executor, extract_page, html, url, body)
            result = await future
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
