"""The crawl benchmark's own machinery: pausing (c) for bursts of (b), and CPU accounting."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from benchmarks.crawl import (
    ROOT, Sampler, bare_crawl, ceiling, cpu_times, process_state, process_tree, resume_processes, rss_and_cpu,
    stop_processes, usage,
)


@pytest.mark.e2e
def test_stopped_processes_use_no_cpu_until_resumed() -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        pids = stop_processes([busy.pid, 999_999_999])  # a pid that is gone is skipped
        assert pids == [busy.pid]
        assert process_state(busy.pid) in ("T", "t")
        stopped_at = rss_and_cpu(busy.pid)[1]
        time.sleep(0.5)
        assert rss_and_cpu(busy.pid)[1] - stopped_at <= 0.02
        resume_processes(pids)
        deadline = time.monotonic() + 60  # it runs again: however busy the machine, its CPU time grows
        while rss_and_cpu(busy.pid)[1] - stopped_at < 0.1:
            assert time.monotonic() < deadline, "the resumed process got no CPU"
            time.sleep(0.05)
        assert process_state(busy.pid) in ("R", "S")
    finally:
        busy.kill()
        busy.wait()
    assert process_state(busy.pid) == ""


@pytest.mark.unit
def test_usage_leaves_paused_intervals_out() -> None:
    start = [(100, 1000), (200, 1000), (10, 30, 2000)]
    end = [(1000, 2000), (600, 2000), (60, 80, 4000)]
    # A pause of 500 jiffies per core, during which core 0 ran (b) and core 1 idled.
    excluded = [(500, 500), (0, 500), (0, 0, 1000)]
    cores, stolen, interrupts = usage(start, end, excluded)
    assert cores == [80.0, 80.0]
    assert stolen == 5.0 and interrupts == 5.0
    cores, stolen, interrupts = usage(start, end, [(0, 0), (0, 0), (0, 0, 0)])
    assert cores == [90.0, 40.0]
    assert stolen == 2.5 and interrupts == 2.5


@pytest.mark.e2e
def test_cpu_times_and_sampler_on_this_machine() -> None:
    times = cpu_times()
    assert len(times) >= 2 and all(len(t) == 2 for t in times[:-1]) and len(times[-1]) == 3
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        sampler = Sampler(child.pid)
        sampler.start()
        deadline = time.monotonic() + 60
        while sampler.peak <= 1:  # its first sample
            assert time.monotonic() < deadline, "the sampler took no sample"
            time.sleep(0.05)
        cores, stolen, interrupts = sampler.stop()
        sampler.join()
        assert len(cores) == len(times) - 1 and all(0 <= c <= 100 for c in cores)
        assert 0 <= stolen <= 100 and 0 <= interrupts <= 100
        assert sampler.peak > 1 and process_tree(child.pid) == [child.pid]
    finally:
        child.kill()
        child.wait()


@pytest.mark.e2e
def test_fetch_only_spider_counts_scrapys_own_cpu_per_page(tmp_path) -> None:
    """(a0): the benchmark site's article URLs requested and left alone, and the CPU it took."""
    site = subprocess.Popen([sys.executable, "-m", "benchmarks.benchsite", "--articles", "30", "--demo-pages"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert site.stdout is not None
        base = site.stdout.readline().strip()
        fetched = bare_crawl(base, tmp_path, fetch=30)
    finally:
        site.terminate()
        site.wait()
    assert fetched["pages"] == 30 and fetched["articles"] == 0
    assert 0 < fetched["cpu_per_page"] < fetched["seconds"]


@pytest.mark.unit
def test_ceilings_of_the_crawl_against_extraction(capsys: pytest.CaptureFixture[str]) -> None:
    extract = {"pages": 100, "seconds": 2.4}  # (b): 24 ms a page
    fetched = {"cpu_per_page": 0.002}  # (a0): 2 ms a page
    full = {"pages": 1100, "articles": 1000, "crawler_cpu": 6.0}  # 6 ms of the crawling process an article
    ceiling(extract, fetched, full, 2)
    lines = capsys.readouterr().out.splitlines()
    assert "1.83x" in lines[0]  # 2 x 24 / (24 + 1.1 x 2)
    assert "1.60x" in lines[1]  # 2 x 24 / (24 + 6)
