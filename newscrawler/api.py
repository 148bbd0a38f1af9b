"""newscrawler from Python: ``crawl()`` a site as the CLI does, and read the articles as they arrive.

::

    import newscrawler

    for article in newscrawler.crawl("https://www.example-news.com/", db="news.sqlite3", max_articles=10):
        print(article.title, article.published_at)

    job = newscrawler.crawl(sources="sources.toml", db="news.sqlite3", max_time=600)
    result = job.wait()                     # the run's counts: result.new, result.updated, result.status
    archive = newscrawler.open_archive("news.sqlite3")

Each ``crawl()`` runs ``newscrawler crawl`` in a subprocess (Twisted's reactor cannot restart in
one process, so a notebook may crawl again and again), with the same lock, run record, settings
and exit status. The store pipeline writes each archived article's id on a pipe
(:mod:`newscrawler.notify`); iterating the job reads those articles back from the archive.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from archive.article import StoredArticle
from archive.errors import ArchiveError
from archive.reader import Archive
from newscrawler.runner import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

STATUS = {EXIT_OK: "ok", EXIT_PARTIAL: "partial", EXIT_FAILED: "failed", EXIT_USAGE: "usage error",
          EXIT_LOCKED: "locked"}
_END = object()


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended: the CLI's exit code and its run record's counts."""

    exit_code: int
    run_id: int | None  # None when it ended before it could record a run (locked, bad input)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)  # the one-line `error:` messages
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict, repr=False)  # Scrapy's stats (`newscrawler runs --json`)

    @property
    def status(self) -> str:
        """ok, partial (some sites failed), failed, usage error, locked, or signal N."""
        if self.exit_code < 0:
            return f"signal {-self.exit_code}"
        return STATUS.get(self.exit_code, f"exit {self.exit_code}")

    @property
    def ok(self) -> bool:
        return self.exit_code in (EXIT_OK, EXIT_PARTIAL)


class CrawlError(RuntimeError):
    """A crawl that failed (no site could be crawled, the archive was locked...): its first error line."""

    def __init__(self, result: CrawlResult) -> None:
        message = result.errors[0] if result.errors else f"crawl {result.status} (exit {result.exit_code})"
        super().__init__(message)
        self.result = result


def crawl_arguments(urls: str | Sequence[str] | None = None, *, sources: str | Path | None = None,
                    db: str | Path | None = None, max_articles: int | None = None, max_time: float | None = None,
                    depth: int | None = None, revisit: bool = False, full: bool = False, since: str | None = None,
                    settings: Mapping[str, Any] | None = None, log_file: str | Path | None = None) -> list[str]:
    """The ``newscrawler crawl`` arguments for these options."""
    start = [urls] if isinstance(urls, str) else list(urls or [])
    if not start and sources is None:
        raise ValueError("give at least one URL or sources=FILE")
    args = ["crawl", *start]
    for flag, value in (("--sources", sources), ("--db", db), ("--max-articles", max_articles),
                        ("--max-time", max_time), ("--depth", depth), ("--since", since), ("--log-file", log_file)):
        if value is not None:
            args += [flag, str(value)]
    args += ["--revisit"] if revisit else []
    args += ["--full"] if full else []
    for name, value in (settings or {}).items():
        text = json.dumps(value) if isinstance(value, (dict, list, tuple)) else str(value)
        args += ["-s", f"{name}={text}"]
    return args


def crawl(urls: str | Sequence[str] | None = None, *, sources: str | Path | None = None,
          db: str | Path | None = None, max_articles: int | None = None, max_time: float | None = None,
          depth: int | None = None, revisit: bool = False, full: bool = False, since: str | None = None,
          settings: Mapping[str, Any] | None = None, log_file: str | Path | None = None,
          check: bool = True) -> Crawl:
    """Start ``newscrawler crawl`` of ``urls`` (or the sites of the ``sources`` TOML file) into ``db``.

    Returns at once with the running :class:`Crawl`: iterate it for the articles as they are
    archived, or ``.wait()`` for the :class:`CrawlResult`. ``settings`` are Scrapy settings
    (``-s NAME=VALUE``). With ``check``, a failed crawl (exit 1, 2 or 75) raises
    :class:`CrawlError` at the end of the iteration or from ``wait()``.
    """
    args = crawl_arguments(urls, sources=sources, db=db, max_articles=max_articles, max_time=max_time, depth=depth,
                           revisit=revisit, full=full, since=since, settings=settings, log_file=log_file)
    return Crawl(args, None if db is None else str(db), check=check)


