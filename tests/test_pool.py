"""The extraction pool: same articles as in-process extraction, and no worker outlives the crawl."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scrapy.http import HtmlResponse
from scrapy.selector import Selector

from archive.store import decompress_html
from newscrawler.process.classify import classify_page
from newscrawler.extract.extractor import extract_article
from newscrawler.discover.links import feed_links, page_links
from newscrawler.process.page import PageJob, PageResult, process_page
from newscrawler.process.pool import ExtractionPool, PoolError, WorkerLost
from newscrawler.process.worker import collect_every
from tests.support.cli import LOCAL, ROOT

PAGE = Path(__file__).parent / "data" / "extraction" / "free_with_subscribe_box.html"
LISTING = Path(__file__).parent / "data" / "extraction" / "section_listing.html"
URL = "https://example.com/2024/05/01/story"


def descendants(pid: int) -> set[int]:
    found, stack = set(), [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
            children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        found.update(children)
        stack.extend(children)
    return found


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...); [] when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def alive(pid: int) -> bool:
    fields = stat_fields(pid)
    return bool(fields) and fields[0] != "Z"


@pytest.mark.e2e
def test_pool_extracts_what_in_process_extraction_does() -> None:
    html = PAGE.read_text(encoding="utf-8")
    body = html.encode("utf-8")
    job = PageJob(URL, body, "text/html; charset=utf-8")

    workers: list[int] = []

    async def run(pool: ExtractionPool) -> list[PageResult]:
        try:
            return list(await asyncio.gather(*(pool.process(job) for _ in range(3))))
        finally:
            workers.extend(pool.worker_pids())
            pool.close()

    expected = extract_article(html, URL)
    assert expected is not None
    for pool in (ExtractionPool(0), ExtractionPool(2, max_pending=1)):
        results = asyncio.run(run(pool))
        assert [r.article for r in results] == [expected] * 3
        assert decompress_html(results[0].html_zstd or b"") == body
        assert pool.pages == 3
    assert len(workers) == 2
    assert not [p for p in workers if alive(p)], "a closed pool leaves no workers"
    closed = ExtractionPool(2)
    closed.close()
    with pytest.raises(PoolError, match="closed"):
        asyncio.run(closed.process(job))


@pytest.mark.unit
def test_workers_collect_their_youngest_generation_every_gc_threshold_allocations() -> None:
    before = gc.get_threshold()
    try:
        collect_every(0)
        assert gc.get_threshold() == before
        collect_every(7000)
        assert gc.get_threshold() == (7000, *before[1:])
    finally:
        gc.set_threshold(*before)
    from scrapy.utils.test import get_crawler

    from newscrawler.spiders.news import extraction_pool

    assert extraction_pool(get_crawler(settings_dict={"GC_THRESHOLD": 5000}), workers=2).gc_threshold == 5000
    assert ExtractionPool(2).gc_threshold == 0


@pytest.mark.unit
def test_page_is_parsed_once_with_what_the_crawl_would_see() -> None:
    """The worker's one tree gives the classification and links of Scrapy's own parse of the page."""
    body = PAGE.read_bytes()
    response = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"})
    tree = Selector(response=response).root
    result = process_page(PageJob(URL, body, "text/html", feeds=True))
    decision = classify_page(URL, tree, result.article)
    assert (result.is_article, result.reason) == (decision.is_article, decision.reason) == (True, "url+text")
    assert result.links == page_links(tree, URL, "example.com")
    assert result.feeds == feed_links(tree, URL)
    assert result.encoding == response.encoding
    listing = process_page(PageJob(URL, LISTING.read_bytes(), "text/html; charset=utf-8"))
    assert not listing.is_article and listing.article is None and listing.html_zstd is None
    # No charset anywhere: detected from the bytes, as Scrapy does it
    latin = PAGE.read_text(encoding="utf-8").replace("<meta charset=\"utf-8\">", "").encode("cp1252", "replace")
    decoded = process_page(PageJob(URL, latin, "text/html", single=True))
    assert decoded.encoding == HtmlResponse(URL, body=latin).encoding != "utf-8"
    assert decoded.article is not None and decoded.article.text == extract_article(latin.decode("cp1252"), URL).text


@pytest.mark.e2e
def test_interrupted_crawl_leaves_no_worker_processes(site, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", site.base_url + "/", "--db",
                             str(tmp_path / "news.sqlite3"), *LOCAL, "-s", "CONCURRENT_REQUESTS=1",
                             "-s", "EXTRACTION_WORKERS=2"],
                            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while len(seen) < 2 and proc.poll() is None and time.monotonic() < deadline:
        seen |= descendants(proc.pid)
        time.sleep(0.02)
    assert len(seen) >= 2, "the crawl never started its extraction workers"  # + the forkserver
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    deadline = time.monotonic() + 10
    while any(alive(p) for p in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in seen if alive(p)], "extraction workers outlived the crawl"


def slow_page() -> bytes:
    """An article page that takes a worker seconds: ~1.5 MB of paragraphs."""
    paragraph = "<p>" + "The council met again on Tuesday to discuss the budget in detail. " * 12 + "</p>\n"
    html = PAGE.read_text(encoding="utf-8")
    return html.replace("</article>", paragraph * 1800 + "</article>").encode("utf-8")


async def stopped_inside(pool: ExtractionPool, pid: int, page: asyncio.Future[PageResult], url: str) -> bool:
    """Wait for worker ``pid`` to say it started ``url``, stop it (SIGSTOP), and tell whether it is
    inside that page: stopped, it has not answered it (all it wrote is read). False when this
    process was held up so long that the worker had already finished the page (try again)."""
    deadline = time.monotonic() + 60
    while pool.in_progress().get(pid) != url:
        if page.done():
            return False
        assert time.monotonic() < deadline, f"worker {pid} never started {url}"
        await asyncio.sleep(0.005)
    os.kill(pid, signal.SIGSTOP)
    wait_for(lambda: stat_fields(pid)[:1] == ["T"], f"worker {pid} did not stop")
    return pool.in_progress().get(pid) == url


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll ``condition`` (blocking: the event loop, if any, does not run meanwhile)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.002)


@pytest.mark.e2e
def test_a_worker_that_dies_costs_only_its_page() -> None:
    """kill -9 of the worker inside a page (it said it started it, and, stopped, has not answered
    it): that page fails naming its URL, the pages queued behind it are processed by a new
    worker, and the pool goes on."""
    body = PAGE.read_bytes()
    expected = extract_article(PAGE.read_text(encoding="utf-8"), URL)
    assert b"</article>" in body and len(slow_page()) > 1_000_000

    async def run() -> tuple[list[PageResult | BaseException], list[int], list[int], int]:
        pool = ExtractionPool(1, max_pending=3)
        try:
            await pool.process(PageJob(URL, body, "text/html"))  # the worker is up and warm
            for attempt in range(5):
                first = pool.worker_pids()
                slow = PageJob(f"{URL}/slow{attempt}", slow_page(), "text/html")
                tasks = [asyncio.ensure_future(pool.process(job))
                         for job in (slow, PageJob(URL, body, "text/html"), PageJob(URL, body, "text/html"))]
                if await stopped_inside(pool, first[0], tasks[0], slow.url):
                    os.kill(first[0], signal.SIGKILL)
                    results = await asyncio.gather(*tasks, return_exceptions=True)
                    after = await pool.process(PageJob(URL, body, "text/html"))
                    return [*results, after], first, pool.worker_pids(), pool.pages - 3 * attempt
                os.kill(first[0], signal.SIGCONT)  # it had finished that page: again, with another
                await asyncio.gather(*tasks)
            pytest.fail("the worker was never caught inside the slow page")
        finally:
            pool.close()

    results, before, after, pages = asyncio.run(run())
    lost = results[0]
    assert isinstance(lost, WorkerLost), lost
    assert f"{URL}/slow" in str(lost) and "signal 9" in str(lost)
    assert [r.article for r in results[1:]] == [expected] * 3  # type: ignore[union-attr]
    assert len(after) == 1 and after != before
    assert pages == 4


@pytest.mark.e2e
def test_a_worker_killed_between_pages_costs_no_page(caplog: pytest.LogCaptureFixture) -> None:
    """kill -9 of an idle worker (its page answered), and the next page sent to it before the
    pool noticed: that page goes to the worker's successor and succeeds."""
    body = PAGE.read_bytes()
    expected = extract_article(PAGE.read_text(encoding="utf-8"), URL)

    async def run() -> tuple[PageResult, int, list[int], int]:
        pool = ExtractionPool(1)
        try:
            await pool.process(PageJob(URL, body, "text/html"))
            [pid] = pool.worker_pids()
            assert pool.in_progress() == {}
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: not alive(pid), f"worker {pid} survived kill -9")  # the loop cannot notice
            assert pool.worker_pids() == [pid]  # so the next page goes to the dead worker
            result = await pool.process(PageJob(URL, body, "text/html"))
            return result, pid, pool.worker_pids(), pool.pages
        finally:
            pool.close()

    with caplog.at_level(logging.ERROR, logger="newscrawler.process.pool"):
        result, dead, after, pages = asyncio.run(run())
    assert result.article == expected
    assert len(after) == 1 and after != [dead]
    assert pages == 2
    assert f"Extraction worker {dead} was killed by signal 9 between pages (1 not started" in caplog.text
    assert "while processing" not in caplog.text


