"""The archive on a real PostgreSQL server: migrations, the CLI end to end, upserts, search, the lock.

The session fixture starts a throwaway server on 127.0.0.1 (see tests/support/pgserver.py;
as root it runs as an unprivileged user). The tests are skipped only when no
PostgreSQL server binaries are installed; ``.ci/run`` installs them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")

from sqlalchemy import func, inspect, select, text  # noqa: E402

from archive.article import Article, FetchedPage  # noqa: E402
from archive.engine import current_revision, head_revision, open_archive  # noqa: E402
from archive.errors import ArchiveError, QueryError  # noqa: E402
from archive.lock import ArchiveLocked  # noqa: E402
from archive.models import articles_table, versions_table  # noqa: E402
from archive.pglock import PgAdvisoryLock  # noqa: E402
from archive.query import Filters, archive_stats, iter_articles, search  # noqa: E402
from archive.store import ArchiveWriter  # noqa: E402
from tests.support.cli import LOCAL, cli  # noqa: E402
from tests.support.pgserver import PgServer, find_bindir  # noqa: E402

BINDIR = find_bindir()
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    BINDIR is None, reason="no PostgreSQL server binaries (initdb, pg_ctl, postgres); .ci/run installs them"
)]
NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    assert BINDIR is not None
    with PgServer(BINDIR) as server:
        yield server


@pytest.fixture
def pg_url(pg: PgServer) -> str:
    return pg.new_database()


@pytest.fixture(scope="session")
def pg_crawled(pg: PgServer, site) -> tuple[str, object]:
    """One crawl of the demo site into a PostgreSQL archive, shared by the read-only tests."""
    url = pg.new_database()
    return url, cli("crawl", site.base_url + "/", "--db", url, *LOCAL)


def _article(n: int, title: str = "Harbor news", body: str = "") -> tuple[Article, FetchedPage]:
    url = f"https://news.example/{n}"
    text_ = body or f"The harbor story number {n} about ships and cranes in the port."
    article = Article(url=url, title=f"{title} {n}", text=text_, authors=["Jane Dóe", "Max Mustermann"],
                      published_at=NOW, language="en")
    return article, FetchedPage(url=url, status=200, body=b"<html>x</html>", fetched_at=NOW, final_url=url)


def test_migrations_reach_head_on_an_empty_database(pg_url: str) -> None:
    engine = open_archive(pg_url)
    try:
        assert current_revision(engine) == head_revision()
        inspector = inspect(engine)
        assert {"articles", "raw_pages", "runs", "urls", "article_versions"} <= set(inspector.get_table_names())
        columns = {c["name"]: c for c in inspector.get_columns("articles")}
        assert "fts" in columns and str(columns["published_at"]["type"]).startswith("TIMESTAMP")
        assert "ix_articles_fts" in {i["name"] for i in inspector.get_indexes("articles")}
    finally:
        engine.dispose()
    open_archive(pg_url).dispose()  # already at head: a no-op
    reader = open_archive(pg_url, readonly=True)
    try:
        with pytest.raises(Exception, match="read-only"), reader.begin() as conn:
            conn.execute(text("DELETE FROM runs"))
    finally:
        reader.dispose()


def test_crawl_then_read_commands(pg_crawled) -> None:
    url, crawl = pg_crawled
    assert crawl.code == 0, crawl.stderr[-3000:]
    assert "postgresql+psycopg://postgres@" in crawl.stdout + crawl.stderr or crawl.code == 0
    exported = json.loads(cli("export", "--db", url, "--format", "json").stdout)
    assert len(exported) >= 10
    hits = json.loads(cli("search", "harbor", "--db", url, "--json").stdout)
    assert hits and all("harbor" in (h["title"] + h["snippet"]).lower() for h in hits)
    table = cli("search", "harbor", "--db", url)
    assert table.code == 0 and "results for 'harbor'" in table.stdout
    first = exported[0]
    shown = json.loads(cli("show", str(first["id"]), "--db", url, "--json").stdout)
    assert shown["title"] == first["title"] and shown["text"] == first["text"]
    author = next(a for item in exported for a in item["authors"])
    by_author = json.loads(cli("export", "--db", url, "--format", "json", "--author", author.split()[-1].upper()).stdout)
    assert by_author and all(any(author.split()[-1].lower() in a.lower() for a in i["authors"]) for i in by_author)
    stats = json.loads(cli("stats", "--db", url, "--json").stdout)
    assert stats["total"] == len(exported) and stats["runs"][0]["status"] == "ok"
    runs = json.loads(cli("runs", "--db", url, "--json").stdout)
    assert runs and runs[0]["status"] == "ok"
    history = json.loads(cli("history", str(first["id"]), "--json", "--db", url).stdout)
    assert [v["version"] for v in history] == [1]
    # The demo site's syndicated copies are kept as aliases of their originals.
    full = json.loads(cli("export", "--db", url, "--format", "json", "--include-duplicates").stdout)
    copies = [row for row in full if row["duplicate_of"]]
    assert copies and len(full) == len(exported) + len(copies)
    shown = cli("show", copies[0]["url"], "--db", url, "--json")
    assert json.loads(shown.stdout)["id"] == copies[0]["duplicate_of_id"] and "is a duplicate of" in shown.stderr


def test_second_crawl_adds_no_rows(pg_crawled, site) -> None:
    url, crawl = pg_crawled
    assert crawl.code == 0
    engine = open_archive(url, readonly=True)
    try:
        with engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(articles_table)).scalar_one()
        again = cli("crawl", site.base_url + "/", "--db", url, "--revisit", *LOCAL)
        assert again.code == 0, again.stderr[-3000:]
        with engine.connect() as conn:
            after = conn.execute(select(func.count()).select_from(articles_table)).scalar_one()
            versions = conn.execute(select(func.count()).select_from(versions_table)).scalar_one()
    finally:
        engine.dispose()
    assert after == before == versions


def test_bad_search_syntax_is_a_one_line_error(pg_crawled) -> None:
    url, _ = pg_crawled
    unbalanced = cli("search", '"unbalanced', "--db", url)
    assert unbalanced.code == 0  # websearch syntax forgives an open quote
    result = cli("search", "!!! ???", "--db", url)
    assert result.code == 2 and result.stderr.count("\n") == 1, result.stderr  # a query error, as on SQLite
    assert "bad search query" in result.stderr
    engine = open_archive(url, readonly=True)
    try:
        for query in ('"', "-", "<->", "!!"):
            with pytest.raises(QueryError, match="bad search query"):
                search(engine, query, Filters())
        assert search(engine, '"harbor', Filters(), literal=True)
        assert search(engine, "harbor)(:*&|!", Filters(), literal=True)
    finally:
        engine.dispose()


def test_search_api_ranks_titles_and_highlights(pg_url: str) -> None:
    engine = open_archive(pg_url)
    try:
        with ArchiveWriter(engine) as writer:
            writer.add(*_article(1, title="Cranes", body="Nothing about it here, only ships. " * 3 + "harbor"))
            writer.add(*_article(2, title="Harbor"))
        hits = search(engine, "harbor", Filters(), highlight=("<b>", "</b>"))
        assert [h.article.title for h in hits] == ["Harbor 2", "Cranes 1"]
        assert "<b>harbor</b>" in hits[0].snippet.lower() and hits[0].rank <= hits[1].rank
        assert [h.article.title for h in search(engine, "harbor -nothing", Filters())] == ["Harbor 2"]
        assert [h.article.title for h in search(engine, '"story number 2"', Filters())] == ["Harbor 2"]
        assert len(search(engine, "harbor", Filters(author="dóe", since=NOW, until=NOW.date()))) == 2
        assert search(engine, "harbor", Filters(author="nobody")) == []
        with pytest.raises(QueryError):
            search(engine, "  ", Filters())
        articles = list(iter_articles(engine, Filters(site="news.example")))
        assert [a.published_at for a in articles] == [NOW, NOW]
        assert archive_stats(engine).per_day == [(NOW.date(), 2)]
    finally:
        engine.dispose()


def test_concurrent_writers_never_duplicate(pg_url: str) -> None:
    open_archive(pg_url).dispose()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def write(offset: int) -> None:
        engine = open_archive(pg_url)
        try:
            barrier.wait()
            with ArchiveWriter(engine, batch_size=7) as writer:
                for n in range(offset, offset + 40):
                    writer.add(*_article(n % 50))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=write, args=(i * 10,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    engine = open_archive(pg_url, readonly=True)
    try:
        with engine.connect() as conn:
            urls = conn.execute(select(articles_table.c.canonical_url)).scalars().all()
            versions = conn.execute(select(func.count()).select_from(versions_table)).scalar_one()
    finally:
        engine.dispose()
    assert len(urls) == len(set(urls)) == 50
    assert versions == 50


def test_crawl_lock_exit_75(pg_url: str, site) -> None:
    open_archive(pg_url).dispose()
    with PgAdvisoryLock(pg_url):
        with pytest.raises(ArchiveLocked, match=r"locked by another crawl \(PID \d+"):
            PgAdvisoryLock(pg_url).acquire()
        second = cli("crawl", site.base_url + "/", "--db", pg_url, *LOCAL)
        assert second.code == 75, second.stderr
        assert "is locked by another crawl" in second.stderr and "postgres@" in second.stderr
        assert cli("runs", "--db", pg_url, "--json").code == 0  # readers never lock
    with PgAdvisoryLock(pg_url):  # released: free again
        pass


def test_unreachable_server_is_a_one_line_error(pg: PgServer) -> None:
    url = f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{pg.port}/no_such_db"
    with pytest.raises(ArchiveError) as info:
        open_archive(url)
    assert "s3cret" not in str(info.value) and "\n" not in str(info.value)
    result = cli("stats", "--db", url)
    assert result.code == 1 and "s3cret" not in result.stderr


def test_concurrent_first_opens_migrate_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def first_open() -> None:
        try:
            open_archive(pg_url).dispose()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=first_open) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    migrate = cli("migrate", "--db", pg_url)
    assert migrate.code == 0, migrate.stderr
    engine = open_archive(pg_url, readonly=True)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
