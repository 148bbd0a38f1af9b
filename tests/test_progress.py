"""The live progress display: what it shows (a pure function), and that it shows only on a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newscrawler.demo.server import DemoServer
from newscrawler.extensions.progress import Snapshot, bar, clock, progress_lines
from tests.support.cli import LOCAL, cli, run_on_a_pty

ESCAPE = re.compile(r"\x1b\[[?\d;]*[A-Za-z]")


@pytest.mark.unit
def test_lines_show_counts_rate_and_elapsed() -> None:
    snap = Snapshot(pages=61, articles=25, archived=23, duplicates=2, dropped=1, errors=3, elapsed=10.0)
    lines = progress_lines(snap)
    assert lines[0] == "pages 61  articles 25  archived 23  duplicates 2  dropped 1  errors 3"
    assert lines[1] == "2.3 articles/s  6.1 pages/s  elapsed 0:10"
    assert len(lines) == 2  # no limits, no sites


@pytest.mark.unit
def test_limits_show_a_bar_and_a_countdown() -> None:
    snap = Snapshot(archived=50, elapsed=225.0, max_articles=200, max_time=900.0)
    lines = progress_lines(snap)
    assert lines[2] == f"max-articles [{'#' * 6}{'.' * 18}] 50/200"
    assert lines[3] == f"max-time     [{'#' * 6}{'.' * 18}] 11:15 left of 15:00"
    over = progress_lines(Snapshot(archived=9, elapsed=1000.0, max_articles=5, max_time=900.0))
    assert "[" + "#" * 24 + "] 9/5" in over[2] and "0:00 left of 15:00" in over[3]


@pytest.mark.unit
def test_snapshot_of_stats_with_a_line_per_site() -> None:
    stats = {"response_received_count": 7, "pages/article": 4, "item_scraped_count": 4, "duplicates/body": 1,
             "dropped/too_short": 2, "errors/http_404": 1, "errors/timeout": 1,
             "site/a.example/fetched": 7, "site/a.example/articles": 4, "site/a.example/errors/http_404": 1}
    snap = Snapshot.of(stats, 2.0, sites=["a.example", "b.example"])
    assert (snap.pages, snap.articles, snap.archived, snap.duplicates, snap.dropped, snap.errors) == (7, 4, 3, 1, 2, 2)
    lines = progress_lines(snap, width=80)
    assert lines[2] == "  a.example: fetched 7  304 0  skipped 0  articles 4  errors 1"
    assert lines[3] == "  b.example: fetched 0  304 0  skipped 0  articles 0  errors 0"
    assert all(len(line) <= 60 for line in progress_lines(snap, width=20))


@pytest.mark.unit
def test_clock_and_bar() -> None:
    assert clock(0) == "0:00" and clock(59.9) == "0:59" and clock(3725) == "1:02:05" and clock(-3) == "0:00"
    assert bar(0, 0, 4) == "[....]" and bar(1, 2, 4) == "[##..]" and bar(5, 2, 4) == "[####]"


@pytest.mark.e2e
def test_display_on_a_terminal_and_none_on_a_pipe(site: DemoServer, tmp_path: Path) -> None:
    # Slower than LOCAL, so that the display (every half second) shows while the crawl runs.
    slow = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False"]
    args = ["crawl", site.base_url + "/", "--db", str(tmp_path / "tty.sqlite3"), "--max-articles", "5",
            "--max-time", "300", *slow]
    code, shown = run_on_a_pty(args)
    assert code == 0, shown
    plain = ESCAPE.sub("", shown)
    assert re.search(r"pages \d+  articles \d+  archived \d+  duplicates \d+  dropped \d+  errors \d+", plain)
    assert re.search(r"\d+\.\d articles/s  \d+\.\d pages/s  elapsed \d+:\d\d", plain)
    assert re.search(r"max-articles \[[#.]{24}\] \d+/5", plain)
    assert re.search(r"max-time     \[[#.]{24}\] \d:\d\d left of 5:00", plain)
    assert f"{site.base_url.split('//')[1]}: fetched " in plain
    last = ESCAPE.sub("", shown.rstrip().splitlines()[-1])
    assert last.startswith("5 new, 0 updated")  # the display erased, the summary stays

    piped = cli("crawl", site.base_url + "/", "--db", str(tmp_path / "pipe.sqlite3"), "--max-articles", "5",
                "--max-time", "300", *LOCAL)
    assert piped.code == 0
    assert "\x1b" not in piped.stderr and "\r" not in piped.stderr and "articles/s" not in piped.stderr
    assert len(piped.stderr.strip().splitlines()) == 1  # the summary line alone