class Crawl:
    """A ``newscrawler crawl`` running in a subprocess."""

    def __init__(self, args: list[str], db: str | None, check: bool = True) -> None:
        self.args, self.db, self.check = args, db, check
        self.run_id: int | None = None
        self._result: CrawlResult | None = None
        self._stopping = False
        self._ids: queue.Queue[object] = queue.Queue()
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        read, write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newscrawler", *args, "-s", f"ARCHIVE_NOTIFY_FD={write}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr, pass_fds=(write,))
        except OSError:
            os.close(read)
            self._stderr.close()
            raise
        finally:
            os.close(write)  # the child has its own: the pipe ends when the child does
        # Drained by a thread, so a caller that stops iterating never stalls the crawl on a full pipe.
        self._reader = threading.Thread(target=self._drain, args=(os.fdopen(read, encoding="utf-8"),),
                                        name="newscrawler-feed", daemon=True)
        self._reader.start()

    def _drain(self, feed: IO[str]) -> None:
        with feed:
            for line in feed:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut by a killed crawl
                if "run" in record:
                    self.run_id = record["run"]
                elif "id" in record:
                    self._ids.put(int(record["id"]))
        self._ids.put(_END)

    def __iter__(self) -> Iterator[StoredArticle]:
        """The articles the crawl archives (new or changed), each once it is committed."""
        archive: Archive | None = None
        try:
            while (item := self._ids.get()) is not _END:
                assert isinstance(item, int)
                archive = archive or Archive(self.db)
                article = archive.get(item)
                if article is not None:
                    yield article
        finally:
            if archive is not None:
                archive.close()
        self.wait()

    def wait(self, timeout: float | None = None) -> CrawlResult:
        """Wait for the crawl to end and return its result (raises :class:`CrawlError` if it failed
        and ``check`` is set; :class:`subprocess.TimeoutExpired` after ``timeout`` seconds)."""
        if self._result is None:
            code = self.process.wait(timeout)
            self._reader.join()
            self._result = self._read_result(code)
            self._stderr.close()
        if self.check and not self._result.ok:
            raise CrawlError(self._result)
        return self._result

    @property
    def result(self) -> CrawlResult:
        """The result, once the crawl has ended (waits for it; never raises CrawlError)."""
        check, self.check = self.check, False
        try:
            return self.wait()
        finally:
            self.check = check

    def stop(self, wait: bool = True) -> CrawlResult | None:
        """Stop the crawl as Ctrl-C does (SIGINT, once: it finishes the pages in flight, archives
        them and records the run as ``interrupted``); returns its result, or None without ``wait``."""
        if self.process.poll() is None and not self._stopping:
            self._stopping = True
            self.process.send_signal(signal.SIGINT)
        return self.result if wait else None

    def running(self) -> bool:
        return self.process.poll() is None

    def _read_result(self, code: int) -> CrawlResult:
        self._stderr.seek(0)
        lines = self._stderr.read().splitlines()
        errors = [line.removeprefix("error: ") for line in lines if line.startswith(("error: ", "Error: "))]
        warnings = [line.removeprefix("warning: ") for line in lines if line.startswith("warning: ")]
        if self.run_id is None:
            return CrawlResult(code, None, errors=errors, warnings=warnings)
        try:
            with Archive(self.db) as archive:
                run = archive.run(self.run_id)
        except ArchiveError as exc:
            return CrawlResult(code, self.run_id, errors=errors + [str(exc)], warnings=warnings)
        stats = run.stats if run is not None else {}
        return CrawlResult(code, self.run_id, new=int(stats.get("archive/inserted", 0)),
                           updated=int(stats.get("archive/updated", 0)),
                           unchanged=int(stats.get("archive/unchanged", 0)),
                           pages=int(stats.get("response_received_count", 0)),
                           errors=errors, warnings=warnings, stats=stats)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._result is None:
            self.stop()

    def __repr__(self) -> str:
        state = "running" if self._result is None else self._result.status
        return f"<Crawl {' '.join(self.args[1:3])}{' ...' if len(self.args) > 3 else ''} ({state})>"
