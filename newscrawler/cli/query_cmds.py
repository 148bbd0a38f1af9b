"""Commands that read (or re-derive) the archive: search, show, export, stats, reextract."""

from __future__ import annotations

import os
import sys

import click
from sqlalchemy import Engine

from archive.article import Article
from archive.aliases import AliasInfo, find_article, with_aliases
from archive.capture import raw_capture, stored_page
from archive.engine import open_archive
from archive.export import DUPLICATE_FIELDS, EXPORT_FIELDS, article_to_dict
from archive.parquet import write_parquet
from archive.query import Filters, archive_stats, iter_articles, search as search_archive
from archive.search_sqlite import DEFAULT_CANDIDATES
from newscrawler import render
from newscrawler.cli.options import db_option, filter_options, open_output, output_options, read_sources

EXPORT_COLUMNS = ["id", "published_at", "site", "title", "word_count"]


@click.command()
@click.argument("query")
@click.option("--literal", is_flag=True, help="Search the words as typed (no FTS5 syntax: AND, OR, quotes, *).")
@click.option("--rank-all", is_flag=True,
              help=f"Rank every match, not only the newest {DEFAULT_CANDIDATES:,} (exact; slower for common words).")
@filter_options
@output_options()
def search(query: str, literal: bool, rank_all: bool, db: str | None, fmt: str, output: str | None,
           filters: Filters) -> None:
    """Full-text search (SQLite FTS5, bm25 ranking; title matches weigh more).

    QUERY uses FTS5 syntax: words, "exact phrases", OR, NOT, prefix*. On a
    PostgreSQL archive it uses web-search syntax ("phrases", -word, or) and
    ts_rank_cd ranking. The table shows a snippet with the matches highlighted;
    json, jsonl and csv give every stored field with snippet and rank.
    On SQLite the newest 2,000 matches are ranked (all of them with --rank-all).

    \b
    Example:
      newscrawler search '"harbor bridge" OR ferry' --since 2026-03-01 --lang en
      newscrawler search 'election' --site example-news.com --format json
    """
    engine = open_archive(db, readonly=True)
    with open_output(output) as out:
        hits = search_archive(engine, query, filters, literal=literal, highlight=render.snippet_marks(fmt, out),
                              candidates=None if rank_all else DEFAULT_CANDIDATES)
        render.write_search(hits, query, fmt, out)


@click.command()
@click.argument("id_or_url")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Show the body as Markdown (headings, lists, quotes, tables) instead of plain text.")
@click.option("--raw", is_flag=True,
              help="Write the page's bytes as received instead (from its WARC record when the crawl wrote "
                   "one, else the archive's copy; content coding undone).")
@output_options()
@db_option
def show(id_or_url: str, as_markdown: bool, raw: bool, fmt: str, output: str | None, db: str | None) -> None:
    """Show one article's metadata and clean text, by id or URL.

    A URL kept as an alias of an article (a copy of it under another URL)
    shows that article, with a note on standard error. The table format is
    the metadata, one field a line, then the text; json is one object.

    \b
    Example:
      newscrawler show 42
      newscrawler show 42 --markdown
      newscrawler show https://www.example-news.com/2026/03/04/harbor-bridge-reopens/ --format json
      newscrawler show 42 --raw -o page.html
    """
    engine = open_archive(db, readonly=True)
    key: str | int = int(id_or_url) if id_or_url.isdigit() else id_or_url
    article, alias = find_article(engine, key)
    if article is None:
        raise click.ClickException(f"no article {id_or_url} in the archive")
    if raw:
        if alias is not None:
            note_alias(id_or_url, alias)
        write_raw(engine, article.id, output)
        return
    data = article_to_dict(article)
    if alias is not None:
        note_alias(id_or_url, alias)
        data["alias"] = alias.to_json()
    with open_output(output) as out:
        if fmt == "json":
            render.write_json_value(data, out)
        elif fmt != "table":
            render.write_records([data], fmt, out, columns=[])
        else:
            text, markdown = data.pop("text"), data.pop("markdown")
            data.pop("alias", None)
            render.write_fields(data, out)
            out.write("\n" + ((markdown or text) if as_markdown else text) + "\n")


def write_raw(engine: Engine, article_id: int, output: str | None) -> None:
    """``show --raw``: the page's bytes to ``output`` or standard output (a note on standard error
    when its WARC record could not be read)."""
    page = stored_page(engine, article_id)
    if page is None:
        raise click.ClickException(f"article {article_id} has no stored page")
    capture = raw_capture(page)
    if capture.note:
        click.echo(f"note: {capture.note}", err=True)
    write_bytes(capture.body, output)


def write_bytes(data: bytes, output: str | None) -> None:
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def note_alias(asked: str, alias: AliasInfo) -> None:
    """One line on standard error: the URL asked for is a copy of the article shown."""
    click.echo(f"note: {asked} is a duplicate of article {alias.article_id} ({alias.owner})", err=True)


@click.command()
@click.option("--include-duplicates", is_flag=True,
              help="After each article, one row per URL kept as its alias (a copy under another URL), "
                   "with duplicate_of/duplicate_of_id naming the article.")
