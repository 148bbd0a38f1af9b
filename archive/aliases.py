"""Aliases: URLs whose page repeats an article stored under another canonical URL.

A crawl that meets a second copy of an article (the same body under another
canonical URL: ``duplicate_body``; or another URL whose page declares the
canonical URL of an article already taken: ``same_canonical``) does not store
it as an article, but keeps its URL in the ``aliases`` table with the id of the
article it repeats, so that nothing a crawl fetched vanishes: ``show URL`` and
``history URL`` resolve it, ``export --include-duplicates`` lists it.

The crawl's dedupe step meets a copy before the archive has its article (it may
sit in the same write batch), so it only marks the item (:class:`Duplicate`);
the :class:`~archive.store.ArchiveWriter` writes the aliases in the transaction
of its batch, after the batch's articles (:class:`AliasBuffer`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, delete, null, select
from sqlalchemy.dialects import postgresql, sqlite

from archive.article import StoredArticle
from archive.export import article_to_dict
from archive.models import aliases_table, articles_table, urls_table
from archive.query import get_article
from archive.urls import canonicalize_url, site_of

logger = logging.getLogger(__name__)

_ALIASES = aliases_table
_ARTICLES = articles_table
_URLS = urls_table
REASONS = ("duplicate_body", "same_canonical")
CHUNK = 500  # URLs per IN (...) list
MAX_WAITING = 1000  # aliases kept for a later batch, waiting for their article


@dataclass
class Duplicate:
    """A fetched page that repeats an article: the alias to keep (``url``, canonical), the
    canonical URL of the article it repeats (``owner``), why, when, and the URLs fetched for
    it (the request URL and where it redirected: their URL states record the decision)."""

    url: str
    owner: str
    reason: str
    seen_at: datetime
    fetched: tuple[str, ...] = ()


@dataclass
class AliasResult:
    """What a batch did with its aliases: new rows, and the article id each was resolved to."""

    inserted: int = 0
    resolved: list[tuple[Duplicate, int]] = field(default_factory=list)
    orphans: list[Duplicate] = field(default_factory=list)  # their article is not in the archive
    waiting: list[Duplicate] = field(default_factory=list)  # not yet: kept for a later batch


def _chunks(items: list[str]) -> Iterator[list[str]]:
    pending = iter(items)
    return iter(lambda: list(islice(pending, CHUNK)), [])


def owner_ids(conn: Connection, owners: Iterable[str]) -> dict[str, int]:
    """Canonical URL -> article id of those ``owners`` the archive has (one query per 500)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(owners))):
        stmt = select(_ARTICLES.c.canonical_url, _ARTICLES.c.id).where(_ARTICLES.c.canonical_url.in_(chunk))
        found.update((url, int(article_id)) for url, article_id in conn.execute(stmt))
    return found


