"""The extraction pool: same articles as in-process extraction, and no worker outlives the crawl."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import LOCAL, ROOT

from scrapy.http import HtmlResponse
from scrapy.selector import Selector

from archive.store import decompress_html
from newscrawler.classify import classify_page
from newscrawler.extraction import extract_article
from newscrawler.links import feed_links, page_links
from newscrawler.pagework import PageJob, PageResult, process_page
from newscrawler.pool import ExtractionPool

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


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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


def test_page_is_parsed_once_with_what_the_crawl_would_see() -> None:
    """The worker's one tree gives the classification and links of Scrapy's own parse of the page."""
    body = PAGE.read_bytes()
    response = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"})
    tree = Selector(response=response).root
    decision = classify_page(URL, tree)
    result = process_page(PageJob(URL, body, "text/html", feeds=True))
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