@filter_options
@output_options(default="jsonl", files=("parquet", "warc"))
def export(fmt: str, output: str | None, include_duplicates: bool, db: str | None, filters: Filters) -> None:
    """Stream articles (all fields and the clean text) as JSON Lines, JSON, CSV or Parquet.

    With --include-duplicates every row has duplicate_of (null for an
    article) and the aliases of each article follow it: its fields with the
    alias as url, canonical_url and site. Filters and --limit select articles.
    --format table lists id, date, site, title and words. --format parquet
    (to a file; pip install 'newscrawler[parquet]') has typed columns:
    timestamps in UTC, lists of authors and tags. --format warc (to a
    .warc.gz file) writes each article's page as a WARC response record: its
    own capture when the crawl wrote one (crawl --warc), else rebuilt from the
    archive (see docs/warc.md).

    \b
    Example:
      newscrawler export --format jsonl --since 2026-03-01 > march.jsonl
      newscrawler export --format csv --site example-news.com -o site.csv
      newscrawler export --include-duplicates | jq 'select(.duplicate_of)'
      newscrawler export --format parquet -o news.parquet
      newscrawler export --format warc -o news.warc.gz
    """
    engine = open_archive(db, readonly=True)
    if fmt == "warc" and output:  # (output_options refuses warc without one)
        if include_duplicates:
            raise click.UsageError("--include-duplicates: a WARC export has one record per article's page")
        export_warc_file(engine, filters, output)
        return
    articles = iter_articles(engine, filters)
    rows = with_aliases(engine, articles) if include_duplicates else map(article_to_dict, articles)
    fields = DUPLICATE_FIELDS if include_duplicates else EXPORT_FIELDS
    columns = [*EXPORT_COLUMNS, "duplicate_of"] if include_duplicates else EXPORT_COLUMNS
    if fmt == "parquet" and output:  # (output_options refuses parquet without one)
        count = write_parquet(rows, output, fields)
        click.echo(f"exported {count} {'rows' if include_duplicates else 'articles'} to {output}", err=True)
        return
    with open_output(output) as out:
        count = render.write_records(rows, fmt, out, columns=columns, fields=fields, indent=None)
    if output:
        click.echo(f"exported {count} {'rows' if include_duplicates else 'articles'} to {output}", err=True)


def export_warc_file(engine: Engine, filters: Filters, output: str) -> None:
    from archive.warc_export import export_warc
    from newscrawler.fetch.warc import software

    try:
        with open(output, "wb") as handle:
            counts = export_warc(engine, iter_articles(engine, filters), handle, os.path.basename(output),
                                 {"software": software()})
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"exported {counts.total} articles to {output}: {counts.copied} records as captured, "
               f"{counts.rebuilt} rebuilt from stored headers, {counts.no_headers} without headers "
               "(stored before headers were kept)", err=True)


@click.command()
@click.option("--days", type=click.IntRange(1), default=14, show_default=True, help="Days shown per day.")
@click.option("--runs", type=click.IntRange(0), default=5, show_default=True, help="Last runs shown.")
@output_options()
@db_option
def stats(days: int, runs: int, fmt: str, output: str | None, db: str | None) -> None:
    """Articles per site and per day, and the last crawl runs.

    json is one object (total, sites, days, runs); jsonl and csv give one
    record a row, its "table" field naming the part it belongs to.

    \b
    Example:
      newscrawler stats --days 30
      newscrawler stats --format csv -o stats.csv
    """
    result = archive_stats(open_archive(db, readonly=True), days=days, runs=runs)
    with open_output(output) as out:
        render.write_stats(result, fmt, out)


@click.command()
@click.option("--sources", type=click.Path(dir_okay=False),
              help="Apply the publisher profiles ([site.profile]) of this sources file to their sites' articles.")
@filter_options
def reextract(db: str | None, filters: Filters, sources: str | None) -> None:
    """Rebuild articles from their stored raw HTML (after an extractor upgrade, or a new profile).

    Without --sources, the general extraction rules alone; with it, each article's
    site profile (by the URL its page was fetched from) too, disabled sites included.

    \b
    Example:
      newscrawler reextract --site example-news.com --since 2026-01-01
      newscrawler reextract --sources sources.toml --site example-news.com
    """
    from archive.reextract import reextract as run_reextract
    from newscrawler.extract.extractor import extract_article
    from newscrawler.sources import SiteRules

    rules = SiteRules([s.to_dict() for s in read_sources(sources, disabled=True)] if sources else None)
    profiled = 0

    def extract(html: str, url: str) -> Article | None:
        nonlocal profiled
        profile = rules.profile(url)
        profiled += profile is not None
        return extract_article(html, url, profile)

    engine = open_archive(db)
    result = run_reextract(engine, filters, extract)
    with_profile = f" ({profiled} with a publisher profile)" if sources else ""
    click.echo(f"re-extracted {result.checked} articles{with_profile}: {result.updated} updated, "
               f"{result.unchanged} unchanged, {result.failed} failed", err=True)


@click.command()
@db_option
def migrate(db: str | None) -> None:
    """Upgrade the archive's schema in place to this version of newscrawler.

    Write commands (crawl, fetch, reextract) do this by themselves; readers
    (search, show, export, stats) never write and ask for it instead.

    \b
    Example:
      newscrawler migrate --db news.sqlite3
    """
    from archive.engine import current_revision, head_revision, upgrade_archive

    upgrade_archive(db)
    engine = open_archive(db, readonly=True)
    click.echo(f"archive at schema revision {current_revision(engine)} (latest {head_revision()})", err=True)
