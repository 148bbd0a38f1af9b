"""A site that is down, from cron: one error line, no traceback, a few requests, every URL recorded.

Real parts: the CLI in a subprocess, a loopback port nothing listens on (connection refused) and
a loopback server that accepts connections and never answers (a timeout).
"""

from __future__ import annotations

import json
import sqlite3
import socket
import threading
from datetime import UTC, datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.datasette import QUERIES
from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import free_port

pytestmark = pytest.mark.e2e


class SilentServer:
    """Accepts connections on 127.0.0.1, reads each request's head and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.paths: list[str] = []
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conns.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                head += chunk
        except OSError:
            return
        if head:
            with self.lock:
                self.paths.append(head.split(b" ", 2)[1].decode("latin-1"))

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def assert_quiet_failure(stderr: str, url: str) -> None:
    """One ``error:`` line for the site, then the summary; nothing else."""
    assert "Traceback" not in stderr and " ERROR: " not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert lines[0].startswith(f"error: {url}: "), stderr
    assert " 0 new, " in f" {lines[1]}" and lines[1].endswith("news.sqlite3"), stderr


def test_refused_site_is_one_error_line_and_few_requests(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    url = f"http://127.0.0.1:{free_port()}/"
    result = cli("crawl", url, "--db", str(db), *LOCAL)
    assert result.code == 1
    assert_quiet_failure(result.stderr, url)
    assert result.stderr.startswith(f"error: {url}: connection refused\n")

    states = {u.rsplit("/", 1)[1]: (kind, reason) for u, kind, reason in
              rows(db, "SELECT url, kind, reason FROM urls")}
    # robots.txt and the start page were tried; the sitemaps robots.txt would have named were not
    assert states["robots.txt"] == ("failed", "error:connection_refused")
    assert states[""] == ("failed", "error:connection_refused")
    assert states["sitemap.xml"] == ("failed", "site_unreachable")
    assert states["sitemap_index.xml"] == ("failed", "site_unreachable")
    retried = rows(db, "SELECT failures FROM urls WHERE reason = 'site_unreachable'")
    assert retried == [(0,), (0,)]  # never tried: due again at the next crawl, without backoff
    # all four are the failed URLs of this run (`newscrawler serve`'s canned query)
    with sqlite3.connect(db) as conn:
        failed = [row[0] for row in conn.execute(QUERIES["failed_urls_of_last_run"]["sql"])]
    assert sorted(u.rsplit("/", 1)[1] for u in failed) == ["", "robots.txt", "sitemap.xml", "sitemap_index.xml"]

    runs = json.loads(cli("runs", "--db", str(db), "--format", "json").stdout)
    site = runs[0]["sites"][url.split("//")[1].rstrip("/")]
    assert runs[0]["status"] == "failed" and site["site_unreachable"] == 2
    assert "not requested, site unreachable 2" in cli("runs", "--db", str(db)).stdout
    explained = cli("explain", url + "sitemap.xml", "--db", str(db))
    assert "reason site_unreachable" in explained.stdout

    # At INFO the log says what happened, each on one line: still no traceback.
    verbose = cli("crawl", url, "--db", str(db), *LOCAL, "--log-level", "INFO")
    assert verbose.code == 1
    assert "Traceback" not in verbose.stderr and " ERROR: " not in verbose.stderr
    assert "could not be reached (connection_refused): its other URLs are not requested" in verbose.stderr
    assert "robots.txt of 127.0.0.1" in verbose.stderr and "unavailable (connection refused)" in verbose.stderr
    # robots.txt (once: the spider's request gets the robots.txt middleware's failure) and the start page
    assert verbose.stderr.count("Gave up retrying") == 2
    assert "(failed 2 times)" in verbose.stderr and "(failed 3 times)" not in verbose.stderr


def test_site_that_never_answers_times_out_after_few_requests(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    with silent_server() as server:
        url = f"http://127.0.0.1:{server.port}/"
        result = cli("crawl", url, "--db", str(db), *LOCAL, "-s", "DOWNLOAD_TIMEOUT=2")
        paths = list(server.paths)
    assert result.code == 1
    assert_quiet_failure(result.stderr, url)
    assert result.stderr.startswith(f"error: {url}: timed out\n")
    # Each probe tried twice (RETRY_UNREACHABLE_TIMES=1): robots.txt (by the robots.txt middleware; the
    # spider's request of it gets the same failure) and the start page; no sitemap, no feed.
    assert sorted(paths) == ["/", "/", "/robots.txt", "/robots.txt"]
    reasons = dict(rows(db, "SELECT url, reason FROM urls"))
    assert reasons[url + "sitemap.xml"] == "site_unreachable"
    assert reasons[url] == "error:timeout"


def test_a_site_that_answers_with_errors_is_not_given_up(broken_site: str, tmp_path: Path) -> None:
    """Any answer, even a 404, says the site is there: its discovery goes on as usual."""
    db = tmp_path / "news.sqlite3"
    result = cli("crawl", broken_site + "/missing", "--db", str(db), *LOCAL)
    assert "Traceback" not in result.stderr
    reasons = [r for (r,) in rows(db, "SELECT reason FROM urls")]
    assert "site_unreachable" not in reasons
    site = json.loads(cli("runs", "--db", str(db), "--format", "json").stdout)[0]["sites"][broken_site.split("//")[1]]
    assert site["discovery_errors/http_404"] >= 3  # robots.txt, then both sitemap paths were requested
    assert "site_unreachable" not in site


def test_a_site_that_is_down_does_not_hold_up_the_others(site, tmp_path: Path) -> None:
    """Given up per host: the other site is crawled in full, the run is partial (exit 3)."""
    db = tmp_path / "news.sqlite3"
    down = f"http://127.0.0.1:{free_port()}/"
    result = cli("crawl", down, site.base_url + "/", "--db", str(db), *LOCAL)
    assert result.code == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"error: {down}: connection refused"
    assert rows(db, "SELECT count(*) FROM articles")[0][0] > 10
    reasons = dict(rows(db, "SELECT url, reason FROM urls WHERE reason = 'site_unreachable'"))
    assert reasons and all(url.startswith(down) for url in reasons)


def test_a_known_site_that_went_down_keeps_its_articles_due(tmp_path: Path) -> None:
    """Its article pages (revisits) are not requested: they stay articles, due at the next crawl."""
    from newscrawler.demo.server import DemoServer

    db = tmp_path / "news.sqlite3"
    with DemoServer() as server:
        url = server.base_url + "/"
        assert cli("crawl", url, "--db", str(db), *LOCAL).code == 0
    articles = rows(db, "SELECT count(*) FROM urls WHERE kind = 'article'")[0][0]
    stored = rows(db, "SELECT count(*) FROM articles")[0][0]
    assert articles > 10
    result = cli("crawl", url, "--db", str(db), "--revisit", *LOCAL)
    assert result.code == 1
    assert_quiet_failure(result.stderr, url)
    unreached = rows(db, "SELECT kind, count(*) FROM urls WHERE reason = 'site_unreachable' GROUP BY kind")
    assert ("article", articles) in unreached  # every one met, none requested, none forgotten
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == stored
    checks = [datetime.fromisoformat(when) for (when,) in
              rows(db, "SELECT next_check FROM urls WHERE reason = 'site_unreachable'")]
    assert checks and max(checks) <= datetime.now(UTC)  # due at once, no backoff
