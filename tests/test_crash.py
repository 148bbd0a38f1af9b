"""Crash safety: ``kill -9`` of a crawl at random points loses nothing and corrupts nothing.

A crawl of the demo site is killed repeatedly (seeded random points: during start-up,
then after a random number of committed articles plus a random delay). After each kill
the archive passes ``PRAGMA integrity_check``, every article read (committed) just before
the kill is still there with the same text, no extraction worker survives, and there are
no duplicate rows. A final crawl then completes the site: the same articles, with the
same texts, as a clean crawl, one version each, and the killed runs marked ``aborted``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_pool import alive, descendants

from tests.support.cli import LOCAL, ROOT, cli

pytestmark = pytest.mark.e2e

SEED = 20261127
KILLS = 3
# Small batches and frequent URL-state saves: many commit points for a kill to fall between.
CRASHY = ["-s", "ARCHIVE_BATCH_SIZE=2", "-s", "CRAWL_STATE_FLUSH_EVERY=3", "-s", "DOWNLOAD_DELAY=0.02"]


def committed(db: Path) -> dict[str, str]:
    """canonical URL -> content hash of the articles committed now (read-only, as any reader)."""
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return dict(conn.execute("SELECT canonical_url, content_hash FROM articles"))
    except sqlite3.OperationalError:  # not created yet (no such table), or mid-migration
        return {}


def start_crawl(url: str, db: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    with open(log, "ab") as out:  # a file, not a pipe: nothing must wait on a killed process's pipes
        return subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", url, "--db", str(db), *LOCAL, *CRASHY],
                                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)


def kill_at_random_point(proc: subprocess.Popen[bytes], db: Path, rng: random.Random, first: bool
                         ) -> tuple[dict[str, str] | None, set[int]]:
    """Kill -9 ``proc`` at a random point; returns (what was committed just before, its descendants).

    The first kill falls at a random time in the first seconds (imports, migration, start-up);
    the others once a random number (1-5) of further articles is committed, plus up to 0.4 s.
    Returns None as the snapshot when the crawl finished before the point came.
    """
    seen: set[int] = set()
    started = time.monotonic()
    delay = rng.uniform(0.3, 2.5)
    target = len(committed(db)) + rng.randint(1, 5)
    while proc.poll() is None and time.monotonic() - started < 120:
        seen |= descendants(proc.pid)
        if (first and time.monotonic() - started >= delay) or (not first and len(committed(db)) >= target):
            break
        time.sleep(0.02)
    if not first:
        time.sleep(rng.uniform(0, 0.4))
    seen |= descendants(proc.pid)
    before = committed(db)
    if proc.poll() is not None:
        return None, seen
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return before, seen


def check_archive(db: Path) -> dict[str, str]:
    """Integrity and no duplicates; returns the committed articles."""
    with sqlite3.connect(db, timeout=30) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchall():
            return {}  # killed before the schema was created (its transaction rolled back)
        total, urls, pages = conn.execute(
            "SELECT count(*), count(DISTINCT canonical_url), (SELECT count(*) FROM raw_pages) FROM articles").fetchone()
        assert total == urls == pages
        unversioned = conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                   "(SELECT 1 FROM article_versions v WHERE v.article_id = a.id)").fetchone()
        assert unversioned == (0,)
    return committed(db)


def test_kill_9_at_random_points_loses_nothing(site, crawled, tmp_path: Path) -> None:
    clean = committed(crawled[0])
    assert len(clean) > 20
    rng = random.Random(SEED)
    db, log = tmp_path / "news.sqlite3", tmp_path / "crawl.log"
    kills = 0
    for n in range(KILLS):
        proc = start_crawl(site.base_url + "/", db, log)
        before, workers = kill_at_random_point(proc, db, rng, first=n == 0)
        assert proc.returncode in (0, -signal.SIGKILL), log.read_text()[-2000:]
        if before is None:
            continue  # it finished first: nothing was killed
        kills += 1
        after = check_archive(db)
        lost = {url for url, digest in before.items() if after.get(url) != digest}
        assert not lost, f"kill {n + 1}: committed articles lost: {sorted(lost)}"
        deadline = time.monotonic() + 15
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in workers if alive(p)], f"kill {n + 1}: processes outlived the crawl"
    assert kills >= KILLS - 1, log.read_text()[-2000:]

    final = cli("crawl", site.base_url + "/", "--db", str(db), *LOCAL)
    assert final.code == 0, final.stderr
    assert check_archive(db) == clean  # every article, the same text, nothing twice
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone() == (len(clean),)
        statuses = [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok"
    assert statuses[:-1] and set(statuses[:-1]) == {"aborted"}, statuses
    assert "marked aborted" in final.stderr
    runs = cli("runs", "--db", str(db), "--json")
    assert runs.code == 0 and '"status": "aborted"' in runs.stdout
