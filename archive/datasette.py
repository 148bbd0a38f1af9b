"""The archive as Datasette shows it: column descriptions, facets, full-text search, canned queries.

:func:`datasette_metadata` builds Datasette's metadata document for one SQLite archive, a plain
dict (this module does not import Datasette): ``newscrawler serve`` writes it to a file and starts
Datasette with it; anyone can do the same with ``datasette news.sqlite3 -m metadata.json``.
The canned queries are SQLite SQL over the tables of :mod:`archive.models`.
"""

from __future__ import annotations

from typing import Any

ARTICLE_COLUMNS = {
    "id": "The article's number (`newscrawler show ID`)",
    "url": "The URL the page was fetched from (after redirects)",
    "canonical_url": "The URL the article is stored under: the page's rel=canonical, normalised",
    "site": "The site: the host without www.",
    "title": "The headline",
    "authors": "Authors named by the byline or the page's metadata (a JSON list)",
    "credit": "A byline naming no person (\"By Staff Writer\"), as written",
    "published_at": "When the article was published (UTC, ISO 8601); see date_source",
    "modified_at": "When the publisher last changed it, as the page says (UTC)",
    "site_name": "The publication's name as the page gives it",
    "section": "The section (Politics, Sport...) the page names",
    "tags": "Keywords and tags of the page (a JSON list)",
    "language": "ISO 639-1 language code of the text",
    "description": "The page's summary (og:description or meta description)",
    "image_url": "The lead image",
    "text": "The clean text: one paragraph a line, without menus, share bars or related links",
    "markdown": "The text with its structure: headings, lists, quotes, tables",
    "date_source": "Where published_at came from: jsonld, meta, url, text",
    "title_source": "Where the title came from: jsonld, og, twitter, h1, title, text",
    "is_paywalled": "1: the page says the article is behind a paywall (the text may be partial)",
    "word_count": "Words in the text",
    "content_hash": "SHA-256 of the normalised text: equal texts, equal hashes",
    "fetched_at": "When the page was first archived (UTC)",
    "updated_at": "When the article last changed in the archive (a new version) (UTC)",
}

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "One row per article: the clean text and its metadata. Full-text search: the search box "
                       "(SQLite FTS5 over title and text).",
        "columns": ARTICLE_COLUMNS,
        "facets": ["site", "section", "language", {"array": "authors"}],
        "sort_desc": "published_at",
        "label_column": "title",
        "size": 50,
    },
    "raw_pages": {
        "description": "The page each article was extracted from, as fetched (zstd-compressed), for re-extraction",
        "columns": {"article_id": "The article", "url": "The URL as requested", "final_url": "After redirects",
                    "status": "HTTP status", "content_type": "The Content-Type header",
                    "encoding": "The character encoding the page was decoded with",
                    "fetched_at": "When it was fetched (UTC)", "html_zstd": "The body, zstd-compressed",
                    "size": "The body's size in bytes",
                    "headers": "The response headers as received, JSON [[name, value], ...] (empty before 0010)",
                    "warc_file": "The WARC file of its capture (crawl --warc), absolute path",
                    "warc_offset": "The offset of its record in that file",
                    "warc_length": "The length of its record (gzip member) in bytes"},
    },
    "article_versions": {
        "description": "Every distinct title and text an article has had; version 1 is the first fetch",
        "columns": {"article_id": "The article", "version": "1, 2, ...", "fetched_at": "When this version was seen",
                    "title": "The headline of this version",
                    "text": "The text of this version (empty for the latest: it is the article's text)",
                    "content_hash": "SHA-256 of the version's normalised text"},
        "facets": ["version"],
    },
    "aliases": {
        "description": "URLs whose page repeats a stored article: kept so that nothing a crawl fetched vanishes",
        "columns": {"url": "The copy's canonical URL", "site": "Its site", "article_id": "The article it repeats",
                    "reason": "duplicate_body (same text elsewhere) or same_canonical (declares the article's URL)",
                    "first_seen": "First met (UTC)", "last_seen": "Last met (UTC)"},
        "facets": ["site", "reason"],
    },
    "urls": {
        "description": "Every URL a crawl has met and what became of it: the trace `newscrawler explain` shows",
        "columns": {"url": "The canonical URL", "site": "Its site",
                    "kind": "article, not_article, listing, discovery or failed",
                    "first_seen": "First met (UTC)", "last_fetched": "Last fetched (UTC)",
                    "last_status": "The last HTTP status", "next_check": "When a crawl looks again (empty: never)",
                    "failures": "Failed fetches in a row", "article_id": "The article it is, or repeats",
                    "reason": "Why it is not an article of its own: not_article:<reason>, dropped:<reason>, "
                              "duplicate_body, error:<kind>...",
                    "etag": "The ETag validator", "last_modified": "The Last-Modified validator",
                    "published_at": "Publication date (UTC), for revisits",
                    "pending": "Set while the crawl that wrote the row runs",
                    "last_failed": "When its latest failed fetch was (UTC; empty: never failed)"},
        "facets": ["site", "kind", "reason"],
    },
    "runs": {
        "description": "Every crawl and re-extraction: when, how it ended, what it archived",
        "columns": {"status": "ok, partial, failed, interrupted, aborted or running", "command": "crawl, fetch, reextract...",
                    "args": "The run's arguments (JSON)", "stats": "Scrapy's stats at the end (JSON)",
                    "articles_new": "Articles archived for the first time",
                    "articles_updated": "Articles whose text or title changed",
                    "sites": "Per-site counts (JSON)"},
        "sort_desc": "id",
        "facets": ["status", "command"],
    },
}

