"""Commands that fetch pages: crawl, fetch, demo."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from archive.engine import describe_db, resolve_db_url
from newscrawler.cli.options import crawl_options, read_sources, when_text
from newscrawler.runner import EXIT_FAILED, CrawlOptions, CrawlReport, interrupted_run, resume_options, run_crawl


def finish(report: CrawlReport, db: str | None, quiet: bool) -> None:
    """Print errors (one line each) and the summary; exit with the report's code."""
    for url, message in report.site_errors.items():
        click.echo(f"error: {url}: {message}", err=True)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    if not quiet:
        click.echo(report.summary(describe_db(db)), err=True)
    code = report.exit_code
    if code:
        sys.exit(code)


def options_from(urls: list[str], db: str | None, overrides: dict[str, str], log_level: str,
                 log_file: str | None, quiet: bool, **extra: Any) -> CrawlOptions:
    return CrawlOptions(urls=urls, db=db, settings=dict(overrides), log_level=log_level.upper(),
                        log_file=log_file, progress=not quiet and sys.stderr.isatty(), **extra)


@click.command()
@click.argument("urls", nargs=-1, metavar="URL [URL ...]")
@click.option("--sources", type=click.Path(dir_okay=False),
              help="TOML file of sites ([[site]] tables; see 'newscrawler sources check').")
@click.option("--depth", type=click.IntRange(0, 50), help="Link-following hops from each start page [default: 3].")
@click.option("--max-articles", type=click.IntRange(1), help="Stop after this many new or updated articles.")
@click.option("--max-time", type=click.FloatRange(0, min_open=True), metavar="SECONDS",
              help="Stop after this many seconds.")
@click.option("--revisit", is_flag=True, help="Re-check every known article of these sites now (conditional requests).")
@click.option("--since", metavar="DATE", callback=when_text,
              help="Skip sitemap/feed entries last modified before DATE (YYYY-MM-DD).")
@click.option("--full", is_flag=True, help="Not incremental: request every page again, known or not.")
@click.option("--frontier", metavar="redis://HOST:PORT/DB", envvar="NEWSCRAWLER_FRONTIER",
              help="Share the request queue and seen set with other workers through Redis "
                   "(see docs/scale-out.md) [default: $NEWSCRAWLER_FRONTIER].")
@click.option("--resume", is_flag=True,
              help="If the last crawl of the archive was interrupted, crawl its sites again (what it archived "
                   "is not requested again); else nothing to do.")
@click.option("--warc", "warc_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Also write every HTTP exchange to WARC files in DIR, with CDXJ indexes (see docs/warc.md).")
@crawl_options
def crawl(urls: tuple[str, ...], sources: str | None, depth: int | None, max_articles: int | None,
          max_time: float | None, revisit: bool, since: str | None, full: bool, frontier: str | None, resume: bool,
          warc_dir: str | None, db: str | None,
          overrides: dict[str, str], log_level: str, log_file: str | None, quiet: bool) -> None:
    """Discover and archive the articles of each site.

    Follows robots.txt, sitemaps (also Google News), RSS/Atom and JSON feeds and links
    within each site; only article pages are archived. Incremental: pages the
    archive knows are not requested again unless due for a revisit. Exit codes:
    0 ok, 1 failed, 2 usage error, 3 partial (some sites failed), 75 the archive
    is locked by another crawl.

    \b
    Example:
      newscrawler crawl https://www.example-news.com/ --db news.sqlite3 --max-time 600
      newscrawler crawl --sources sources.toml --db news.sqlite3 --quiet --log-file crawl.log
      newscrawler crawl http://127.0.0.1:8000/ -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False
      newscrawler crawl https://www.example-news.com/ --warc warcs/
    """
    if warc_dir:
        overrides = {**overrides, "WARC_DIR": os.path.abspath(warc_dir)}
    sites = read_sources(sources) if sources else []
    start = list(urls) + [u for site in sites for u in site.urls]
    if resume:
        if frontier:
            raise click.UsageError("--resume is for a crawl of its own: a frontier keeps its queue by itself")
        if start:
            raise click.UsageError("--resume takes the sites of the interrupted run: give no URL or --sources")
        resume_crawl(db, depth, max_articles, max_time, overrides, log_level, log_file, quiet)
        return
    if not start:
        raise click.UsageError("give at least one URL or --sources FILE")
    if full:
        overrides = {**overrides, "CRAWL_INCREMENTAL": "False"}
    options = options_from(start, db, overrides, log_level, log_file, quiet, depth=depth,
                           max_articles=max_articles, max_time=max_time, revisit=revisit, since=since,
                           sources=[s.to_dict() for s in sites] or None, frontier=frontier)
    finish(run_crawl(options), db, quiet)


