"""Commands that fetch pages: crawl, fetch, demo."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from archive.engine import describe_db, resolve_db_url
from newscrawler.runner import EXIT_FAILED, CrawlOptions, CrawlReport, run_crawl

DB_HELP = "Archive: a file path or an SQLAlchemy URL [default: $NEWSCRAWLER_DB, else ./news.sqlite3]."


def db_option(func: Any) -> Any:
    return click.option("--db", "db", envvar="NEWSCRAWLER_DB", metavar="PATH_OR_URL", help=DB_HELP)(func)


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="-s")
        overrides[name.strip()] = setting
    return overrides


def crawl_options(func: Any) -> Any:
    options = [
        click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                     help="Override a Scrapy setting (repeatable), as with 'scrapy crawl -s'."),
        click.option("--log-level", default="WARNING", show_default=True,
                     type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
                     help="Scrapy log level on stderr (or in --log-file)."),
        click.option("--log-file", type=click.Path(dir_okay=False), help="Write the crawl log to this file."),
        click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary line."),
        db_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def sources_urls(path: str) -> list[str]:
    """Start URLs of the enabled sites in a sources TOML file ([[site]] tables with url/urls)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"cannot read sources file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise click.ClickException(f"bad sources file {path}: {exc}") from exc
    urls: list[str] = []
    for index, site in enumerate(data.get("site", []), start=1):
        if not isinstance(site, dict):
            raise click.ClickException(f"bad sources file {path}: site #{index} is not a table")
        if site.get("enabled", True) is False:
            continue
        found = site.get("urls") or ([site["url"]] if site.get("url") else [])
        if not found:
            raise click.ClickException(f"bad sources file {path}: site #{index} has no 'url' or 'urls'")
        urls.extend(str(u) for u in found)
    return urls


def finish(report: CrawlReport, db: str | None, quiet: bool) -> None:
    """Print errors (one line each) and the summary; exit with the report's code."""
    for url, message in report.site_errors.items():
        click.echo(f"error: {url}: {message}", err=True)
    if not quiet:
        click.echo(report.summary(describe_db(db)), err=True)
    code = report.exit_code
    if code:
        sys.exit(code)


def options_from(urls: list[str], db: str | None, overrides: tuple[str, ...], log_level: str,
                 log_file: str | None, quiet: bool, **extra: Any) -> CrawlOptions:
    return CrawlOptions(urls=urls, db=db, settings=parse_overrides(overrides), log_level=log_level.upper(),
                        log_file=log_file, progress=not quiet and sys.stderr.isatty(), **extra)


@click.command()
@click.argument("urls", nargs=-1, metavar="URL [URL ...]")
@click.option("--sources", type=click.Path(dir_okay=False), help="TOML file listing sites ([[site]] url=...).")
@click.option("--depth", type=click.IntRange(0, 50), help="Link-following hops from each start page [default: 3].")
@click.option("--max-articles", type=click.IntRange(1), help="Stop after this many new or updated articles.")
@click.option("--max-time", type=click.FloatRange(0, min_open=True), metavar="SECONDS",
              help="Stop after this many seconds.")
@crawl_options
def crawl(urls: tuple[str, ...], sources: str | None, depth: int | None, max_articles: int | None,
          max_time: float | None, db: str | None, overrides: tuple[str, ...], log_level: str,
          log_file: str | None, quiet: bool) -> None:
    """Discover and archive the articles of each site.

    Follows robots.txt, sitemaps (also Google News), RSS/Atom feeds and links
    within each site; only article pages are archived.

    \b
    Example:
      newscrawler crawl https://www.example-news.com/ --db news.sqlite3 --max-time 600
      newscrawler crawl http://127.0.0.1:8000/ -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False
    """
    start = list(urls) + (sources_urls(sources) if sources else [])
    if not start:
        raise click.UsageError("give at least one URL or --sources FILE")
    options = options_from(start, db, overrides, log_level, log_file, quiet, depth=depth,
                           max_articles=max_articles, max_time=max_time)
    finish(run_crawl(options), db, quiet)


@click.command()
@click.argument("url")
@crawl_options
def fetch(url: str, db: str | None, overrides: tuple[str, ...], log_level: str, log_file: str | None,
          quiet: bool) -> None:
    """Archive one article page (a one-off), without following links.

    \b
    Example:
      newscrawler fetch https://www.example-news.com/2026/03/04/harbor-bridge-reopens/
    """
    options = options_from([url], db, overrides, log_level, log_file, quiet, mode="single")
    report = run_crawl(options)
    if report.stored == 0 and not report.site_errors:
        dropped = [k.split("/", 1)[1] for k in report.stats if k.startswith("dropped/")]
        report.site_errors[url] = f"not archived ({', '.join(dropped) or 'no article found'})"
    finish(report, db, quiet)


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


__all__ = ["crawl", "fetch", "demo", "db_option", "resolve_db_url"]
