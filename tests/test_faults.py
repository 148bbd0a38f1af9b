"""One crawl of the fault-injection site (tests/support/faultserver.py), checked from every side.

The crawl runs `newscrawler crawl` in a subprocess with small limits, while a thread
polls the resident memory of its whole process tree (the crawl, the extraction pool).
Every request that reaches the recorder — a second loopback server that is not the start
host, and the crawl's HTTP proxy, so nothing could ever leave the machine — is a failure
of the address checks.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.cli import LOCAL, ROOT, cli, rows
from tests.support.faultserver import FaultSite
from tests.support.faultsite_base import GO_REASONS, GO_TARGETS
from tests.support.faultsite_content import BAD, EMPTY, GOOD, LAUGHS, MARKER, Good

pytestmark = pytest.mark.e2e

MAX_TIME = 120  # the crawl's own --max-time: it must finish well before
LIMITS = [
    "--depth", "3", "--since", "2026-01-01", "--max-time", str(MAX_TIME),
    "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=2", "-s", "RETRY_AFTER_MAX=5",
    "-s", f"DOWNLOAD_MAXSIZE={4 * 1024 * 1024}", "-s", f"DOWNLOAD_WARNSIZE={2 * 1024 * 1024}",
    "-s", f"CRAWL_MAX_DISCOVERY_BYTES={16 * 1024 * 1024}", "-s", "CRAWL_MAX_PAGINATION=5",
    "-s", "CRAWL_MAX_SITEMAP_URLS=10000", "--log-level", "INFO",
]
MEMORY_LIMIT = 1024 * 1024 * 1024


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants, now."""
    tree = _children()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, []))
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


@dataclass
class Crawl:
    site: FaultSite
    db: Path
    code: int
    stderr: str
    log: str
    elapsed: float
    peak_rss: int
    runs: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return self.runs[0]["sites"][urlsplit(self.site.base_url).netloc]

    @property
    def stats(self) -> dict[str, object]:
        return json.loads(rows(self.db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0][0])

    def article(self, path: str) -> tuple[str, str] | None:
        found = rows(self.db, "SELECT title, text FROM articles WHERE canonical_url = ?", self.site.base_url + path)
        return found[0] if found else None