def resume_crawl(db: str | None, depth: int | None, max_articles: int | None, max_time: float | None,
                 overrides: dict[str, str], log_level: str, log_file: str | None, quiet: bool) -> None:
    run = interrupted_run(db)
    if run is None:
        if not quiet:
            click.echo(f"nothing to resume: the last crawl of {describe_db(db)} was not interrupted", err=True)
        return
    if not quiet:
        click.echo(f"resuming run {run.id} (started {run.started_at:%Y-%m-%d %H:%M:%S} UTC, {run.status})", err=True)
    options = options_from([], db, overrides, log_level, log_file, quiet, max_articles=max_articles,
                           max_time=max_time)
    options = resume_options(run, options)
    if depth is not None:
        options.depth = depth
    finish(run_crawl(options), db, quiet)


@click.command()
@click.argument("url")
@crawl_options
def fetch(url: str, db: str | None, overrides: dict[str, str], log_level: str, log_file: str | None,
          quiet: bool) -> None:
    """Archive one article page (a one-off), without following links.

    \b
    Example:
      newscrawler fetch https://www.example-news.com/2026/03/04/harbor-bridge-reopens/
    """
    options = options_from([url], db, overrides, log_level, log_file, quiet, mode="single")
    report = run_crawl(options)
    copies = [k.split("/", 1)[1] for k in report.stats if k.startswith("duplicates/")]
    if report.stored == 0 and copies and not report.site_errors:
        if not quiet:  # nothing lost: the URL resolves to the archived article
            click.echo(f"note: {url} repeats an archived article ({', '.join(copies)}): kept as its alias "
                       f"('newscrawler show URL' resolves it)", err=True)
    elif report.stored == 0 and not report.site_errors:
        dropped = [k.split("/", 1)[1] for k in report.stats if k.startswith("dropped/")]
        report.site_errors[url] = f"not archived ({', '.join(dropped) or 'no article found'})"
    finish(report, db, quiet)


@click.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE...")
@crawl_options
def import_warc(files: tuple[str, ...], db: str | None, overrides: dict[str, str], log_level: str,
                log_file: str | None, quiet: bool) -> None:
    """Archive the articles of WARC or ARC files (gzipped or not), from any tool.

    Their HTML responses go through the same article decision, dedupe and versions as a
    crawl; nothing is fetched. Importing the same files again adds nothing. Bad records
    are counted, reported and skipped. Exit codes as crawl's: 3 when a file could not be
    read in full (what it held before the damage is archived).

    \b
    Example:
      newscrawler import-warc crawl.warc.gz --db news.sqlite3
      wget --mirror --warc-file=site https://www.example-news.com/ && newscrawler import-warc site.warc.gz
    """
    from newscrawler.importer import ImportOptions, run_import

    options = ImportOptions(files=list(files), db=db, settings=dict(overrides), log_level=log_level.upper(),
                            log_file=log_file, progress=not quiet and sys.stderr.isatty())
    report = run_import(options)
    for message in report.file_errors.values():
        click.echo(f"error: {message}", err=True)
    if report.archive_error:
        click.echo(f"error: {report.archive_error}", err=True)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    if not quiet:
        click.echo(report.summary(describe_db(db)), err=True)
    if report.exit_code:
        sys.exit(report.exit_code)


@click.command()
@click.option("--db", "db", default="demo.sqlite3", show_default=True, metavar="PATH",
              help="The demo archive (replaced on each run).")
@click.option("--keep", is_flag=True, help="Keep an existing demo archive instead of starting afresh.")
def demo(db: str, keep: bool) -> None:
    """Serve the bundled demo news site on 127.0.0.1, crawl it, show stats and a search.

    Works offline.

    \b
    Example:
      newscrawler demo --db /tmp/demo.sqlite3
    """
    from newscrawler.demo.run import run_demo

    code = run_demo(db, keep=keep)
    if code:
        sys.exit(code if code != EXIT_FAILED else 1)


__all__ = ["crawl", "fetch", "import_warc", "demo", "resolve_db_url"]
