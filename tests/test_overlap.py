"""Overlap safety (exit 75, stale locks after kill -9) and run records of failing or blocked sites."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.lock import ArchiveLock, ArchiveLocked
from archive.runs import RunRecord, site_warnings
from tests.support.cli import LOCAL, ROOT, cli
from tests.support.loopback import QuietHandler, serving

PAGE = (b"<html><head><title>Slow Times</title></head><body><h1>Slow Times</h1>"
        b"<p><a href='/about'>About</a></p></body></html>")


class SlowHandler(QuietHandler):
    """The home page is answered once the test sets ``release``: a crawl of it holds the archive's
    lock until then (however long the other crawl takes to start)."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path == "/":
            self.release.wait(120)
            self.reply(200, PAGE)
        else:
            self.reply(404, b"not here")


def start_crawl(url: str, db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    return subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", url, "--db", str(db), *LOCAL],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def wait_for_lock(db: Path, proc: subprocess.Popen[str], timeout: float = 30) -> dict:
    lock = Path(f"{db}.lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.is_file() and lock.read_text().strip():
            return json.loads(lock.read_text())
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the first crawl never took the lock")


@pytest.mark.e2e
def test_second_crawl_exits_75_while_the_first_runs(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    SlowHandler.release = threading.Event()
    with serving(SlowHandler) as url:
        first = start_crawl(url + "/", db)
        try:
            holder = wait_for_lock(db, first)
            assert holder["pid"] == first.pid
            second = cli("crawl", url + "/", "--db", str(db), *LOCAL, timeout=60)
            assert second.code == 75, second.stderr
            expected = f"error: archive {db} is locked by another crawl (PID {first.pid}, started "
            assert second.stderr.startswith(expected)
            assert len(second.stderr.strip().splitlines()) == 1
            assert first.poll() is None  # untouched
        finally:
            SlowHandler.release.set()
            out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
    assert Path(f"{db}.lock").read_text() == ""  # released cleanly: no holder recorded
    readers = cli("runs", "--db", str(db), "--json")  # readers never lock
    assert readers.code == 0 and len(json.loads(readers.stdout)) == 1


@pytest.mark.e2e
def test_stale_lock_after_kill_9_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    SlowHandler.release = threading.Event()
    with serving(SlowHandler) as url:
        first = start_crawl(url + "/", db)
        wait_for_lock(db, first)
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=30)
        SlowHandler.release.set()
        assert json.loads(Path(f"{db}.lock").read_text())["pid"] == first.pid  # left behind
        second = cli("crawl", url + "/", "--db", str(db), *LOCAL, timeout=60)
    assert second.code == 0, second.stderr
    assert f"warning: took over a stale lock left by PID {first.pid}" in second.stderr


@pytest.mark.unit
def test_lock_in_process(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    with ArchiveLock(db) as lock:
        assert lock.stale is None
        with pytest.raises(ArchiveLocked, match=rf"locked by another crawl \(PID {os.getpid()}, started "):
            ArchiveLock(db).acquire()
    with ArchiveLock(db) as again:  # released: free again, and not stale
        assert again.stale is None


class BlockingHandler(QuietHandler):
    """A site that answers its home page with a captcha challenge and its articles with 403."""

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path == "/":
            self.reply(200, b"<html><head><title>Just a moment</title></head><body><h1>Verify you are human</h1>"
                            b"<div class='g-recaptcha'>captcha</div><a href='/2026/01/story.html'>x</a></body></html>")
        else:
            self.reply(403, b"<h1>Forbidden</h1>")


@pytest.mark.e2e
def test_blocked_site_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    with serving(BlockingHandler) as url:
        result = cli("crawl", url + "/", "--db", str(db), *LOCAL)
    assert result.code == 0, result.stderr
    assert "warning: 127.0.0.1:" in result.stderr and "blocked (captcha x1, http_403 x" in result.stderr
    (run,) = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    (counts,) = run["sites"].values()
    assert counts["blocked/captcha"] == 1 and counts["blocked/http_403"] >= 1 and counts["errors/http_403"] >= 1
    assert any("blocked" in w for w in run["warnings"])


@pytest.mark.e2e
def test_unreachable_site_fails_with_exit_1_and_is_recorded(tmp_path: Path) -> None:
    from tests.support.loopback import free_port

    db = tmp_path / "news.sqlite3"
    result = cli("crawl", f"http://127.0.0.1:{free_port()}/", "--db", str(db), *LOCAL, "-s", "RETRY_TIMES=0")
    assert result.code == 1
    (run,) = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    assert run["status"] == "failed" and run["site_errors"]


def record(run_id: int, new: int, site: str = "example.com") -> RunRecord:
    now = datetime.now(UTC)
    return RunRecord(run_id, "crawl", now, now, "ok", new, 0, sites={site: {"new": new, "fetched": 5}})


@pytest.mark.unit
def test_site_that_stops_yielding_is_reported() -> None:
    history = [record(i, n) for i, n in enumerate([4, 2, 0, 0, 0], start=1)][::-1]  # newest first
    assert site_warnings(history[0], history[1:]) == ["example.com: nothing new for 3 runs (it used to yield articles)"]
    assert site_warnings(history[1], history[2:]) == []  # only 2 empty runs then
    never = [record(i, 0) for i in range(1, 6)][::-1]
    assert site_warnings(never[0], never[1:]) == []  # never yielded anything: nothing to compare with


class SlowFiles(QuietHandler):
    """Serves a ChangingSite directory; from the 4th on, article pages are answered once the test
    sets ``release`` (so a crawl can be interrupted in the middle)."""

    root = Path()
    base = ""
    log: list[str] = []
    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        SlowFiles.log.append(self.path)
        file = self.root / ("index.html" if self.path == "/" else self.path.lstrip("/"))
        if not file.is_file():
            self.reply(404, b"not found")
            return
        if self.path.startswith("/2026/") and sum(p.startswith("/2026/") for p in SlowFiles.log) > 3:
            self.release.wait(120)
        ctype = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html; charset=utf-8")
        self.reply(200, file.read_bytes().replace(b"__BASE_URL__", self.base.encode()), ctype)


@pytest.mark.e2e
def test_resume_after_an_interrupted_run(tmp_path: Path) -> None:
    from tests.support.changing_site import ChangingSite

    site = ChangingSite(tmp_path / "site")
    site.root.mkdir()
    for n in range(8):
        site.add(f"story-number-{n}")
    site.write()
    db = tmp_path / "news.sqlite3"
    SlowFiles.root, SlowFiles.log, SlowFiles.release = site.root, [], threading.Event()
    with serving(SlowFiles) as url:
        SlowFiles.base = url
        env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
        first = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", url + "/", "--db", str(db), *LOCAL,
                                  "-s", "CONCURRENT_REQUESTS=1"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while sum(p.startswith("/2026/") for p in SlowFiles.log) < 4:  # 3 articles served, the 4th held
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        first.send_signal(signal.SIGINT)
        SlowFiles.release.set()
        _, err = first.communicate(timeout=60)
        done = {p for (p,) in cli_rows(db, "SELECT canonical_url FROM articles")}
        assert 0 < len(done) < 8, err
        (status,) = cli_rows(db, "SELECT status FROM runs")[0]
        assert status == "interrupted"
        before = len(SlowFiles.log)
        resumed = cli("crawl", "--resume", "--db", str(db), *LOCAL)
        again = SlowFiles.log[before:]
    assert resumed.code == 0, resumed.stderr
    assert resumed.stderr.startswith("resuming run 1 ")
    assert len(cli_rows(db, "SELECT id FROM articles")) == 8
    assert not {url + p for p in again} & done  # what the interrupted run archived is not downloaded again
    assert ("/sitemap.xml" in again) and ("/feed.xml" in again)
    (run,) = json.loads(cli("runs", "--db", str(db), "--json", "--last", "1").stdout)
    assert run["status"] == "ok"
    nothing = cli("crawl", "--resume", "--db", str(db), *LOCAL)
    assert nothing.code == 0 and "nothing to resume" in nothing.stderr


def cli_rows(db: Path, sql: str) -> list[tuple]:
    from tests.support.cli import rows

    return rows(db, sql)
