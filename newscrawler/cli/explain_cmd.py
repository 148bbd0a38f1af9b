"""``newscrawler explain URL``: every decision about one page, with its evidence."""

from __future__ import annotations

import json

import click
from sqlalchemy import Engine

from archive.engine import describe_db, open_archive
from archive.errors import ArchiveError
from newscrawler.cli.options import db_option, read_sources, settings_option
from newscrawler.explain import VIA_CHOICES, explain as explain_url


@click.command()
@click.argument("url")
@click.option("--via", type=click.Choice(VIA_CHOICES),
              help="How the URL was found, as evidence (default: 'archived' if the archive knows it as an "
                   "article, else a link).")
@click.option("--from-archive", is_flag=True,
              help="Decide on the archive's raw copy of the page instead of fetching it.")
@click.option("--sources", type=click.Path(dir_okay=False),
              help="Apply the publisher profile ([site.profile]) of the URL's site in this sources file.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the steps, would_store and the verdict.")
@settings_option
@db_option
def explain(url: str, via: str | None, from_archive: bool, sources: str | None, as_json: bool,
            overrides: dict[str, str], db: str | None) -> None:
    """Why a page is (or is not) archived: robots.txt, blocking, the article decision and its
    evidence, the extracted words, byline, section, title and date sources, a duplicate's owner, and whether a
    crawl would store it. Fetches the page as a crawl would (nothing is stored), or reads the
    archive's copy with --from-archive; adds what the last crawl recorded about the URL.

    \b
    Example:
      newscrawler explain https://www.example-news.com/2026/03/04/harbor-bridge-reopens/
      newscrawler explain https://www.example-news.com/weather --db news.sqlite3 --json
      newscrawler explain https://www.example-news.com/2026/03/04/bridge/ --sources sources.toml
    """
    from newscrawler.sources import SiteRules

    rules = SiteRules([s.to_dict() for s in read_sources(sources, disabled=True)] if sources else None)
    engine = _archive(db)
    from newscrawler import settings

    result = explain_url(url, engine, via=via, from_archive=from_archive, settings=overrides,
                         min_words=settings.ARTICLE_MIN_WORDS, profile=rules.profile(url))
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(result.url)
    width = max((len(topic) for topic, _ in result.steps), default=0)
    for topic, text in result.steps:
        click.echo(f"  {topic.ljust(width)}  {text}")
    click.echo(f"verdict: {result.verdict}")


def _archive(db: str | None) -> Engine | None:
    """The archive, read-only; None (with a note) when there is none at the default path."""
    try:
        return open_archive(db, readonly=True)
    except ArchiveError as exc:
        if db:
            raise
        click.echo(f"note: no archive consulted ({describe_db(db)}: {exc})", err=True)
        return None
