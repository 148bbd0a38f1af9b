"""The extraction worker's side of :mod:`newscrawler.pool`: pages in on one pipe, results out on another.

A worker reads a job frame, runs :func:`~newscrawler.pagework.process_page` and writes a
result frame, until the pool closes its end of the job pipe (EOF). No threads, queues or
locks: the crawling process owns the other ends and reads them in its event loop.

Frames: a job is ``JOB_HEADER`` (meta length, body length), a pickled
``(url, content_type, feeds, single, via)`` and the raw body, so the crawling process sends the
response's bytes as they are (``os.writev``, no copy into a pickle). A result is
``RESULT_HEADER`` (length) and a pickled ``(ok, PageResult | error message)``. Before each
page the worker writes ``STARTED``, an empty frame (length 0; a pickle never is): the pool
then knows which page a dead worker was inside, and sends the pages it had not begun to
another worker instead of failing them. When the next page is already in the pipe, the
worker reads it before answering the last one and writes both frames at once, so the pool
still wakes up once per page (an extra wake-up measured ~75 us of the crawling process's CPU).

This module imports neither Scrapy nor trafilatura (the worker imports trafilatura once,
in :func:`~newscrawler.pagework.init_worker`, before its first page).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import struct
from multiprocessing.connection import Connection
from typing import BinaryIO

from newscrawler.pagework import PageJob, init_worker, process_page

JOB_HEADER = struct.Struct("!IQ")  # pickled meta length, body length
RESULT_HEADER = struct.Struct("!Q")
STARTED = RESULT_HEADER.pack(0)  # "I have read the next job and am processing it"


def job_frame(job: PageJob) -> list[bytes]:
    """The parts of a job frame (header, meta, body), for ``os.writev``."""
    meta = pickle.dumps((job.url, job.content_type, job.feeds, job.single, job.via), protocol=pickle.HIGHEST_PROTOCOL)
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
        url, content_type, feeds, single, via = pickle.loads(view[:meta_size])
        body = bytes(view[meta_size:])
    return PageJob(url, body, content_type, feeds=feeds, single=single, via=via)


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


def serve(jobs: Connection, results: Connection, parent_pid: int) -> None:
    """A worker process's main function: process pages until the job pipe ends."""
    init_worker(parent_pid)
    # The modules and data loaded so far live as long as the worker: keep them out of
    # the collector's way (measured: the collections' time per page halves).
    gc.freeze()
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
