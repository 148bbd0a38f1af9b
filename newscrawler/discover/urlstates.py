"""Incremental crawling: what the spider requests again, and what it remembers.

The spider asks :class:`UrlStates` before each request. Unknown URLs are
fetched; a known article is skipped before any request unless it is due for a
revisit (a schedule that thins out with age, ``CRAWL_REVISIT_SCHEDULE``), its
sitemap ``lastmod`` is newer than our copy, or the crawl runs with
``--revisit``; listing pages and discovery documents are always requested, with
``If-None-Match``/``If-Modified-Since`` where we have validators; failed URLs
wait for their retry time. What the crawl learns is written back to the
archive's ``urls`` table in batches.

Memory: nothing is loaded at the start. The book looks a URL's state up in the
archive when the crawl meets the URL (one indexed query, remembered for the last
``CACHE_SIZE`` URLs asked about, and none at all when the archive knows no URL of
the crawled sites), and holds the states changed since the last batch. So memory
grows neither with the archive nor with the crawl. States are written as the crawl
goes, marked with the crawl's token, and unmarked by one ``UPDATE`` at the end (see
:mod:`archive.state`). A URL is "known before" when the archive had it before this crawl wrote it.

Crash safety: until the crawl unmarks them, the states it wrote are read by any
other crawl as untrusted (:func:`archive.state.untrusted`): a crawl killed
between fetching an article page and storing its article (or following its
links) leaves the page due, without validators, so the next crawl requests it
again, in full, instead of skipping an article it never stored.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from archive.errors import ArchiveError
from archive.state import (DOCUMENTS, UrlState, count_url_states, due_articles, next_revisit, parse_interval,
                           read_url_states, save_url_states, settle_statement, untrusted)
from archive.urls import canonicalize_url, site_of
from archive.when import parse_when
from newscrawler.discover.keytable import KeyTable

logger = logging.getLogger(__name__)

FLUSH_EVERY = 200
CACHE_SIZE = 2048  # URL states remembered after a lookup (a URL is asked about at admission, request and response)
MAX_RETRY_WAIT = timedelta(days=7)


class UrlStates:
    """The URL state of the crawled sites, looked up as needed, saved in batches."""

    def __init__(self, engine: Engine | None, sites: list[str], schedule: list[str], revisit: bool = False,
                 since: datetime | None = None, enabled: bool = True, flush_every: int = FLUSH_EVERY,
                 reader: Engine | None = None) -> None:
        self.engine = engine
        self.reader = reader or engine  # lookups: a read-only engine takes no write lock
        self.flush_every = max(1, flush_every)
        self.schedule = [parse_interval(s) for s in schedule]
        self.revisit = revisit
        self.since = since
        self.enabled = enabled and engine is not None
        self.sites = sites
        self.known = count_url_states(self.reader, sites) if self.enabled and self.reader else 0  # at the start
        self._cache: OrderedDict[str, UrlState] = OrderedDict()  # looked up in the archive
        # hash() of the URLs the archive did not have when looked up: new to it, or written by this
        # crawl since (which, as before it wrote them, a lookup need not return).
        self.absent = KeyTable()
        self._conn: Connection | None = None  # on the reader, opened at the first lookup
        self.dirty: dict[str, UrlState] = {}  # changed since the last flush
        self.links: dict[str, int] = {}  # canonical URL -> article id, for states already written
        self.skipped = KeyTable()  # hash() of the known URLs this crawl skipped
        self.token = secrets.randbits(62) or 1  # marks the rows this crawl writes until it settles them
        self.started = datetime.now(UTC)
        self.store_ok = True  # False once writing an article failed: unstored pages stay due
        if self.enabled:
            logger.info("The archive knows %s URLs of %s (looked up as the crawl meets them)", self.known,
                        ", ".join(sites))

    # --- decisions ---------------------------------------------------------------------
    def get(self, url: str) -> UrlState | None:
        """The state of ``url``: as changed by this crawl, else as the archive has it, else None."""
        return self._lookup(canonicalize_url(url)) if self.enabled else None

    def _lookup(self, key: str) -> UrlState | None:
        state = self.dirty.get(key)
        if state is not None:
            return state
        if key not in self._cache and hash(key) not in self.absent:
            self.prefetch([key])
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        return None

    def prefetch(self, urls: Iterable[str]) -> None:
        """Look up the states of canonical ``urls`` not at hand, in as few queries as possible
        (a sitemap's or a page's new URLs at once), and remember them (absent ones in 9 bytes)."""
        if not self.known or self.reader is None:
            return  # the archive knew none of these sites' URLs at the start
        wanted = [url for url in dict.fromkeys(urls)
                  if url not in self.dirty and url not in self._cache and hash(url) not in self.absent]
        if not wanted:
            return
        try:
            if self._conn is None:
                self._conn = self.reader.connect()
            try:
                found = read_url_states(self._conn, wanted)
            finally:
                self._conn.rollback()  # no snapshot held between lookups
        except (ArchiveError, SQLAlchemyError) as exc:  # unreadable: fetch, the safe default
            logger.warning("URL states unreadable (%s), so the crawl fetches every page: %s", wanted[0], exc)
            self.known = 0  # once: a writer will find the damage and stop the crawl, if it lasts
            return
        now = datetime.now(UTC)
        for url in wanted:
            state = found.get(url)
            if state is None:
                self.absent.add(hash(url))
                continue
            if state.pending != self.token:  # another crawl's row may be unsettled
                state = untrusted(state, now)
            self._cache[url] = state
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def known_before(self, state: UrlState | None) -> bool:
        """True for the state of a URL that the archive knew before this crawl wrote it. Every
        state the crawl writes is looked up first (:meth:`_state`), so a URL new to the archive
        is in ``absent`` by then; with no lookups (``known`` 0) nothing is known before."""
        return state is not None and self.known > 0 and hash(state.url) not in self.absent

    def skip_page(self, url: str, lastmod: str | None = None) -> bool:
        """True when ``url`` (a page link or a sitemap/feed entry) need not be requested in this crawl."""
        if not self.enabled:
            return False
        modified = parse_when(lastmod)
        state = None if self.revisit else self._lookup(canonicalize_url(url))
        if state is None or not self.known_before(state):
            return False  # new to the archive (within this crawl the dupe filter skips repeats)
        if state.kind == "article":
            if modified and state.last_fetched and modified > state.last_fetched:
                return False
            return not state.due(datetime.now(UTC))
        if state.kind == "failed":
            return not state.due(datetime.now(UTC))
        return False

    def to_recheck(self) -> Iterable[str]:
        """Known articles to request at the start: all of them with ``--revisit``, else those due now."""
        if not self.known or self.reader is None:  # (known is 0 unless the book is enabled)
            return []
        return due_articles(self.reader, self.sites, datetime.now(UTC), everything=self.revisit)

    def too_old(self, lastmod: str | None) -> bool:
        """True for a sitemap/feed entry last modified before ``--since``."""
        modified = parse_when(lastmod)
        return bool(self.since and modified and modified < self.since)

    def conditional_headers(self, url: str) -> dict[str, str]:
        state = self.get(url)
        if state is None:
            return {}
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    # --- recording ----------------------------------------------------------------------
    def _state(self, url: str, kind: str, now: datetime | None = None) -> UrlState:
        key = canonicalize_url(url)
        state = self._lookup(key)
        if state is None:
            state = UrlState(url=key, site=site_of(key), kind=kind, first_seen=now or datetime.now(UTC))
        else:
            state = replace(state)
        return state

    def _put(self, state: UrlState) -> None:
        if state.last_fetched is not None and state.last_fetched >= self.started:
            state.pending = self.token  # fetched by this crawl: untrusted until it settles
        self._cache.pop(state.url, None)  # the archive will have it; until then, dirty does
        self.dirty[state.url] = state
        if len(self.dirty) >= self.flush_every:
            self.flush()

    def fetched(self, urls: list[str], kind: str, status: int, etag: str | None = None,
                last_modified: str | None = None, published: datetime | None = None,
                reason: str | None = None) -> None:
        """Record a response (200 or 304) for ``urls`` (the request URL and where it redirected);
        ``reason``: why the page is not an article of its own (see :meth:`decided`)."""
        now = datetime.now(UTC)
        for url in dict.fromkeys(urls):
            state = self._state(url, kind, now)
            if status != 304:
                state.kind = kind
                state.etag, state.last_modified = etag, last_modified
                state.reason = reason
            if published is not None:
                state.published_at = published
            state.last_fetched, state.last_status, state.failures = now, status, 0
            state.next_check = (next_revisit(state.published_at, state.first_seen, now, self.schedule)
                                if state.kind == "article" else None)
            self._put(state)

    def failed(self, url: str, status: int | None, reason: str | None = None) -> None:
        """Record a failed request (``reason``: e.g. ``error:http_503``); it is retried after a wait
        that doubles with each failure."""
        now = datetime.now(UTC)
        state = self._state(url, "failed")
        state.failures += 1
        state.last_status = status
        state.last_failed = now
        state.reason = reason
        if state.kind != "article":
            state.kind = "failed"
        state.next_check = now + min(timedelta(hours=1) * 2 ** (state.failures - 1), MAX_RETRY_WAIT)
        self._put(state)

    def unreached(self, url: str, reason: str = "site_unreachable") -> None:
        """Record a URL the crawl met but did not request, its site being unreachable: due at the
        next crawl (no backoff: it was not tried), what it was before kept."""
        state = self._state(url, "failed")
        state.reason = reason
        if state.kind not in ("article", *DOCUMENTS):
            state.kind = "failed"
        state.next_check = state.last_failed = datetime.now(UTC)  # a failed URL of this run
        self._put(state)

    def decided(self, urls: Iterable[str], reason: str, article_id: int | None = None,
                kind: str | None = None) -> None:
        """Record why fetched ``urls`` did not become an article of their own (``dropped:too_short``,
        ``duplicate_body``...) and, for a duplicate, the article they repeat: the URL's trace that
        ``runs`` and ``explain`` show. ``kind`` for a URL the crawl met but did not fetch
        (``not_article``: refused by robots.txt), unless it was an article before."""
        if not self.enabled:
            return
        for url in dict.fromkeys(urls):
            state = self._state(url, kind or "article")
            state.reason = reason
            if kind is not None and state.kind != "article":
                state.kind = kind
            if article_id is not None:
                state.article_id = article_id
            self._put(state)

    def link_article(self, url: str, article_id: int | None) -> None:
        """Note the archive id of the article stored from ``url`` (when the URL is known)."""
        if not self.enabled or article_id is None:
            return
        key = canonicalize_url(url)
        state = self.dirty.get(key)
        if state is None:  # written already (or never recorded: then the update finds no row)
            self.links[key] = article_id
        elif state.article_id != article_id:
            self._put(replace(state, article_id=article_id))

    def defer(self, url: str) -> None:
        """Forget that ``url`` was seen (e.g. an article dropped by a limit): the next crawl requests it."""
        state = self._state(url, "deferred")
        state.kind, state.etag, state.last_modified, state.next_check = "deferred", None, None, datetime.now(UTC)
        self._put(state)

    def flush(self, complete: bool = False, final: bool = False) -> None:
        """Write what changed, marked as this crawl's. The ``final`` flush unmarks (settles) them:
        article pages only if the crawl's archive writes all succeeded (the item pipelines close
        before the spider), listing pages and discovery documents only if the crawl finished
        (``complete``). A state left marked is read as untrusted by the next crawl
        (:func:`archive.state.untrusted`): after a kill -9, it fetches an article page again,
        stores its article if it was lost and follows its links; after a crawl that stopped early,
        it reads the listings in full and follows the links this one did not get to."""
        if not (self.enabled and self.engine is not None):
            return
        try:
            keep = (() if self.store_ok else ("article",)) + (() if complete else DOCUMENTS)
            save_url_states(self.engine, self.dirty.values(), links=self.links,
                            settle=settle_statement(self.token, keep) if final else None)
        except ArchiveError as exc:  # e.g. a full disk: the next crawl requests these URLs again
            logger.info("URL states not saved: %s", exc)
            self.store_ok = False
        self.dirty.clear()
        self.links.clear()

    def close(self) -> None:
        """Release the read-only engine (after the final :meth:`flush`)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        reader, self.reader = self.reader, None
        if reader is not None and reader is not self.engine:
            reader.dispose()
