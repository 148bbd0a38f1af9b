"""What the archive remembers about URLs between crawls (the ``urls`` table).

A crawl looks up the state of a URL when it meets it (:func:`read_url_states`, one
indexed query for up to 500 URLs; nothing is loaded at the start, so a crawl's memory does not grow with
the archive), lists the article pages due for a revisit (:func:`due_articles`), and
writes what it learned back in batches (:func:`save_url_states`, an upsert on the
canonical URL).

Crash safety: a crawl writes the states of the pages it fetches marked with its
token (``pending``) and unmarks them with one ``UPDATE`` when it ends
(:func:`settle_statement`). A marked row of another crawl (one that was killed,
or is still running) is read as :func:`untrusted`: an article page as due now and
without validators, a listing or discovery document without validators, so that
the page is fetched again in full and its links followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import TypeVar

from sqlalchemy import Connection, Engine, Update, bindparam, func, or_, select, update

from archive.models import urls_table
from archive.store import upsert

_URLS = urls_table
T = TypeVar("T")

SAVE_CHUNK = 500  # rows per INSERT when saving URL states

KINDS = ("article", "not_article", "listing", "discovery", "failed")
DOCUMENTS = ("listing", "discovery")


@dataclass(slots=True)
class UrlState:
    url: str
    site: str
    kind: str
    first_seen: datetime
    last_fetched: datetime | None = None
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    published_at: datetime | None = None
    next_check: datetime | None = None
    failures: int = 0
    article_id: int | None = None
    reason: str | None = None  # why it is not an article of its own (see archive.models.UrlState)
    pending: int | None = None  # the token of the crawl that wrote it unsettled (see the module doc)
    last_failed: datetime | None = None  # when the latest failed request was (kept after a success)

    def due(self, now: datetime) -> bool:
        return self.next_check is not None and self.next_check <= now

    def row(self) -> dict[str, object]:
        """The state as a ``urls`` row (a shallow copy: ``dataclasses.asdict`` deep-copies every datetime)."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(UrlState))


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), consumed lazily."""
    pending = iter(items)
    return iter(lambda: list(islice(pending, size)), [])


_SOME = select(*[c for c in _URLS.c if c.name != "id"]).where(_URLS.c.url.in_(bindparam("urls", expanding=True)))
READ_CHUNK = 500  # URLs per lookup query


def read_url_states(conn: Connection, urls: Iterable[str]) -> dict[str, UrlState]:
    """The stored states of those canonical ``urls`` the archive has, as written (marked or not),
    read ``READ_CHUNK`` at a time (one indexed query per chunk)."""
    found: dict[str, UrlState] = {}
    for chunk in chunked(urls, READ_CHUNK):
        for row in conn.execute(_SOME, {"urls": chunk}):
            found[row.url] = UrlState(**row._mapping)
    return found


def count_url_states(engine: Engine, sites: Iterable[str]) -> int:
    """How many URLs of ``sites`` the archive knows."""
    wanted = sorted(set(sites))
    if not wanted:
        return 0
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_URLS).where(_URLS.c.site.in_(wanted))).scalar_one())


def due_articles(engine: Engine, sites: Iterable[str], now: datetime, everything: bool = False) -> Iterator[str]:
    """The article pages of ``sites`` to request again at ``now``, sorted and streamed: those due,
    and those another crawl wrote and never settled (:func:`untrusted`: due now); all of them
    with ``everything``."""
    wanted = sorted(set(sites))
    if not wanted:
        return
    query = select(_URLS.c.url).where(_URLS.c.site.in_(wanted), _URLS.c.kind == "article")
    if not everything:
        query = query.where(or_(_URLS.c.next_check <= now, _URLS.c.pending.is_not(None)))
    with engine.connect() as conn:
        yield from conn.execution_options(yield_per=1000).execute(query.order_by(_URLS.c.url)).scalars()


def untrusted(state: UrlState, now: datetime) -> UrlState:
    """``state`` as a crawl may use it: a row another crawl wrote and never settled (it was killed,
    or it is still running) may describe a page whose article was never stored, or whose links
    were never followed. Such an article page is due ``now`` and neither is sent with validators
    (a 304 would give neither the article nor the links). Settled rows are returned as they are."""
    if state.pending is None:
        return state
    state.pending = None
    if state.kind == "article":
        state.next_check = now
    if state.kind == "article" or state.kind in DOCUMENTS:
        state.etag = state.last_modified = None
    return state


_LINK = update(_URLS).where(_URLS.c.url == bindparam("key")).values(article_id=bindparam("article"))


def settle_statement(token: int, keep: Iterable[str] = ()) -> Update:
    """Unmarks the rows written with ``token``, except those of the kinds in ``keep``."""
    kept = sorted(set(keep))
    statement = update(_URLS).where(_URLS.c.pending == token).values(pending=None)
    return statement.where(_URLS.c.kind.not_in(kept)) if kept else statement


def save_url_states(engine: Engine, states: Iterable[UrlState], chunk: int = SAVE_CHUNK, *,
                    links: dict[str, int] | None = None, settle: Update | None = None) -> int:
    """In one transaction: insert or replace the given states (made ``chunk`` rows at a time),
    set the archive id of the article stored from each URL in ``links`` (canonical URL ->
    article id), then run ``settle`` (:func:`settle_statement`). Returns how many states."""
    chunks = ([state.row() for state in part] for part in chunked(states, chunk))
    first = next(chunks, None)
    if first is None and not links and settle is None:
        return 0  # no transaction (a writer lock) for nothing
    saved = 0
    with engine.begin() as conn:
        if first is not None:
            statement = upsert(conn, _URLS, "url")
            for values in chain([first], chunks):
                conn.execute(statement, values)
                saved += len(values)
        if links:
            conn.execute(_LINK, [{"key": url, "article": article} for url, article in links.items()])
        if settle is not None:
            conn.execute(settle)
    return saved


def next_revisit(published: datetime | None, first_seen: datetime, now: datetime,
                 schedule: list[timedelta]) -> datetime | None:
    """The first point of ``schedule`` (offsets after publication) still ahead of ``now``; None when past them all."""
    origin = published or first_seen
    for offset in schedule:
        if origin + offset > now:
            return origin + offset
    return None


def parse_interval(value: str) -> timedelta:
    """``90s``, ``30m``, ``6h``, ``3d``, ``1w`` (or a bare number of seconds) as a timedelta."""
    text = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        amount = float(number)
    except ValueError:
        raise ValueError(f"not an interval: {value!r} (use e.g. 30m, 6h, 3d)") from None
    if amount <= 0:
        raise ValueError(f"not a positive interval: {value!r}")
    return timedelta(seconds=amount * units[unit])
