"""newscrawler.discover.urlstates.UrlStates against a real SQLite archive: what it holds, writes and settles."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from archive.state import UrlState, read_url_states, untrusted
from newscrawler.discover.urlstates import UrlStates

pytestmark = pytest.mark.unit

SITE = "example.com"
SCHEDULE = ["1h", "1d"]


def url(n: int) -> str:
    return f"https://www.example.com/news/{n}"


def rows(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        return {u: tuple(rest) for u, *rest in conn.execute(
            "SELECT url, kind, etag, next_check IS NOT NULL, pending, article_id FROM urls")}


def crawl(engine: Engine, articles: int, *, flush_every: int = 3, listing_etag: str = "L1") -> UrlStates:
    """A book that records a listing and ``articles`` article pages, each linked to an article id."""
    book = UrlStates(engine, [SITE], SCHEDULE, flush_every=flush_every)
    book.fetched(["https://www.example.com/"], "listing", 200, etag=listing_etag)
    for n in range(articles):
        book.fetched([url(n)], "article", 200, etag=f"A{n}", published=datetime.now(UTC))
        book.link_article(url(n), 100 + n)
    return book


def test_written_states_are_not_kept_in_memory(engine: Engine, db_path: Path) -> None:
    book = crawl(engine, 10)
    assert len(book.dirty) < 3 and not book._cache  # the rest is in the archive only
    book.flush()
    assert not book.dirty and not book.links
    saved = rows(db_path)
    assert len(saved) == 11
    assert {r[3] for r in saved.values()} == {book.token}  # marked: written, not settled
    assert [saved[url(n)][4] for n in range(10)] == list(range(100, 110))  # ids of states already written too


def test_a_finished_crawl_settles_its_states(engine: Engine, db_path: Path) -> None:
    book = crawl(engine, 5)
    book.flush(complete=True, final=True)
    saved = rows(db_path)
    assert {r[3] for r in saved.values()} == {None}
    assert saved[url(4)][:2] == ("article", "A4") and saved["https://www.example.com/"][:2] == ("listing", "L1")
    again = UrlStates(engine, [SITE], SCHEDULE)
    assert again.skip_page(url(4))  # stored, not due: not requested again
    assert again.conditional_headers("https://www.example.com/") == {"If-None-Match": "L1"}


def test_states_of_a_killed_crawl_are_untrusted(engine: Engine, db_path: Path) -> None:
    crawl(engine, 5).flush()  # written, never settled: the process died here
    again = UrlStates(engine, [SITE], SCHEDULE)
    assert not again.skip_page(url(4))  # due now: its article may never have been stored
    assert again.conditional_headers(url(4)) == {}  # and fetched in full, links and all
    assert again.conditional_headers("https://www.example.com/") == {}
    assert again.get(url(4)).article_id == 104  # what it learned is kept


def test_a_crawl_stopped_early_keeps_its_listings_untrusted(engine: Engine, db_path: Path) -> None:
    crawl(engine, 5).flush(complete=False, final=True)
    again = UrlStates(engine, [SITE], SCHEDULE)
    assert again.skip_page(url(4))  # its articles are settled
    assert again.conditional_headers("https://www.example.com/") == {}  # but not its listing


def test_a_failed_store_keeps_the_article_pages_due(engine: Engine, db_path: Path) -> None:
    book = crawl(engine, 5)
    book.store_ok = False
    book.flush(complete=True, final=True)
    saved = rows(db_path)
    assert saved["https://www.example.com/"][3] is None and saved[url(2)][3] == book.token
    again = UrlStates(engine, [SITE], SCHEDULE)
    assert not again.skip_page(url(2))
    assert again.conditional_headers("https://www.example.com/") == {"If-None-Match": "L1"}


def test_a_refetch_of_a_known_page_is_marked_and_settled(engine: Engine, db_path: Path) -> None:
    crawl(engine, 2).flush(complete=True, final=True)
    book = UrlStates(engine, [SITE], SCHEDULE, revisit=True)
    first_seen = book.get(url(1)).first_seen
    book.fetched([url(1)], "article", 304)
    book.flush()
    assert rows(db_path)[url(1)][:2] == ("article", "A1") and rows(db_path)[url(1)][3] == book.token
    assert book.get(url(1)).first_seen == first_seen  # a known page stays in memory
    book.flush(complete=True, final=True)
    assert rows(db_path)[url(1)][3] is None


def test_untrusted_leaves_settled_and_other_kinds_alone() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    later = now + timedelta(days=3)

    def state(kind: str, pending: int | None) -> UrlState:
        return UrlState(url=url(1), site=SITE, kind=kind, first_seen=now, etag="E", last_modified="M",
                        next_check=later, pending=pending)

    assert untrusted(state("article", None), now) == state("article", None)
    assert untrusted(state("failed", 7), now) == state("failed", None)
    article = untrusted(state("article", 7), now)
    assert (article.next_check, article.etag, article.last_modified, article.pending) == (now, None, None, None)
    listing = untrusted(state("listing", 7), now)
    assert (listing.next_check, listing.etag, listing.last_modified) == (later, None, None)


def test_lookups_read_another_crawls_marked_rows_as_untrusted(engine: Engine) -> None:
    crawl(engine, 1).flush(complete=True, final=True)  # the archive knows the listing and url(0)
    book = UrlStates(engine, [SITE], SCHEDULE, flush_every=1)
    assert book.known == 2 and book.known_before(book.get(url(0)))
    book.fetched([url(0)], "article", 200, etag="A0b", published=datetime.now(UTC))  # written (flush_every=1)
    book.fetched([url(1)], "article", 200, etag="A1", published=datetime.now(UTC))
    assert not book.dirty
    with engine.connect() as conn:
        assert read_url_states(conn, [url(0)])[url(0)].pending == book.token  # as written
    own = book.get(url(0))
    assert own.etag == "A0b" and own.pending == book.token  # its own rows: as written
    assert book.known_before(own) and not book.known_before(book.get(url(1)))  # url(1) is new to it
    assert book.skip_page(url(0)) and not book.skip_page(url(1))
    other = UrlStates(engine, [SITE], SCHEDULE)  # while the first is still running (or was killed)
    state = other.get(url(0))
    assert state.etag is None and state.pending is None and state.due(datetime.now(UTC))
    assert other.known_before(state) and not other.skip_page(url(0))
    assert list(other.to_recheck()) == [url(0), url(1)]  # unsettled: due now


def test_known_urls_are_looked_up_not_loaded(engine: Engine) -> None:
    first = crawl(engine, 30, flush_every=7)
    first.flush(complete=True, final=True)
    book = UrlStates(engine, [SITE], SCHEDULE)
    assert book.known == 31 and not book._cache and not book.dirty
    assert book.skip_page(url(3)) and not book.skip_page("https://www.example.com/news/new")
    assert len(book._cache) == 1 and hash("https://www.example.com/news/new") in book.absent
    assert list(book.to_recheck()) == []  # none due yet (first revisit after an hour)
    book.revisit = True
    assert list(book.to_recheck()) == sorted(url(n) for n in range(30))
    queries = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: queries.append(args[2]) if "urls.url IN" in args[2] else None)
    fresh = UrlStates(engine, [SITE], SCHEDULE)
    fresh.prefetch([url(n) for n in range(20)] + [url(n) for n in range(100, 110)])
    assert len(queries) == 1 and len(fresh._cache) == 20 and hash(url(100)) in fresh.absent
    assert fresh.skip_page(url(7)) and not fresh.skip_page(url(105)) and len(queries) == 1  # no more queries
    assert not fresh.skip_page(url(200)) and len(queries) == 2
    empty = UrlStates(engine, ["other.example"], SCHEDULE)
    assert empty.known == 0 and empty.get("https://other.example/x") is None and not empty._cache
