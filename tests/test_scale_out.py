"""Scale out: several ``newscrawler crawl --frontier`` processes on one Redis frontier and one PostgreSQL archive.

Real servers on loopback: redis-server (tests/support/redisserver.py) and PostgreSQL
(tests/support/pgserver.py), each in a temporary directory on a random port. The tests
are skipped only when the server binaries or the ``scale`` extra are missing;
``.ci/run`` installs both servers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

redis = pytest.importorskip("redis", reason="redis is not installed (pip install -e '.[scale]')")
pytest.importorskip("scrapy_redis", reason="scrapy-redis is not installed (pip install -e '.[scale]')")
psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")

from benchmarks.benchsite import PER_LISTING, Site, article_path, load_demo_pages  # noqa: E402
from tests.support.cli import LOCAL, ROOT, Result, cli, rows  # noqa: E402
from tests.support.loopback import QuietHandler, serving  # noqa: E402
from tests.support.pgserver import PgServer, find_bindir  # noqa: E402
from tests.support.redisserver import RedisServer, find_redis_server  # noqa: E402

PG_BINDIR = find_bindir()
REDIS_BINARY = find_redis_server()
pytestmark = pytest.mark.skipif(
    PG_BINDIR is None or REDIS_BINARY is None,
    reason="needs redis-server and the PostgreSQL server binaries (initdb, pg_ctl, postgres); .ci/run installs them",
)
# Small workers: three crawlers and their extraction processes share the test machine.
WORKER = [*LOCAL, "-s", "EXTRACTION_WORKERS=1", "-s", "FRONTIER_HEARTBEAT_TTL=3"]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    assert REDIS_BINARY is not None
    with RedisServer(REDIS_BINARY) as server:
        yield server


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    assert PG_BINDIR is not None
    with PgServer(PG_BINDIR) as server:
        yield server


def start_worker(url: str, db: str, frontier: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWLER_DB", "NEWSCRAWLER_FRONTIER")}
    return subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", url, "--db", db, "--frontier", frontier,
                             "--log-level", "INFO", *WORKER, *extra],
                            cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


@contextmanager
def workers(procs: list[subprocess.Popen[str]]) -> Iterator[list[subprocess.Popen[str]]]:
    """Kill what is left of the workers' process groups (their extraction processes too) at the end."""
    try:
        yield procs
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)


def finished(proc: subprocess.Popen[str], timeout: float = 120) -> Result:
    stdout, stderr = proc.communicate(timeout=timeout)
    return Result(proc.returncode, stdout, stderr)


def pg_rows(url: str, sql: str) -> list[tuple]:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchall()


def frontier_keys(client: redis.Redis) -> dict[str, int]:
    """The frontier's queue and in-flight hashes with their sizes (all should be empty at the end)."""
    found = {}
    for key in client.scan_iter("newscrawler:*"):
        name = key.decode()
        if name.endswith(":queue"):
            found[name] = client.zcard(key)
        elif ":inflight:" in name:
            found[name] = client.hlen(key)
    return found


def missing_report(reference_db: Path, missing: set[tuple[str, str]], results: list[Result], frontier: str) -> str:
    """What each worker logged about the articles a multi-worker crawl did not store (for a failure)."""
    lines = [f"missing: {sorted(title for title, _ in missing)}",
             f"frontier keys: {frontier_keys(redis.Redis.from_url(frontier))}"]
    for title, _ in missing:
        for (url,) in rows(reference_db, "SELECT canonical_url FROM articles WHERE title = ?", title):
            path = "/" + url.split("/", 3)[3]
            for n, result in enumerate(results):
                lines += [f"worker {n}: {line}" for line in result.stderr.splitlines() if path in line][:20]
    telling = ("frontier/", "Frontier", "retry/", "downloader/exception", "log_count/", "dropped/", "pages/",
               "incremental/", "WARNING", "ERROR")
    for n, result in enumerate(results):
        lines += [f"worker {n}: {line}" for line in result.stderr.splitlines()
                  if any(word in line for word in telling) or line.startswith(" 'scheduler/")][:80]
    return "\n".join(lines)


@pytest.mark.e2e
def test_three_workers_archive_every_article_once(redis_server: RedisServer, pg: PgServer, site,
                                                  crawled: tuple[Path, Result, list]) -> None:
    reference_db, reference, _ = crawled
    assert reference.code == 0, reference.stderr
    expected = set(rows(reference_db, "SELECT title, content_hash FROM articles"))
    db, frontier = pg.new_database(), redis_server.url()
    with workers([]) as procs:
        for _ in range(3):  # at DEBUG, so that a lost article's story is in the logs
            procs.append(start_worker(site.base_url + "/", db, frontier, "--log-level", "DEBUG",
                                      "-s", "DUPEFILTER_DEBUG=True"))
            time.sleep(0.4)
        results = [finished(p) for p in procs]
    for result in results:
        assert result.code == 0, result.stderr[-3000:]
    archived = pg_rows(db, "SELECT title, content_hash, canonical_url FROM articles")
    found = {(title, digest) for title, digest, _ in archived}
    assert found == expected, missing_report(reference_db, expected - found, results, frontier)
    assert len(archived) == len(expected)  # no duplicate rows (nor a syndicated copy)
    runs = pg_rows(db, "SELECT args, stats FROM runs WHERE command = 'crawl'")
    assert len(runs) == 3
    assert len({args["worker"] for args, _ in runs}) == 3
    assert sum(1 for args, _ in runs if args["seeder"]) >= 1
    assert sum(int(stats.get("archive/inserted", 0)) for _, stats in runs) == len(expected)
    assert not any(frontier_keys(redis.Redis.from_url(frontier)).values())
    listed = cli("runs", "--db", db, "--last", "3")
    assert listed.code == 0, listed.stderr
    assert listed.stdout.count("worker ") == 3
    # A worker started just after the round ended (FRONTIER_ROUND_GRACE) does not crawl it again.
    late = cli("crawl", site.base_url + "/", "--db", db, "--frontier", frontier, *WORKER)
    assert late.code == 0, late.stderr
    assert "ended less than 60.0s ago (FRONTIER_ROUND_GRACE); nothing to do" in late.stderr
    assert " from 0 pages " in late.stderr