@pytest.mark.e2e
def test_workers_are_replaced_after_max_tasks_per_child() -> None:
    body = PAGE.read_bytes()
    seen: set[int] = set()

    async def run() -> list[PageResult]:
        pool = ExtractionPool(1, max_pending=1, max_tasks_per_child=2)
        try:
            results = []
            for _ in range(5):
                results.append(await pool.process(PageJob(URL, body, "text/html")))
                seen.update(pool.worker_pids())
            return results
        finally:
            pool.close()

    results = asyncio.run(run())
    assert len({r.article.text for r in results if r.article}) == 1 and len(results) == 5
    assert len(seen) == 3, seen  # pages 1-2, 3-4, 5
    assert not [p for p in seen if alive(p)], "retired workers exited"


@pytest.mark.e2e
def test_a_crawl_goes_on_when_its_worker_is_killed(site, crawled, tmp_path: Path) -> None:
    """kill -9 of the only extraction worker mid-crawl: a new one takes over, the crawl
    finishes normally, and at most the page it was working on is missing (an error)."""
    db = tmp_path / "news.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", site.base_url + "/", "--db", str(db),
                             *LOCAL, "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.1",
                             "-s", "EXTRACTION_WORKERS=1", "-s", "ARCHIVE_BATCH_SIZE=2"],
                            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        workers = [p for p in descendants(proc.pid) if "forkserver" in cmdline(parent(p))]
        if len(committed_articles(db)) >= 3 and workers:
            try:
                os.kill(workers[0], signal.SIGKILL)
                killed = workers[0]
            except ProcessLookupError:  # a process that was just ending: look again
                pass
        time.sleep(0.02)
    out, err = proc.communicate(timeout=120)
    assert killed is not None, "the crawl ended before a worker could be killed"
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    clean = committed_articles(crawled[0])
    got = committed_articles(db)
    assert got <= clean and len(got) >= len(clean) - 1
    if len(got) < len(clean):
        assert "was killed by signal 9 while processing" in err, err


def parent(pid: int) -> int:
    fields = stat_fields(pid)
    return int(fields[1]) if fields else 0


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def committed_articles(db: Path) -> set[str]:
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return {row[0] for row in conn.execute("SELECT canonical_url FROM articles")}
    except sqlite3.OperationalError:
        return set()


@pytest.mark.e2e
def test_empty_and_big_pages_pass_through_the_pipes() -> None:
    """An empty body (no bytes to write) and a page larger than the pipe (written as it drains)."""
    big = slow_page()[:2_500_000]

    async def run() -> list[PageResult]:
        pool = ExtractionPool(1)
        try:
            return list(await asyncio.gather(pool.process(PageJob(URL, b"", "text/html")),
                                             pool.process(PageJob(URL, big, "text/html")),
                                             pool.process(PageJob(URL, b"", "text/html"))))
        finally:
            pool.close()

    empty, page, again = asyncio.run(asyncio.wait_for(run(), 120))
    assert empty.article is None and again.article is None and not empty.is_article
    assert page.html_zstd is not None and decompress_html(page.html_zstd) == big
