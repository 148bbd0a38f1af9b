"""The extraction worker's side of :mod:`newscrawler.process.pool`: pages in on one pipe, results out on another.

A worker reads a job frame, runs :func:`~newscrawler.process.page.process_page` and writes a
result frame, until the pool closes its end of the job pipe (EOF). No threads, queues or
locks: the crawling process owns the other ends and reads them in its event loop.

Frames: a job is ``JOB_HEADER`` (meta length, body length), a pickled
``(url, content_type, feeds, single, via, profile)`` and the raw body, so the crawling process sends the
response's bytes as they are (``os.writev``, no copy into a pickle). A result is
``RESULT_HEADER`` (length) and a pickled ``(ok, PageResult | error message)``. Before each
page the worker writes ``STARTED``, an empty frame (length 0; a pickle never is): the pool
then knows which page a dead worker was inside, and sends the pages it had not begun to
another worker instead of failing them. When the next page is already in the pipe, the
worker reads it before answering the last one and writes both frames at once, so the pool
still wakes up once per page (an extra wake-up measured ~75 us of the crawling process's CPU).

This module imports neither Scrapy nor trafilatura (the worker imports trafilatura once,
in :func:`init_worker`, before its first page). A worker exits as soon as the crawl that
started it is gone, even after ``kill -9`` (:func:`watch_parent`).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
import threading
import time
from multiprocessing.connection import Connection
from typing import BinaryIO

from newscrawler.process.page import PageJob, process_page

JOB_HEADER = struct.Struct("!IQ")  # pickled meta length, body length
RESULT_HEADER = struct.Struct("!Q")
PARENT_POLL_SECONDS = 1.0
STARTED = RESULT_HEADER.pack(0)  # "I have read the next job and am processing it"


def job_frame(job: PageJob) -> list[bytes]:
    """The parts of a job frame (header, meta, body), for ``os.writev``."""
    meta = pickle.dumps((job.url, job.content_type, job.feeds, job.single, job.via, job.profile),
                        protocol=pickle.HIGHEST_PROTOCOL)
    return [JOB_HEADER.pack(len(meta), len(job.body)), meta, job.body]


def read_job(reader: BinaryIO) -> PageJob | None:
    """The next job on the pipe, or None at its end (the pool is done with this worker)."""
    header = read_exact(reader, JOB_HEADER.size)
    if header is None:
        return None
    meta_size, body_size = JOB_HEADER.unpack(header)
    data = read_exact(reader, meta_size + body_size)
    if data is None:
        return None
    with memoryview(data) as view:
        url, content_type, feeds, single, via, profile = pickle.loads(view[:meta_size])
        body = bytes(view[meta_size:])
    return PageJob(url, body, content_type, feeds=feeds, single=single, via=via, profile=profile)


def read_exact(reader: BinaryIO, size: int) -> bytearray | None:
    """Exactly ``size`` bytes from an unbuffered pipe, or None if it ends first."""
    buffer = bytearray(size)
    with memoryview(buffer) as view:
        done = 0
        while done < size:
            count = reader.readinto(view[done:])
            if not count:
                return None
            done += count
    return buffer


def result_frame(ok: bool, payload: object) -> bytes:
    data = pickle.dumps((ok, payload), protocol=pickle.HIGHEST_PROTOCOL)
    return RESULT_HEADER.pack(len(data)) + data


def write_all(fd: int, data: bytes) -> None:
    with memoryview(data) as view:
        done = 0
        while done < len(data):
            done += os.write(fd, view[done:])


def answer_frame(job: PageJob) -> bytes:
    """The result frame of one page (a failure is an answer too)."""
    try:
        return result_frame(True, process_page(job))
    except Exception as exc:  # a bug on one page: the crawl reports it and goes on
        return result_frame(False, f"{type(exc).__name__}: {exc}")


def serve(jobs: Connection, results: Connection, parent_pid: int, gc_threshold: int = 0) -> None:
    """A worker process's main function: process pages until the job pipe ends.

    ``gc_threshold``: the youngest generation is collected every that many allocations
    instead of Python's 700 (0 leaves it), as in the crawling process (``GC_THRESHOLD``)."""
    init_worker(parent_pid)
    # The modules and data loaded so far live as long as the worker: keep them out of
    # the collector's way (measured: the collections' time per page halves).
    gc.freeze()
    collect_every(gc_threshold)
    reader = open(jobs.fileno(), "rb", buffering=0, closefd=False)  # noqa: SIM115 (closed with `jobs`)
    out = results.fileno()
    queued = select.poll()
    queued.register(jobs.fileno(), select.POLLIN)
    answer = b""
    try:
        while True:
            if answer and not queued.poll(0):  # no next page yet: answer now
                write_all(out, answer)
                answer = b""
            if (job := read_job(reader)) is None:
                break
            # The last page's answer and this page's start in one write: one wake-up of the pool
            write_all(out, answer + STARTED)
            answer = answer_frame(job)
        write_all(out, answer)
    except BrokenPipeError:  # the crawling process is gone
        pass
    finally:
        reader.close()
        jobs.close()
        results.close()


def collect_every(threshold: int) -> None:
    """Collect the youngest generation every ``threshold`` allocations (0: leave Python's 700).

    A page leaves ~1,500 container objects behind: 2 collections a page at 700, for nothing
    (measured on the bench pages: the collector's CPU 0.33 ms a page at 700, 0.08 at 7,000)."""
    if threshold > 0:
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(threshold, middle, oldest)


def init_worker(parent_pid: int) -> None:
    """Start-up of an extraction worker: this module and trafilatura, not Scrapy (~20 MB less)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawling process's to handle
    watch_parent(parent_pid)
    # Not the language model (~75 MB): most pages declare their language, so it is loaded
    # only when a page does not (measured: preloading it made workers 120 -> 197 MB).
    import newscrawler.extract.extractor  # noqa: F401  (import once, before the first page)


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