QUERIES: dict[str, dict[str, Any]] = {
    "articles_per_day": {
        "title": "Articles per day per site",
        "description": "Articles by publication day (fetch day when undated), per site, over the last :days "
                       "days (default 30)",
        "sql": "select substr(coalesce(published_at, fetched_at), 1, 10) as day, site, count(*) as articles\n"
               "from articles\n"
               "where coalesce(published_at, fetched_at) >= "
               "date('now', '-' || coalesce(nullif(:days, ''), 30) || ' days')\n"
               "group by day, site\norder by day desc, articles desc",
    },
    "latest_per_site": {
        "title": "Latest articles of each site",
        "description": "The newest :per_site articles (default 5) of every site",
        "sql": "select site, id, published_at, title, canonical_url from (\n"
               "  select site, id, published_at, title, canonical_url, row_number() over (\n"
               "    partition by site order by coalesce(published_at, fetched_at) desc, id desc) as n\n"
               "  from articles)\n"
               "where n <= cast(coalesce(nullif(:per_site, ''), 5) as integer)\n"
               "order by site, n",
    },
    "article_versions": {
        "title": "Versions of an article",
        "description": "Every version of article :id (its number, as in `newscrawler show ID`), oldest first",
        "sql": "select v.version, v.fetched_at, v.title, length(coalesce(v.text, a.text)) as characters,\n"
               "  v.content_hash\n"
               "from article_versions v join articles a on a.id = v.article_id\n"
               "where v.article_id = cast(:id as integer)\norder by v.version",
    },
    "failed_urls_of_last_run": {
        "title": "Failed URLs of the last run",
        "description": "The URLs whose fetch failed during the latest crawl (HTTP errors, timeouts, refused "
                       "connections, unreachable sites), with the last status and the reason",
        "sql": "with last as (select started_at, coalesce(finished_at, '9999') as finished_at\n"
               "  from runs where command = 'crawl' order by id desc limit 1)\n"
               "select u.url, u.site, u.kind, u.last_status, u.reason, u.failures, u.last_failed\n"
               "from urls u, last\n"
               "where u.last_failed >= last.started_at and u.last_failed <= last.finished_at\n"
               "order by u.site, u.url",
    },
}


def datasette_metadata(database: str, title: str = "newscrawler archive") -> dict[str, Any]:
    """Datasette's metadata for the archive Datasette names ``database`` (the file's name without
    ``.sqlite3``/``.db``): descriptions of every table and column, facets on site, section,
    language and authors, and the canned queries of :data:`QUERIES`."""
    return {
        "title": title,
        "description_html": "Articles archived by <a href=\"https://github.com/newscrawler/newscrawler\">"
                            "newscrawler</a>. Read-only.",
        "databases": {database: {"tables": TABLES, "queries": QUERIES}},
    }