def run_measured(args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, float, int]:
    """Run ``newscrawler ARGS``; (exit code, stderr, seconds, peak RSS of its process tree)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWLER_DB",) and "proxy" not in k.lower()}
    full_env.update(PYTHONUNBUFFERED="1", **env)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", *args], cwd=ROOT, env=full_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            done.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        _, stderr = proc.communicate(timeout=timeout)
    finally:
        done.set()
        poller.join()
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, stderr, time.monotonic() - started, peak


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tmp = tmp_path_factory.mktemp("faults")
    db = tmp / "faults.sqlite3"
    log = tmp / "crawl.log"
    with FaultSite(tmp) as site:
        recorder = site.state.recorder
        # Even a broken address check could not reach beyond loopback: everything not on
        # 127.0.0.1/localhost goes through the recorder as an HTTP proxy.
        env = {"http_proxy": recorder, "https_proxy": recorder, "no_proxy": "127.0.0.1,localhost,::1"}
        code, stderr, elapsed, peak = run_measured(
            ["crawl", site.base_url + "/", "--db", str(db), "--log-file", str(log), *LOCAL, *LIMITS],
            env, timeout=MAX_TIME + 60)
        runs = cli("runs", "--json", "--db", str(db))
        assert runs.code == 0, runs.stderr
        print(f"fault crawl: {elapsed:.1f}s, peak RSS {peak / 2**20:.0f} MiB, exit {code}")
        yield Crawl(site, db, code, stderr, log.read_text(errors="replace"), elapsed, peak, json.loads(runs.stdout))


# --- the crawl ends, within its limits ------------------------------------------------------

def test_crawl_ends_within_its_limits(crawl: Crawl) -> None:
    assert crawl.code == 0, crawl.stderr
    assert crawl.runs[0]["status"] == "ok"
    assert "Spider closed (finished)" in crawl.log  # by itself, not stopped by --max-time
    assert crawl.elapsed < MAX_TIME


def test_peak_memory_is_bounded_with_the_bombs(crawl: Crawl) -> None:
    assert crawl.site.state.hits_for("/2026/11/19/gzip-bomb/")
    assert crawl.site.state.hits_for("/sitemap-bomb.xml.gz")
    assert 0 < crawl.peak_rss < MEMORY_LIMIT, f"peak RSS {crawl.peak_rss / 2**20:.0f} MiB"


def test_calendar_trap_is_bounded(crawl: Crawl) -> None:
    months = {h.path.split("?")[0] for h in crawl.site.state.hits if h.path.startswith("/calendar/")}
    assert len(months) >= 3  # it was followed ...
    assert len(months) <= 2 * (5 + 3) + 2, sorted(months)  # ... within CRAWL_MAX_PAGINATION and --depth


# --- good pages: archived, correctly decoded -------------------------------------------------

@pytest.mark.parametrize("good", GOOD, ids=[g.path.strip("/").split("/")[-1] for g in GOOD])
def test_good_page_is_archived_and_decoded(crawl: Crawl, good: Good) -> None:
    found = crawl.article(good.path)
    assert found is not None, f"{good.path} not archived"
    title, text = found
    assert title == good.title
    for fragment in good.expect:
        assert fragment in text, (fragment, text[:300])
    assert "\x00" not in text and "\x00" not in title
    assert "\ufffd" not in text and "Ã" not in text and "â€" not in text  # no mojibake


def test_truncated_page_keeps_what_arrived(crawl: Crawl) -> None:
    _, text = crawl.article("/2026/11/20/truncated-story/")
    assert "cut off in the midd" in text


def test_no_text_has_nul_bytes_or_replacement_characters(crawl: Crawl) -> None:
    bad = rows(crawl.db, "SELECT canonical_url FROM articles WHERE instr(text, char(0)) > 0 "
                         "OR instr(title, char(0)) > 0 OR instr(text, char(65533)) > 0")
    assert bad == []


# --- nothing bad archived ----------------------------------------------------------------------

def test_only_the_good_pages_are_archived(crawl: Crawl) -> None:
    stored = {urlsplit(u).path for (u,) in rows(crawl.db, "SELECT canonical_url FROM articles")}
    assert stored == {g.path for g in GOOD}


def test_no_error_page_binary_or_bomb_is_stored(crawl: Crawl) -> None:
    for (html,) in rows(crawl.db, "SELECT length(html_zstd) FROM raw_pages"):
        assert html < 1024 * 1024
    titles = {t for (t,) in rows(crawl.db, "SELECT title FROM articles")}
    assert not titles & {"Slow headers", "Slow body", "Reset mid body", "Short read", "Huge page", "Bomb", "Corrupt"}


def test_no_entity_expanded_and_no_local_file_read(crawl: Crawl) -> None:
    data = crawl.db.read_bytes()
    for wal in crawl.db.parent.glob(crawl.db.name + "-*"):
        data += wal.read_bytes()
    assert MARKER.encode() not in data
    assert LAUGHS.encode() not in data
    for hit in [*crawl.site.state.hits, *crawl.site.recorder_state.hits]:
        assert MARKER not in hit.path and "lol" not in hit.path, hit.path
    assert MARKER not in crawl.log


# --- security: nothing but the start host, http(s) only ------------------------------------------

def test_the_recorder_got_no_request(crawl: Crawl) -> None:
    """Links, redirects, sitemaps and feeds led to other loopback ports and private addresses."""
    assert crawl.site.recorder_state.hits == []
    for name in GO_TARGETS:
        assert crawl.site.state.hits_for(f"/go/{name}"), name  # the redirects were there to follow


def test_refusals_are_counted_with_their_reason(crawl: Crawl) -> None:
    counts = crawl.counts
    ssrf = sum(1 for r in GO_REASONS.values() if r == "ssrf_refused")
    scheme = sum(1 for r in GO_REASONS.values() if r == "scheme_refused")
    assert counts.get("errors/ssrf_refused", 0) >= ssrf, counts
    assert counts.get("errors/scheme_refused", 0) >= scheme, counts
    for name, reason in GO_REASONS.items():
        page = "/meta-refreshed" if name == "meta-refresh-private" else f"/go/{name}"
        message = "scheme, only http and https" if reason == "scheme_refused" else "is an internal address"
        assert [line for line in crawl.log.splitlines() if f"{page} failed: not fetched" in line and message in line]
    assert crawl.stats.get("ssrf/refused", 0) >= ssrf + 1  # + a robots.txt Sitemap line
    assert crawl.stats.get("ssrf/refused_scheme", 0) >= scheme


# --- every failure counted with its reason in the run record --------------------------------------

@pytest.mark.parametrize("path, reason", sorted(BAD.items()), ids=[p.strip("/").split("/")[-1] for p in sorted(BAD)])
def test_failure_is_counted_with_its_reason(crawl: Crawl, path: str, reason: str) -> None:
    assert crawl.site.state.hits_for(path), f"{path} was never requested"
    assert [line for line in crawl.log.splitlines() if " failed: " in line and crawl.site.base_url + path in line]
    same_reason = sum(1 for r in BAD.values() if r == reason)
    assert crawl.counts.get(f"errors/{reason}", 0) >= same_reason, crawl.counts


def test_retries_honour_retry_after_and_heal(crawl: Crawl) -> None:
    hits = crawl.site.state.hits_for("/2026/11/20/recovers-after-503/")
    assert len(hits) == 3
    assert all(b.when - a.when >= 0.9 for a, b in zip(hits, hits[1:]))
    assert len(crawl.site.state.hits_for("/2026/11/19/down-503/")) == 3  # 1 + RETRY_TIMES, then given up


def test_empty_body_is_not_an_article(crawl: Crawl) -> None:
    assert crawl.site.state.hits_for(EMPTY)
    assert crawl.article(EMPTY) is None


def test_hostile_discovery_documents_are_counted(crawl: Crawl) -> None:
    counts = crawl.counts
    assert counts.get("discovery_errors/too_large", 0) >= 1, counts  # the gzipped sitemap bomb
    assert counts.get("discovery_errors/not_json", 0) == 1, counts  # the JSON Feed nested too deep
    stats = crawl.stats
    assert stats.get("discovery/skipped_old", 0) == 10_000  # the 100k sitemap, up to CRAWL_MAX_SITEMAP_URLS
    assert not crawl.site.state.hits_for("/2026/10/01/old-1/")


def test_reextract_keeps_the_corrected_charsets(crawl: Crawl, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(crawl.db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    result = cli("reextract", "--db", str(copy))
    assert result.code == 0, result.stderr
    for good in GOOD:
        (text,) = rows(copy, "SELECT text FROM articles WHERE canonical_url = ?", crawl.site.base_url + good.path)[0]
        assert all(fragment in text for fragment in good.expect), good.path


def test_runs_shows_the_reasons(crawl: Crawl) -> None:
    result = cli("runs", "--db", str(crawl.db))
    assert result.code == 0
    assert "ssrf_refused" in result.stdout and "not_html" in result.stdout
