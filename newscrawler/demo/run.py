"""``newscrawler demo``: serve the bundled site on loopback, crawl it, show what was archived.

It calls the library (runner, archive, render), never another command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from archive.engine import open_archive
from archive.query import Filters, archive_stats, search
from newscrawler import render
from newscrawler.demo.server import DemoServer
from newscrawler.runner import CrawlOptions, run_crawl

# Politeness is lifted: this is our own site on 127.0.0.1.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
SAMPLE_QUERY = "harbor"
STATS_DAYS = 14
STATS_RUNS = 3
SEARCH_LIMIT = 5


def remove_archive(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_demo(db: str, *, keep: bool = False, query: str = SAMPLE_QUERY, out: TextIO | None = None,
             err: TextIO | None = None) -> int:
    """Crawl the demo site into ``db``; print the summary (to ``err``), the stats and a sample
    search (to ``out``). Returns the crawl's exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    path = Path(db).resolve()
    if not keep:
        remove_archive(path)
    with DemoServer() as server:
        print(f"Serving the demo news site at {server.base_url}/ and crawling it into {path} ...", file=err)
        options = CrawlOptions(urls=[server.base_url + "/"], db=str(path), settings=dict(LOCAL_SETTINGS),
                               progress=err.isatty())
        report = run_crawl(options)
    print(report.summary(str(path)), file=err)
    for url, message in report.site_errors.items():
        print(f"error: {url}: {message}", file=err)
    if report.exit_code:
        return report.exit_code
    engine = open_archive(str(path), readonly=True)
    try:
        out.write("\n")
        render.write_stats(archive_stats(engine, days=STATS_DAYS, runs=STATS_RUNS), "table", out)
        out.write(f"\n$ newscrawler search {query} --db {db} --limit {SEARCH_LIMIT}\n")
        hits = search(engine, query, Filters(limit=SEARCH_LIMIT), highlight=render.snippet_marks("table", out))
        render.write_search(hits, query, "table", out)
    finally:
        engine.dispose()
    out.write(f"\nTry: newscrawler show 1 --db {db}   |   newscrawler export --db {db} --format jsonl\n")
    return 0
