"""Shared fixtures: the demo site on a real loopback server, CLI runs in subprocesses."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine

from archive.engine import open_archive
from newscrawler.demo.server import DemoServer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"
# Politeness lifted: the sites are ours, on 127.0.0.1.
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path | None = None, timeout: float = 180, env: dict[str, str] | None = None) -> Result:
    """Run ``newscrawler ARGS`` in a subprocess, as cron would."""
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    full_env.update(PYTHONUNBUFFERED="1", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "newscrawler", *args], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.sqlite3"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """A new, empty archive (migrated), disposed of after the test."""
    eng = open_archive(str(db_path))
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def site() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def crawled(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, list]:
    """One full crawl of the demo site, shared by the read-only tests."""
    db = tmp_path_factory.mktemp("crawl") / "news.sqlite3"
    start = len(site.requests)
    result = cli("crawl", site.base_url + "/", "--db", str(db), *LOCAL)
    return db, result, list(site.requests[start:])


@pytest.fixture
def archive_copy(crawled: tuple[Path, Result, list], tmp_path: Path) -> Path:
    """A private copy of the crawled archive for tests that write."""
    db = crawled[0]
    target = tmp_path / "copy.sqlite3"
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BROKEN_PAGES: dict[str, tuple[int, str, bytes]] = {
    "/missing": (404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"),
    "/report.pdf": (200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" * 50),
    "/image": (200, "text/html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    "/malformed": (200, "text/html; charset=utf-8",
                   b"<html><head><title>Broken</title><body><div><p>Unclosed \x00 <b>tags <i>everywhere"
                   b"<table><tr><td>cell<p>more</div></span></html></html><<<>>>"),
    "/empty": (200, "text/html", b""),
}


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler base: ``reply()`` sends a whole response; no per-request log lines."""

    def reply(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": ctype, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def article_page(path: str, sentence: str) -> bytes:
    """A plain article page for ``path`` (a dated slug): its title from the slug, eight paragraphs of
    ``sentence`` (each numbered), ``og:type=article``."""
    title = path.rstrip("/").rsplit("/", 1)[1].replace("-", " ").capitalize()
    story = "".join(f"<p>Paragraph {i} of {title}: {sentence}</p>" for i in range(8))
    return (f"<html><head><title>{title}</title><meta property='og:type' content='article'></head><body>"
            f"<article><h1>{title}</h1>{story}</article></body></html>").encode()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _BrokenHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        status, ctype, body = BROKEN_PAGES.get(self.path, (404, "text/plain", b"not found"))
        self.reply(status, body, ctype)


@pytest.fixture(scope="session")
def broken_site() -> Iterator[str]:
    """A loopback server of bad responses: 404, PDF, binary as HTML, malformed HTML, empty body."""
    with serving(_BrokenHandler) as url:
        yield url


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"news-dev corpus not found at {CORPUS} (it lives in ../shared, absent on a user's clone)")
    return CORPUS


