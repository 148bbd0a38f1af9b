"""Commands that read (or re-derive) the archive: search, show, export, stats, reextract."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

import click

from archive.aliases import AliasInfo, find_article, with_aliases
from archive.engine import open_archive
from archive.export import DUPLICATE_FIELDS, article_to_dict, write_articles, write_rows as export_rows
from archive.urls import site_of
from archive.when import parse_day_or_when
from archive.search_sqlite import DEFAULT_CANDIDATES
from archive.query import Filters, archive_stats, iter_articles, search as search_archive
from newscrawler.cli.crawl_cmds import db_option
from newscrawler.cli.output import highlighted, open_output, output_options, write_rows


def parse_when(value: str | None) -> date | datetime | None:
    """YYYY-MM-DD (a whole day) or an ISO 8601 date-time; a bad value is a usage error."""
    if not value:
        return None
    parsed = parse_day_or_when(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time")
    return parsed


def filter_options(func: Any) -> Any:
    options = [
        click.option("--site", metavar="HOST", help="Only articles of this site (host name)."),
        click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY-MM-DD or ISO date-time)."),
        click.option("--until", metavar="DATE", help="Published on or before DATE."),
        click.option("--author", metavar="NAME", help="Author name contains NAME (case-insensitive)."),
        click.option("--lang", "language", metavar="xx", help="Language code (ISO 639-1), e.g. en."),
        click.option("--limit", type=click.IntRange(1), help="At most N articles."),
        db_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_filters(site: str | None, since: str | None, until: str | None, author: str | None,
                 language: str | None, limit: int | None) -> Filters:
    return Filters(site=site, since=parse_when(since), until=parse_when(until), author=author,
                   language=language.lower() if language else None, limit=limit)


@click.command()
@click.argument("query")
@click.option("--literal", is_flag=True, help="Search the words as typed (no FTS5 syntax: AND, OR, quotes, *).")
@click.option("--rank-all", is_flag=True,
              help=f"Rank every match, not only the newest {DEFAULT_CANDIDATES:,} (exact; slower for common words).")
@filter_options
@output_options
def search(query: str, literal: bool, rank_all: bool, db: str | None, fmt: str | None, output: str | None,
           **filters: Any) -> None:
    """Full-text search (SQLite FTS5, bm25 ranking; title matches weigh more).

    QUERY uses FTS5 syntax: words, "exact phrases", OR, NOT, prefix*. On a
    PostgreSQL archive it uses web-search syntax ("phrases", -word, or) and
    ts_rank_cd ranking. The table shows a snippet with the matches highlighted.
    On SQLite the newest 2,000 matches are ranked (all of them with --rank-all).

    \b
    Example:
      newscrawler search '"harbor bridge" OR ferry' --since 2026-03-01 --lang en
      newscrawler search 'election' --site example-news.com --json
    """
    engine = open_archive(db, readonly=True)
    with open_output(output) as out:
        plain = fmt is not None or not out.isatty()
        marks = ("**", "**") if plain else ("\x02", "\x03")
        hits = search_archive(engine, query, make_filters(**filters), literal=literal, highlight=marks,
                              candidates=None if rank_all else DEFAULT_CANDIDATES)
        rows = []
        for hit in hits:
            row = article_to_dict(hit.article) if fmt else _summary(hit.article)
            row.update(snippet=hit.snippet, rank=round(hit.rank, 4))
            rows.append(row)
        columns = ["id", "published_at", "site", "title", "snippet"]
        write_rows(rows, fmt, out, columns if fmt != "csv" else list(rows[0]) if rows else columns,
                   title=f"{len(rows)} results for {query!r}", styles={"snippet": lambda s: highlighted(s or "")})


def _summary(article: Any) -> dict[str, Any]:
    published = article.published_at.strftime("%Y-%m-%d %H:%M") if article.published_at else ""
    return {"id": article.id, "published_at": published, "site": site_of(article.canonical_url or article.url),
            "title": article.title}


@click.command()
@click.argument("id_or_url")
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Show the body as Markdown (headings, lists, quotes, tables) instead of plain text.")
@db_option
def show(id_or_url: str, as_json: bool, as_markdown: bool, db: str | None) -> None:
    """Show one article's metadata and clean text, by id or URL.

    A URL kept as an alias of an article (a copy of it under another URL)
    shows that article, with a note on standard error.

    \b
    Example:
      newscrawler show 42
      newscrawler show 42 --markdown
      newscrawler show https://www.example-news.com/2026/03/04/harbor-bridge-reopens/ --json
    """
    engine = open_archive(db, readonly=True)
    key: str | int = int(id_or_url) if id_or_url.isdigit() else id_or_url
    article, alias = find_article(engine, key)
    if article is None:
        raise click.ClickException(f"no article {id_or_url} in the archive")
    data = article_to_dict(article)
    if alias is not None:
        note_alias(id_or_url, alias)
        data["alias"] = alias.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    text = data.pop("text")
    markdown = data.pop("markdown")
    if as_markdown:
        text = markdown or text
    data.pop("alias", None)
    width = max(len(k) for k in data)
    for key_, value in data.items():
        shown = "; ".join(value) if isinstance(value, list) else ("" if value is None else value)
        click.echo(f"{key_:<{width}}  {shown}")
    click.echo("")
    click.echo(text)


def note_alias(asked: str, alias: AliasInfo) -> None:
    """One line on standard error: the URL asked for is a copy of the article shown."""
    click.echo(f"note: {asked} is a duplicate of article {alias.article_id} ({alias.owner})", err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE instead of standard output.")
@click.option("--include-duplicates", is_flag=True,
              help="After each article, one row per URL kept as its alias (a copy under another URL), "
                   "with duplicate_of/duplicate_of_id naming the article.")
@filter_options
def export(fmt: str, output: str | None, include_duplicates: bool, db: str | None, **filters: Any) -> None:
    """Stream articles (all fields and the clean text) as JSON Lines, JSON or CSV.

    With --include-duplicates every row has duplicate_of (null for an
    article) and the aliases of each article follow it: its fields with the
    alias as url, canonical_url and site. Filters and --limit select articles.

    \b
    Example:
      newscrawler export --format jsonl --since 2026-03-01 > march.jsonl
      newscrawler export --format csv --site example-news.com -o site.csv
      newscrawler export --include-duplicates | jq 'select(.duplicate_of)'
    """
    engine = open_archive(db, readonly=True)
    articles = iter_articles(engine, make_filters(**filters))
    with open_output(output) as out:
        if include_duplicates:
            count = export_rows(with_aliases(engine, articles), fmt, out, DUPLICATE_FIELDS)
        else:
            count = write_articles(articles, fmt, out)
    if output:
        click.echo(f"exported {count} {'rows' if include_duplicates else 'articles'} to {output}", err=True)


@click.command()
@click.option("--days", type=click.IntRange(1), default=14, show_default=True, help="Days shown per day.")
@click.option("--runs", type=click.IntRange(0), default=5, show_default=True, help="Last runs shown.")
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@db_option
def stats(days: int, runs: int, as_json: bool, db: str | None) -> None:
    """Articles per site and per day, and the last crawl runs.

    \b
    Example:
      newscrawler stats --days 30
    """
    engine = open_archive(db, readonly=True)
    result = archive_stats(engine, days=days, runs=runs)
    sites = [{"site": s, "articles": n, "latest": d.isoformat() if d else None} for s, n, d in result.per_site]
    per_day = [{"day": d.isoformat(), "articles": n, "bar": "#" * min(n, 60)} for d, n in result.per_day]
    run_rows = [{"id": r.id, "command": r.command, "started_at": r.started_at.isoformat(timespec="seconds"),
                 "status": r.status, "new": r.new, "updated": r.updated,
                 "seconds": round((r.finished_at - r.started_at).total_seconds(), 1) if r.finished_at else None}
                for r in result.runs]
    if as_json:
        payload = {"total": result.total, "sites": sites, "days": per_day, "runs": run_rows}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} articles")
    write_rows(sites, None, sys.stdout, ["site", "articles", "latest"], title="Articles per site")
    write_rows(per_day, None, sys.stdout, ["day", "articles", "bar"], title="Articles per day (published)")
    write_rows(run_rows, None, sys.stdout, ["id", "command", "started_at", "seconds", "status", "new", "updated"],
               title="Last runs")


@click.command()
@filter_options
def reextract(db: str | None, **filters: Any) -> None:
    """Rebuild articles from their stored raw HTML (after an extractor upgrade).

    \b
    Example:
      newscrawler reextract --site example-news.com --since 2026-01-01
    """
    from archive.reextract import reextract as run_reextract
    from newscrawler.extract.extractor import extract_article

    engine = open_archive(db)
    result = run_reextract(engine, make_filters(**filters), extract_article)
    click.echo(f"re-extracted {result.checked} articles: {result.updated} updated, "
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
