"""``newscrawler demo``: serve the bundled site on loopback, crawl it, show what was archived."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newscrawler.demo.server import DemoServer
from newscrawler.runner import CrawlOptions, run_crawl

# Politeness is lifted: this is our own site on 127.0.0.1.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}
SAMPLE_QUERY = "harbor"


def remove_archive(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_demo(db: str, *, keep: bool = False, query: str = SAMPLE_QUERY) -> int:
    """Crawl the demo site into ``db``; print the summary, stats and a sample search. Returns the exit code."""
    from newscrawler.cli.query_cmds import search, stats

    path = Path(db).resolve()
    if not keep:
        remove_archive(path)
    with DemoServer() as server:
        click.echo(f"Serving the demo news site at {server.base_url}/ and crawling it into {path} ...", err=True)
        options = CrawlOptions(urls=[server.base_url + "/"], db=str(path), settings=dict(LOCAL_SETTINGS),
                               progress=sys.stderr.isatty())
        report = run_crawl(options)
    click.echo(report.summary(str(path)), err=True)
    for url, message in report.site_errors.items():
        click.echo(f"error: {url}: {message}", err=True)
    if report.exit_code:
        return report.exit_code
    click.echo("")
    stats.main(["--db", str(path), "--runs", "3"], standalone_mode=False)
    click.echo(f"\n$ newscrawler search {query} --db {db} --limit 5")
    search.main([query, "--db", str(path), "--limit", "5"], standalone_mode=False)
    click.echo(f"\nTry: newscrawler show 1 --db {db}   |   newscrawler export --db {db} --format jsonl")
    return 0
