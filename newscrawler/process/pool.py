"""Page processing off the reactor thread, in a pool of worker processes.

trafilatura and lxml are CPU-bound and hold the GIL (and a trial with threads
crashed once), so every HTML page of a crawl is decoded, parsed, classified, its
links listed, its article extracted and its body compressed in one call of
:func:`newscrawler.process.page.process_page` in ``EXTRACTION_WORKERS`` processes
(default: one per core; 0 runs it in the crawling process, as ``fetch`` does).
Workers are started with ``forkserver`` (never a fork of the running reactor),
ignore SIGINT (the crawl shuts them down), exit by themselves when the crawling
process dies (even by ``kill -9``: see :func:`newscrawler.process.worker.watch_parent`), and are replaced after
``EXTRACTION_MAX_TASKS_PER_CHILD`` pages so a slow leak cannot grow with the site.

Each worker has two pipes (see :mod:`newscrawler.process.worker`), enlarged to 1 MB where
the OS allows, which the event loop writes and reads itself: no feeder or result
threads, no locks, no hand-over between threads (those threads cost ~1.2 ms of CPU per
article with ``concurrent.futures.ProcessPoolExecutor``). A page goes to the worker
with the fewest pages waiting; each worker answers in order.

A worker that dies (a crash in native code, the OOM killer) costs only the page it was
working on: that page fails with :class:`WorkerLost` naming its URL, the pages queued
behind it go to the other workers, and a new worker takes its place. The worker says when
it starts each page (``STARTED``), so a worker that dies between pages, even one that
already had the next page in its pipe, or had been sent it after it died but before the
pool noticed, costs no page: the page goes to another worker.

Backpressure: at most ``EXTRACTION_MAX_PENDING`` pages (default 2 per worker) are in the
pool; further callbacks wait, their responses stay in Scrapy's scraper slot, and once
that slot is full (SCRAPER_SLOT_MAX_ACTIVE_SIZE) the engine stops downloading. The
crawling process sends the page's bytes and gets back a small result (links, the
article, the compressed body): it never parses a page itself.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
from collections import deque
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from newscrawler.process.page import PageJob, PageResult, cpu_count, process_page
from newscrawler.process.worker import RESULT_HEADER, job_frame, serve

logger = logging.getLogger(__name__)

PIPE_BYTES = 1 << 20  # a typical page and its result fit at once: fewer system calls and wake-ups
F_SETPIPE_SZ = 1031  # Linux's fcntl command (fcntl.F_SETPIPE_SZ from Python 3.10, Linux only)
JOIN_SECONDS = 30.0  # a closing worker finishes its page; then it is terminated
DEATHS_WITHOUT_PROGRESS = 3  # workers dying with no page answered in between: the pool gives up


class PoolError(RuntimeError):
    """A page could not be processed in the pool (the workers cannot start, or it is closed)."""


class WorkerLost(PoolError):
    """The worker processing a page died (a crash in native code, the OOM killer)."""


def default_workers() -> int:
    return cpu_count()


class _Worker:
    """One worker process and the crawling process's ends of its pipes."""

    def __init__(self, process: BaseProcess, jobs: Connection, results: Connection) -> None:
        self.process = process
        self.jobs = jobs  # we write job frames here
        self.results = results  # and read result frames here
        self.waiting: deque[tuple[asyncio.Future[PageResult], PageJob]] = deque()  # in the order sent
        self.started = False  # the worker said it is processing waiting[0] (not answered yet)
        self.outbox: deque[memoryview] = deque()  # bytes not yet taken by the pipe
        self.inbox = bytearray()
        self.sent = 0
        self.retiring = False  # sent its last page: closed once it answers it


