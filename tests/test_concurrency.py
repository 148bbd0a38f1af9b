"""Concurrency: readers during a crawl, and writers that wait for each other.

"Half-written" is defined concretely: an article row a reader can see without its
title or text, with a content hash that is not that of its text, without its raw
page, without a version holding that text, or missing from the full-text index.
Readers (a read-only connection, ``search``, ``export``, ``stats``, Datasette's JSON
API) look at the archive over and over while a crawl writes it, and never see one;
the crawl is not held up by them. Two writers (a crawl or ``reextract`` and another
write transaction) wait for each other (BEGIN IMMEDIATE, busy_timeout) instead of
failing with "database is locked".
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.engine import open_archive
from archive.store import content_hash
from tests.support.cli import LOCAL, ROOT, cli
from tests.support.loopback import free_port

pytestmark = pytest.mark.e2e

SLOWER = ["-s", "ARCHIVE_BATCH_SIZE=2", "-s", "DOWNLOAD_DELAY=0.02"]
# Article rows a reader must never see: the datasette variant of half_written() (no FTS check).
HALF_WRITTEN_SQL = (
    "SELECT a.id FROM articles a WHERE a.title = '' OR a.text = '' OR NOT EXISTS "
    "(SELECT 1 FROM raw_pages r WHERE r.article_id = a.id AND r.html_zstd IS NOT NULL) OR NOT EXISTS "
    "(SELECT 1 FROM article_versions v WHERE v.article_id = a.id AND v.content_hash = a.content_hash "
    "AND coalesce(v.text, a.text) = a.text)"  # NULL: the current version shares the text
)
_WORD = re.compile(r"\w{3,}")


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}


def popen(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_busy_wait(proc: subprocess.Popen[str], seconds: float = 120) -> None:
    """Wait until ``proc`` sleeps in SQLite's busy handler: waiting for a lock another writer holds.

    Linux's /proc/PID/wchan names where a sleeping process waits; SQLite's busy handler
    sleeps (usleep) between its tries, and nothing before it in these commands sleeps so."""
    deadline = time.monotonic() + seconds
    wchan = Path(f"/proc/{proc.pid}/wchan")
    while "nanosleep" not in wchan.read_text():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{proc.args} never waited for the lock"
        time.sleep(0.02)


def half_written(db: Path) -> tuple[int, list[int]]:
    """(articles seen, ids of half-written ones), in one read transaction of a read-only connection."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        conn.execute("BEGIN")
        articles = conn.execute("SELECT id, title, text, content_hash FROM articles").fetchall()
        bad = {i for (i,) in conn.execute(HALF_WRITTEN_SQL)}
        for article_id, title, text, digest in articles:
            if digest != content_hash(text):
                bad.add(article_id)
            words = _WORD.findall(title)
            if words and not conn.execute("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
                                          (f'title:"{words[0]}"', article_id)).fetchall():
                bad.add(article_id)
        conn.execute("COMMIT")
    return len(articles), sorted(bad)


@contextmanager
def datasette(db: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        yield f"{base}/{db.stem}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def datasette_json(url: str, **params: str) -> object:
    with urllib.request.urlopen(f"{url}.json?{urllib.parse.urlencode(params)}", timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())


@contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Hold SQLite's write lock (BEGIN IMMEDIATE), as another writer in a batch would."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_readers_during_a_crawl_never_see_half_written_articles(site, crawled, tmp_path: Path) -> None:
    total = sqlite3.connect(crawled[0]).execute("SELECT count(*) FROM articles").fetchone()[0]
    db = tmp_path / "news.sqlite3"
    open_archive(str(db)).dispose()  # an empty archive, for Datasette to open from the start
    cli_reads: list = []

    def read_with_the_cli() -> None:  # whole CLI reads, over and over, while articles come in
        while crawl.poll() is None:
            if half_written(db)[0]:
                cli_reads.append((cli("export", "--db", str(db)), cli("stats", "--db", str(db)),
                                  cli("search", "harbor OR council", "--json", "--db", str(db))))
            time.sleep(0.1)

    with datasette(db) as api:
        crawl = popen("newscrawler", "crawl", site.base_url + "/", "--db", str(db), *LOCAL, *SLOWER)
        readers = threading.Thread(target=read_with_the_cli)
        readers.start()
        seen, api_reads, held = [], 0, False
        while crawl.poll() is None:
            count, bad = half_written(db)
            assert not bad, f"half-written articles visible: {bad}"
            seen.append(count)
            if count >= 2 and not held:  # another writer holds the write lock: the crawl waits for it
                with write_lock_held(db):
                    time.sleep(2)
                    assert crawl.poll() is None
                held = True
            assert datasette_json(api, sql=HALF_WRITTEN_SQL, _shape="array") == []
            datasette_json(api + "/articles", _search="harbor", _shape="array")  # Datasette's FTS search
            api_reads += 1
        out, err = crawl.communicate(timeout=60)
        readers.join(timeout=120)
    assert crawl.returncode == 0, err
    assert "locked" not in err
    assert held and api_reads >= 2 and seen == sorted(seen)  # readers saw the archive grow, never shrink
    assert half_written(db) == (total, [])
    assert cli_reads, "no CLI read happened during the crawl"
    for export, stats, search in cli_reads:
        assert export.code == 0 and stats.code == 0 and search.code == 0, export.stderr + stats.stderr + search.stderr
        exported = [json.loads(line) for line in export.stdout.splitlines()]
        assert exported and all(a["title"] and a["text"] for a in exported)
        assert all(hit["snippet"] and hit["text"] for hit in json.loads(search.stdout))


def test_reextract_waits_for_another_writer(archive_copy: Path) -> None:
    with sqlite3.connect(archive_copy) as conn:
        conn.execute("UPDATE articles SET text = 'stale', content_hash = 'x'")
    with write_lock_held(archive_copy):
        reextract = popen("newscrawler", "reextract", "--db", str(archive_copy))
        wait_for_busy_wait(reextract)  # it is waiting for the lock now
        assert reextract.poll() is None, reextract.communicate()
        assert half_written(archive_copy)[0] > 0  # readers are not blocked by the held lock
    _, err = reextract.communicate(timeout=120)
    assert reextract.returncode == 0, err
    assert "updated" in err and "locked" not in err
    with sqlite3.connect(archive_copy) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE text = 'stale'").fetchone() == (0,)


def test_crawl_and_reextract_run_together(site, archive_copy: Path) -> None:
    with sqlite3.connect(archive_copy) as conn:
        conn.execute("UPDATE articles SET text = 'stale', content_hash = 'x' WHERE id % 2 = 0")
    crawl = popen("newscrawler", "crawl", site.base_url + "/", "--full", "--db", str(archive_copy), *LOCAL, *SLOWER)
    results: list = []
    thread = threading.Thread(target=lambda: results.extend(
        cli("reextract", "--db", str(archive_copy)) for _ in range(2)))
    thread.start()
    thread.join(timeout=300)
    _, err = crawl.communicate(timeout=300)
    assert crawl.returncode == 0, err
    assert len(results) == 2 and all(r.code == 0 and "locked" not in r.stderr for r in results), results
    assert half_written(archive_copy)[1] == []
    with sqlite3.connect(archive_copy) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE text = 'stale'").fetchone() == (0,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
