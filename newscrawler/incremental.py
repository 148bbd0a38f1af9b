"""Incremental crawling: what the spider requests again, and what it remembers.

The spider asks :class:`UrlBook` before each request. Unknown URLs are
fetched; a known article is skipped before any request unless it is due for a
revisit (a schedule that thins out with age, ``CRAWL_REVISIT_SCHEDULE``), its
sitemap ``lastmod`` is newer than our copy, or the crawl runs with
``--revisit``; listing pages and discovery documents are always requested, with
``If-None-Match``/``If-Modified-Since`` where we have validators; failed URLs
wait for their retry time. What the crawl learns is written back to the
archive's ``urls`` table in batches.

Memory: the book holds the states loaded at the start and the states changed
since the last batch, not every URL this crawl fetched. States are written as the
crawl goes, marked with the crawl's token, and unmarked by one ``UPDATE`` at the
end (see :mod:`archive.state`).

Crash safety: until the crawl unmarks them, the states it wrote are read by any
other crawl as untrusted (:func:`archive.state.untrusted`): a crawl killed
between fetching an article page and storing its article (or following its
links) leaves the page due, without validators, so the next crawl requests it
again, in full, instead of skipping an article it never stored.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import Engine

from archive.errors import ArchiveError
from archive.state import (DOCUMENTS, UrlState, load_url_states, next_revisit, parse_interval, save_url_states,
                           settle_statement)
from archive.urls import canonicalize_url, site_of

logger = logging.getLogger(__name__)

FLUSH_EVERY = 200
MAX_RETRY_WAIT = timedelta(days=7)


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 date/date-time or an HTTP date as an aware UTC datetime; None if unparsable."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class UrlBook:
    """The URL state of the crawled sites, loaded once, saved in batches."""

    def __init__(self, engine: Engine | None, sites: list[str], schedule: list[str], revisit: bool = False,
                 since: datetime | None = None, enabled: bool = True, flush_every: int = FLUSH_EVERY) -> None:
        self.engine = engine
        self.flush_every = max(1, flush_every)
        self.schedule = [parse_interval(s) for s in schedule]
        self.revisit = revisit
        self.since = since
        self.enabled = enabled and engine is not None
        self.states: dict[str, UrlState] = load_url_states(engine, sites) if self.enabled and engine else {}
        self.known_before = frozenset(self.states)  # URLs seen by earlier crawls
        self.dirty: dict[str, UrlState] = {}  # changed since the last flush
        self.links: dict[str, int] = {}  # canonical URL -> article id, for states already written
        self.skipped: set[str] = set()
        self.token = secrets.randbits(62) or 1  # marks the rows this crawl writes until it settles them
        self.started = datetime.now(UTC)
        self.store_ok = True  # False once writing an article failed: unstored pages stay due
        logger.info("Loaded the state of %s known URLs of %s", len(self.states), ", ".join(sites))

    # --- decisions ---------------------------------------------------------------------
    def get(self, url: str) -> UrlState | None:
        """The state of ``url`` if it was loaded at the start or changed since the last flush."""
        return self._known(canonicalize_url(url)) if self.enabled else None

    def _known(self, key: str) -> UrlState | None:
        state = self.dirty.get(key)
        return state if state is not None else self.states.get(key)

    def skip_page(self, url: str, lastmod: str | None = None) -> bool:
        """True when ``url`` (a page link or a sitemap/feed entry) need not be requested in this crawl."""
        if not self.enabled:
            return False
        modified = parse_when(lastmod)
        key = canonicalize_url(url)
        if self.revisit or key not in self.known_before:
            return False  # new to the archive (within this crawl the dupe filter skips repeats)
        state = self.states[key]
        if state.kind == "article":
            if modified and state.last_fetched and modified > state.last_fetched:
                return False
            return not state.due(datetime.now(UTC))
        if state.kind == "failed":
            return not state.due(datetime.now(UTC))
        return False

    def to_recheck(self) -> list[str]:
        """Known articles to request at the start: all of them with ``--revisit``, else those due now."""
        if not self.enabled:
            return []
        now = datetime.now(UTC)
        return [url for url in sorted(self.known_before)
                if self.states[url].kind == "article" and (self.revisit or self.states[url].due(now))]

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
        state = self._known(key)
        if state is None:
            state = UrlState(url=key, site=site_of(key), kind=kind, first_seen=now or datetime.now(UTC))
        else:
            state = replace(state)
        return state

    def _put(self, state: UrlState) -> None:
        if state.last_fetched is not None and state.last_fetched >= self.started:
            state.pending = self.token  # fetched by this crawl: untrusted until it settles
        if state.url in self.known_before:
            self.states[state.url] = state  # the others are looked up only until they are written
        self.dirty[state.url] = state
        if len(self.dirty) >= self.flush_every:
            self.flush()

    def fetched(self, urls: list[str], kind: str, status: int, etag: str | None = None,
                last_modified: str | None = None, published: datetime | None = None) -> None:
        """Record a response (200 or 304) for ``urls`` (the request URL and where it redirected)."""
        now = datetime.now(UTC)
        for url in dict.fromkeys(urls):
            state = self._state(url, kind, now)
            if status != 304:
                state.kind = kind
                state.etag, state.last_modified = etag, last_modified
            if published is not None:
                state.published_at = published
            state.last_fetched, state.last_status, state.failures = now, status, 0
            state.next_check = (next_revisit(state.published_at, state.first_seen, now, self.schedule)
                                if state.kind == "article" else None)
            self._put(state)

    def failed(self, url: str, status: int | None) -> None:
        """Record a failed request; it is retried after a wait that doubles with each failure."""
        now = datetime.now(UTC)
        state = self._state(url, "failed")
        state.failures += 1
        state.last_status = status
        if state.kind != "article":
            state.kind = "failed"
        state.next_check = now + min(timedelta(hours=1) * 2 ** (state.failures - 1), MAX_RETRY_WAIT)
        self._put(state)

    def link_article(self, url: str, article_id: int | None) -> None:
        """Note the archive id of the article stored from ``url`` (when the URL is known)."""
        if not self.enabled or article_id is None:
            return
        key = canonicalize_url(url)
        state = self._known(key)
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