class ExtractionPool:
    """A process pool for :func:`~newscrawler.process.page.process_page`, opened and closed with the crawl."""

    def __init__(self, workers: int, max_pending: int = 0, max_tasks_per_child: int = 0,
                 gc_threshold: int = 0) -> None:
        self.workers = max(0, workers)
        self.gc_threshold = max(0, gc_threshold)  # the workers' youngest-generation threshold (0: Python's)
        self.max_pending = max_pending or 2 * max(1, self.workers)
        self.max_tasks_per_child = max(0, max_tasks_per_child)
        self._live: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._deaths_in_a_row = 0
        self._broken: str | None = None
        self._closed = False
        self.pages = 0

    def open(self) -> None:
        """Start the worker processes (they import the extractor while the crawl discovers).

        Called in the running event loop, which then reads the workers' results."""
        if self.workers == 0 or self._loop is not None or self._closed:
            return
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self.max_pending)
        for _ in range(self.workers):
            self._start_worker()
        logger.info("Extraction pool: %d worker processes, at most %d pages pending",
                    self.workers, self.max_pending)

    async def process(self, job: PageJob) -> PageResult:
        """Process a page in the pool (waits while ``max_pending`` pages are already there)."""
        if self.workers == 0:
            self.pages += 1
            return process_page(job)
        if self._closed:
            raise PoolError(f"extraction pool closed: {job.url} not processed")
        self.open()
        assert self._slots is not None and self._loop is not None
        async with self._slots:
            future: asyncio.Future[PageResult] = self._loop.create_future()
            self._dispatch(future, job)
            return await future

    def worker_pids(self) -> list[int]:
        """The pids of the running workers (the forkserver, which exits with the crawl, excluded)."""
        return sorted(w.process.pid for w in self._live if w.process.pid is not None)

    def in_progress(self) -> dict[int, str]:
        """The URL each worker is processing (it said it started that page and has not answered).

        Everything the workers have written is read first, so for a stopped worker (SIGSTOP)
        this is exact: a worker listed here is inside that page."""
        for worker in list(self._live):
            self._readable(worker)
        return {w.process.pid: w.waiting[0][1].url for w in self._live
                if w.started and w.waiting and w.process.pid is not None}

    # --- sending and receiving ---------------------------------------------------------
    def _dispatch(self, future: asyncio.Future[PageResult], job: PageJob) -> None:
        if self._closed or self._broken:
            future.set_exception(PoolError(self._broken or f"extraction pool closed: {job.url} not processed"))
            return
        worker = min((w for w in self._live if not w.retiring), key=lambda w: len(w.waiting))
        worker.waiting.append((future, job))
        worker.sent += 1
        if self.max_tasks_per_child and worker.sent >= self.max_tasks_per_child:
            worker.retiring = True  # a fresh worker takes the next pages
            self._start_worker()
        worker.outbox.extend(memoryview(part) for part in job_frame(job) if part)  # an empty body: no part
        self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        """Write what the pipe takes now; the event loop writes the rest when it drains."""
        fd = worker.jobs.fileno()
        while worker.outbox:
            try:
                written = os.writev(fd, list(islice(worker.outbox, 64)))  # 64: well under IOV_MAX
            except BlockingIOError:
                break
            except OSError:  # the worker is gone: its results pipe says so too
                worker.outbox.clear()
                break
            if not written:
                break
            _consume(worker.outbox, written)
        assert self._loop is not None
        if worker.outbox:
            self._loop.add_writer(fd, self._flush, worker)
        else:
            self._loop.remove_writer(fd)

    def _readable(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.results.fileno(), PIPE_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._ended(worker)
            return
        inbox = worker.inbox
        inbox += data
        while len(inbox) >= RESULT_HEADER.size:
            (size,) = RESULT_HEADER.unpack_from(inbox)
            if not size:  # STARTED: the worker is now inside its oldest unanswered page
                del inbox[:RESULT_HEADER.size]
                worker.started = True
                continue
            end = RESULT_HEADER.size + size
            if len(inbox) < end:
                break
            with memoryview(inbox) as view:
                ok, payload = pickle.loads(view[RESULT_HEADER.size:end])
            del inbox[:end]
            self._answered(worker, ok, payload)

    def _answered(self, worker: _Worker, ok: bool, payload: PageResult | str) -> None:
        future, job = worker.waiting.popleft()
        worker.started = False
        self.pages += 1
        self._deaths_in_a_row = 0
        if not future.done():
            if ok:
                future.set_result(payload)  # type: ignore[arg-type]
            else:
                future.set_exception(PoolError(f"processing {job.url} failed: {payload}"))
        if worker.retiring and not worker.waiting:
            self._stop(worker)

    # --- workers -------------------------------------------------------------------------
    def _start_worker(self) -> None:
        assert self._loop is not None
        context = multiprocessing.get_context("forkserver")
        job_reader, job_writer = context.Pipe(duplex=False)
        result_reader, result_writer = context.Pipe(duplex=False)
        for conn in (job_writer, result_reader):
            _enlarge(conn.fileno())
        process = context.Process(target=serve, args=(job_reader, result_writer, os.getpid(), self.gc_threshold),
                                  name="extraction-worker", daemon=True)
        process.start()
        job_reader.close()  # the worker's ends: its exit then closes the pipes
        result_writer.close()
        os.set_blocking(job_writer.fileno(), False)
        os.set_blocking(result_reader.fileno(), False)
        worker = _Worker(process, job_writer, result_reader)
        self._live.append(worker)
        self._loop.add_reader(result_reader.fileno(), self._readable, worker)

    def _ended(self, worker: _Worker) -> None:
        """The worker's results pipe ended: it exited (asked to, or not)."""
        self._detach(worker)
        worker.process.join(JOIN_SECONDS)
        if self._closed or (worker.retiring and not worker.waiting):
            return
        how = _exit_reason(worker.process.exitcode)
        self._lost(worker, how)
        self._deaths_in_a_row += 1
        if self._deaths_in_a_row >= DEATHS_WITHOUT_PROGRESS:
            self._broken = (f"extraction workers keep dying ({DEATHS_WITHOUT_PROGRESS} in a row"
                            f" without a page done; the last {how})")
        elif not worker.retiring:  # (a retiring worker's successor is already running)
            self._start_worker()
        queued, worker.waiting = list(worker.waiting), deque()
        for future, job in queued:  # not started by the dead worker: innocent, sent again
            if not future.done():
                self._dispatch(future, job)

    def _lost(self, worker: _Worker, how: str) -> None:
        """Report a worker's death; the page it had started, if any, fails with :class:`WorkerLost`.

        A page it had not started (still in the pipe, or sent after it died but before the
        pool noticed) is not charged: :meth:`_ended` sends it to another worker."""
        if not (worker.started and worker.waiting):
            logger.error("Extraction worker %s %s between pages (%d not started, sent to another worker)",
                         worker.process.pid, how, len(worker.waiting))
            return
        future, job = worker.waiting.popleft()
        logger.error("Extraction worker %s %s while processing %s", worker.process.pid, how, job.url)
        if not future.done():
            future.set_exception(WorkerLost(f"extraction worker {how} while processing {job.url}"))

    def _stop(self, worker: _Worker) -> None:
        """No more pages for this worker: closing its job pipe makes it exit (after its page)."""
        if worker.jobs.closed:
            return
        assert self._loop is not None
        if not self._loop.is_closed():
            self._loop.remove_writer(worker.jobs.fileno())
        worker.outbox.clear()
        worker.jobs.close()

    def _detach(self, worker: _Worker) -> None:
        """Forget a worker: both its pipes closed, the event loop no longer watching them."""
        if worker in self._live:
            self._live.remove(worker)
        self._stop(worker)
        assert self._loop is not None
        if not self._loop.is_closed():
            self._loop.remove_reader(worker.results.fileno())
        worker.results.close()

    def close(self) -> None:
        """Stop the workers (pages still waiting are cancelled); safe to call twice."""
        if self._closed:
            return
        self._closed = True
        workers, self._live = list(self._live), []
        for worker in workers:
            for future, _job in worker.waiting:
                if self._loop is not None and not self._loop.is_closed():
                    future.cancel()
            worker.waiting.clear()
            self._detach(worker)  # EOF on the job pipe: each worker exits after its page
        for worker in workers:
            worker.process.join(JOIN_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        if self._loop is not None:
            logger.info("Extraction pool closed after %d pages", self.pages)


def _exit_reason(code: int | None) -> str:
    return f"was killed by signal {-code}" if code is not None and code < 0 else f"exited (code {code})"


def _consume(outbox: deque[memoryview], written: int) -> None:
    """Drop the first ``written`` bytes of ``outbox`` (whose parts are never empty)."""
    while written:
        head = outbox[0]
        if written < len(head):
            outbox[0] = head[written:]
            return
        written -= len(head)
        outbox.popleft()


def _enlarge(fd: int) -> None:
    """Make a pipe hold ``PIPE_BYTES`` (Linux; elsewhere, or above the system's limit, it stays)."""
    try:
        import fcntl

        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, OSError):
        pass
