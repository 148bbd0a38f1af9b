"""Crawl benchmark: fetch ceiling, extraction ceiling, and the full crawl, in one run.

    python -m benchmarks.crawl [--articles 5000] [--corpus ../shared/corpus/news-dev]

(a) a bare Scrapy link-following crawl of the local site (no extraction, no storage);
(b) ``extract_article`` alone in a loop on one core;
(c) ``newscrawler crawl`` into a fresh archive, politeness lifted with ``-s`` as for (a):
articles/s, CPU use of each core, peak RSS of all its processes, time share of storage.
The site (benchmarks/benchsite.py) is served by a separate process on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.benchsite import Site, article_path, load_pages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"
LIFTED = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "ROBOTSTXT_OBEY=False"]
# The crawls run in a temporary directory: import this checkout, not whatever the venv has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def cpu_times() -> list[tuple[int, int]]:
    """(busy, total) jiffies per core from /proc/stat."""
    out = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            fields = [int(x) for x in line.split()[1:]]
            idle = fields[3] + fields[4]
            out.append((sum(fields) - idle, sum(fields)))
    return out


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


class Sampler(threading.Thread):
    """Samples the process tree's RSS every 100 ms; CPU per core over the whole run."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True
        self.cpu_start = cpu_times()

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            time.sleep(0.1)

    def stop(self) -> list[float]:
        self.running = False
        end = cpu_times()
        return [100 * (b1 - b0) / max(1, t1 - t0) for (b0, t0), (b1, t1) in zip(self.cpu_start, end)]


def start_site(articles: int, corpus: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.benchsite", "--articles", str(articles),
                             "--corpus", str(corpus)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def bare_crawl(base: str, tmp: Path) -> dict[str, float]:
    out = tmp / "bare.json"
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
                    "-a", f"url={base}/", "-a", f"out={out}", "-s", "LOG_LEVEL=ERROR", *LIFTED],
                   cwd=tmp, check=True, env=ENV)
    data = json.loads(out.read_text())
    return {"pages": data["pages"], "seconds": data["seconds"], "rate": data["pages"] / data["seconds"]}


def extraction_loop(corpus: Path, count: int = 240) -> dict[str, float]:
    from newscrawler.extraction import extract_article

    site = Site(load_pages(corpus), count)
    pages = [(site.article(i).decode("utf-8", "replace"), "http://127.0.0.1" + article_path(i)) for i in range(count)]
    extract_article(*pages[0])  # warm up (imports, language model)
    started = time.process_time()
    found = sum(extract_article(html, url) is not None for html, url in pages)
    seconds = time.process_time() - started
    return {"pages": count, "found": found, "seconds": seconds, "rate": count / seconds}


def full_crawl(base: str, tmp: Path) -> dict[str, float]:
    db = tmp / "bench.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", f"{base}/", "--db", str(db), "--quiet",
                             "--log-level", "ERROR", *LIFTED], cwd=tmp, env=ENV)
    sampler = Sampler(proc.pid)
    sampler.start()
    started = time.monotonic()
    proc.wait()
    seconds = time.monotonic() - started
    cores = sampler.stop()
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    storage = float(stats.get("archive/write_seconds", 0.0))
    return {"articles": articles, "pages": stats.get("response_received_count", 0), "seconds": seconds,
            "rate": articles / seconds, "peak_rss": sampler.peak, "cores": cores,
            "storage_share": storage / seconds if storage else float("nan"), "exit": proc.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not (args.corpus / "html").is_dir():
        print(f"skipped: the news-dev corpus is not at {args.corpus} (it lives in ../shared)")
        return 0
    site, base = start_site(args.articles, args.corpus)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as name:
            tmp = Path(name)
            print(f"crawl benchmark: {args.articles:,} articles at {base}", file=sys.stderr)
            bare = bare_crawl(base, tmp)
            extract = extraction_loop(args.corpus)
            full = full_crawl(base, tmp)
    finally:
        site.terminate()
    cores = " / ".join(f"{c:.0f}%" for c in full["cores"])
    print(f"{'run':<44} {'rate':>16}  detail")
    print(f"{'(a) bare Scrapy link crawl (fetch ceiling)':<44} {bare['rate']:>10.1f} pg/s  "
          f"{bare['pages']:.0f} pages in {bare['seconds']:.1f} s")
    print(f"{'(b) extract_article loop, one core':<44} {extract['rate']:>10.1f} pg/s  "
          f"{extract['seconds'] / extract['pages'] * 1000:.1f} ms CPU per page")
    print(f"{'(c) newscrawler crawl (full pipeline)':<44} {full['rate']:>10.1f} art/s  "
          f"{full['articles']:.0f} articles, {full['pages']} pages in {full['seconds']:.1f} s; "
          f"{full['rate'] / extract['rate']:.2f}x (b)")
    print(f"{'    CPU per core during (c)':<44} {cores:>16}")
    print(f"{'    peak RSS of all processes of (c)':<44} {full['peak_rss']:>13.0f} MB")
    share = full["storage_share"]
    print(f"{'    time share of storage':<44} {share * 100:>15.1f}%" if share == share else
          f"{'    time share of storage':<44} {'not recorded':>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