def _upsert(conn: Connection) -> Any:
    """INSERT ... ON CONFLICT (url) DO UPDATE: a later sighting refreshes all but ``first_seen``."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_ALIASES)
    kept = ("article_id", "reason", "site", "last_seen")
    return stmt.on_conflict_do_update(index_elements=["url"], set_={name: stmt.excluded[name] for name in kept})


def write_aliases(conn: Connection, resolved: list[tuple[Duplicate, int]]) -> int:
    """Insert or refresh the alias rows of ``resolved`` (duplicate, article id); returns how many
    are new. An alias whose URL is its article's own canonical URL (the same page fetched under
    two URLs) needs no row. Rows go in URL order: concurrent writers lock them in one order."""
    rows: dict[str, dict[str, Any]] = {}
    for duplicate, article_id in resolved:
        if duplicate.url != duplicate.owner:
            rows[duplicate.url] = {"url": duplicate.url, "site": site_of(duplicate.url), "article_id": article_id,
                                   "reason": duplicate.reason, "first_seen": duplicate.seen_at,
                                   "last_seen": duplicate.seen_at}
    if not rows:
        return 0
    urls = sorted(rows)
    known = 0
    for chunk in _chunks(urls):
        known += len(conn.execute(select(_ALIASES.c.url).where(_ALIASES.c.url.in_(chunk))).all())
    conn.execute(_upsert(conn), [rows[url] for url in urls])
    return len(urls) - known


def forget_aliases(conn: Connection, urls: Iterable[str]) -> None:
    """Delete the aliases of these canonical URLs: each is now an article of its own."""
    for chunk in _chunks(sorted(set(urls))):
        conn.execute(delete(_ALIASES).where(_ALIASES.c.url.in_(chunk)))


class AliasBuffer:
    """The aliases an :class:`~archive.store.ArchiveWriter` writes with its next batch.

    An alias whose article the archive does not have yet waits for later batches: on a
    shared frontier, another worker may still hold that article in its batch. The final
    write (the writer's close) gives up on them: they are orphans (an article left out
    by a limit, or whose write failed). At most ``MAX_WAITING`` wait; beyond that the
    oldest are given up at once.
    """

    def __init__(self) -> None:
        self.new: list[Duplicate] = []
        self.waiting: list[Duplicate] = []

    def __len__(self) -> int:
        """Aliases not yet tried (those waiting for their article are not counted)."""
        return len(self.new)

    def add(self, duplicate: Duplicate) -> None:
        self.new.append(duplicate)

    def wanted(self, final: bool) -> bool:
        """Whether a write has anything to do."""
        return bool(self.new) or (final and bool(self.waiting))

    def write(self, conn: Connection, final: bool = False) -> AliasResult:
        """Resolve the buffered aliases' articles (one query) and write those found, in ``conn``'s
        transaction; the buffer is emptied by :meth:`done` once the transaction commits."""
        candidates = self.waiting + self.new
        if not candidates:
            return AliasResult()
        ids = owner_ids(conn, (d.owner for d in candidates))
        result = AliasResult(resolved=[(d, ids[d.owner]) for d in candidates if d.owner in ids])
        missing = [d for d in candidates if d.owner not in ids]  # oldest first
        given_up = len(missing) if final else max(0, len(missing) - MAX_WAITING)
        result.orphans, result.waiting = missing[:given_up], missing[given_up:]
        result.inserted = write_aliases(conn, result.resolved)
        return result

    def done(self, result: AliasResult) -> None:
        """The batch committed: keep only the aliases still waiting for their article."""
        self.new, self.waiting = [], result.waiting


# --- reading ------------------------------------------------------------------------


@dataclass
class AliasInfo:
    """A URL that repeats article ``article_id`` (whose canonical URL is ``owner``)."""

    url: str
    article_id: int
    owner: str
    reason: str
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "reason": self.reason, "duplicate_of": self.owner, "duplicate_of_id": self.article_id,
                "first_seen": self.first_seen.isoformat() if self.first_seen else None,
                "last_seen": self.last_seen.isoformat() if self.last_seen else None}


def resolve_alias(engine: Engine, url: str) -> AliasInfo | None:
    """The article ``url`` repeats: from the aliases, else from the URL state of a page fetched
    under a URL other than its alias (the request URL of a redirect, a page whose own canonical
    link names another URL); None if ``url`` is no known duplicate."""
    key = canonicalize_url(url.strip())
    a, u = _ALIASES, _URLS
    owner = _ARTICLES.c.canonical_url
    by_alias = (select(a.c.url, a.c.article_id, owner, a.c.reason, a.c.first_seen, a.c.last_seen)
                .join(_ARTICLES, _ARTICLES.c.id == a.c.article_id).where(a.c.url == key))
    by_state = (select(u.c.url, u.c.article_id, owner, u.c.reason, null(), null())
                .join(_ARTICLES, _ARTICLES.c.id == u.c.article_id)
                .where(u.c.url == key, u.c.reason.in_(REASONS)))
    with engine.connect() as conn:
        row = conn.execute(by_alias).first() or conn.execute(by_state).first()
    if row is None:
        return None
    return AliasInfo(row[0], int(row[1]), row[2], row[3], row[4], row[5])


def find_article(engine: Engine, id_or_url: str | int) -> tuple[StoredArticle | None, AliasInfo | None]:
    """The article with this id, URL or canonical URL, else the article this URL is an alias
    of (with the alias); ``(None, None)`` if neither."""
    article = get_article(engine, id_or_url)
    if article is not None or isinstance(id_or_url, int) or id_or_url.strip().isdigit():
        return article, None
    alias = resolve_alias(engine, id_or_url)
    if alias is None:
        return None, None
    return get_article(engine, alias.article_id), alias


# --- export -------------------------------------------------------------------------


def with_aliases(engine: Engine, articles: Iterable[StoredArticle], batch: int = CHUNK) -> Iterator[dict[str, Any]]:
    """Export rows of ``articles`` (``duplicate_of`` null), each followed by one row per alias
    of it: the article's fields with the alias as ``url``/``canonical_url``/``site`` and
    ``duplicate_of``/``duplicate_of_id`` naming the article. Streamed: one query per ``batch``."""
    pending = iter(articles)
    while chunk := list(islice(pending, batch)):
        found: dict[int, list[str]] = {}
        stmt = (select(_ALIASES.c.article_id, _ALIASES.c.url)
                .where(_ALIASES.c.article_id.in_([a.id for a in chunk])).order_by(_ALIASES.c.id))
        with engine.connect() as conn:
            for article_id, url in conn.execute(stmt):
                found.setdefault(int(article_id), []).append(url)
        for article in chunk:
            row = {**article_to_dict(article), "duplicate_of": None, "duplicate_of_id": None}
            yield row
            for url in found.get(article.id or 0, []):
                yield {**row, "url": url, "canonical_url": url, "site": site_of(url),
                       "duplicate_of": article.canonical_url, "duplicate_of_id": article.id}