@pytest.mark.e2e
def test_link_depth_on_the_frontier_is_the_spiders_own(redis_server: RedisServer, pg: PgServer, site) -> None:
    """The frontier shares the fewest link hops found per URL: pagination is free, a sitemap entry is
    one hop. (Scrapy's DepthMiddleware, which counted every request, once made a worker that had not
    found a listing itself stop following its links one page early.)"""
    from scrapy import Request
    from scrapy.utils.request import fingerprint

    db, frontier = pg.new_database(), redis_server.url()
    result = cli("crawl", site.base_url + "/", "--db", db, "--frontier", frontier, *WORKER,
                 "-s", "FRONTIER_NAME=depth-test")  # not the round of the three workers' test
    assert result.code == 0, result.stderr[-3000:]
    client = redis.Redis.from_url(frontier)
    seen = "newscrawler:depth-test:seen"

    def hops(path: str) -> int:
        return int(client.hget(seen, fingerprint(Request(site.base_url + path)).hex()))

    assert hops("/section/local/") == hops("/section/local/page/2/") == hops("/section/local/page/3/") == 1
    assert hops("/2026/03/04/harbor-master-retires/") == 2


@contextmanager
def slow_generated_site(articles: int, delay: float, gate: threading.Event | None = None
                        ) -> Iterator[tuple[str, Site]]:
    """benchmarks.benchsite's generated site of demo pages, article pages answered after ``delay`` seconds
    (and not before ``gate`` is set)."""
    generated = Site(load_demo_pages(), articles)

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            path = self.path.split("?", 1)[0]
            status, ctype, body = generated.get(path, f"http://{self.headers.get('Host')}")
            if path in generated.paths:
                if gate is not None:
                    gate.wait(120)
                time.sleep(delay)
            self.reply(status, body, ctype)

    with serving(Handler) as base:
        yield base, generated


@pytest.mark.e2e
def test_worker_killed_mid_run_leaves_a_complete_archive(redis_server: RedisServer, pg: PgServer) -> None:
    count = 10 * PER_LISTING
    db, frontier = pg.new_database(), redis_server.url()
    client = redis.Redis.from_url(frontier)
    # No article page is answered before the victim holds leases: on a loaded machine it could
    # otherwise start after the other two had crawled the site, and hold none.
    gate = threading.Event()
    with slow_generated_site(count, delay=0.3, gate=gate) as (base, _), workers([]) as procs:
        try:
            for _ in range(3):
                procs.append(start_worker(base + "/", db, frontier))
                time.sleep(0.3)
            victim = procs[1]
            host_pid = f":inflight:{os.uname().nodename}:{victim.pid}"
            deadline = time.monotonic() + 90
            held = 0
            while time.monotonic() < deadline and victim.poll() is None:  # kill it while it holds leases
                held = sum(n for key, n in frontier_keys(client).items() if key.endswith(host_pid))
                if held >= 2:
                    break
                time.sleep(0.02)
            if victim.poll() is not None:
                _, err = victim.communicate()
                telling = [line for line in err.splitlines() if any(w in line for w in ("WARNING", "ERROR", "Frontier"))]
                raise AssertionError(f"the worker ended (exit {victim.returncode}) before it held 2 leases: "
                                     + "\n".join(telling[-30:]) + err[-1500:])
            assert held >= 2, f"the victim held {held} leases after 90 s"
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
        finally:
            gate.set()
        survivors = [finished(p) for p in (procs[0], procs[2])]
    for result in survivors:
        assert result.code == 0, result.stderr[-3000:]
    assert victim.returncode == -signal.SIGKILL
    archived = [url for (url,) in pg_rows(db, "SELECT canonical_url FROM articles")]
    expected = {f"{base}{article_path(i)}" for i in range(count)}
    assert len(archived) == len(expected)
    assert set(archived) == expected
    runs = pg_rows(db, "SELECT args, stats, status FROM runs WHERE command = 'crawl' ORDER BY id")
    requeued = sum(int(stats.get("frontier/requeued", 0)) for _, stats, _ in runs if stats)
    assert requeued >= 1, f"the killed worker held {held} leases but none were requeued"
    assert sorted(status for _, _, status in runs).count("running") == 1  # the killed worker's run
    assert not any(frontier_keys(client).values())


@pytest.mark.e2e
def test_frontier_errors_are_one_line(tmp_path: Path, redis_server: RedisServer) -> None:
    from tests.support.loopback import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"
    result = cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.sqlite3"), "--frontier", dead)
    assert result.code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: cannot reach frontier {dead}")
    bad = cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.sqlite3"), "--frontier", "http://x/")
    assert bad.code == 1 and "not a Redis URL: http://x/" in bad.stderr


@pytest.mark.unit
def test_plain_crawl_and_frontier_workers_exclude_each_other(tmp_path: Path) -> None:
    from archive.lock import ArchiveLock, ArchiveLocked

    db = str(tmp_path / "news.sqlite3")
    with ArchiveLock(db, shared=True), ArchiveLock(db, shared=True):  # two workers
        with pytest.raises(ArchiveLocked):
            ArchiveLock(db).acquire()
    with ArchiveLock(db):
        with pytest.raises(ArchiveLocked):
            ArchiveLock(db, shared=True).acquire()
