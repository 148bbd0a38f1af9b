"""Crawl benchmark: fetch ceiling, extraction ceiling, and the full crawl, in one run.

    python -m benchmarks.crawl [--articles 5000] [--corpus ../shared/corpus/news-dev] [--burst-every 20]

(a) a bare Scrapy link-following crawl of the local site (no extraction, no storage);
(a0) Scrapy's own CPU per page: the site's article URLs requested and their responses left alone;
(b) ``extract_article`` alone in a loop on one core, warmed up: before (c), after it, and in
    short bursts during it, with (c)'s processes and the site stopped (SIGSTOP) meanwhile. This
    kind of machine's speed drifts by 10-25% from minute to minute, so (b) measured only before
    and after (c) missed what the machine did during it (the same code measured 1.35-1.65x);
(b2) the same loop in one process per core at once (after (c)): what the cores give together,
    which on a virtual machine is less than (b) times the cores;
(c) ``newscrawler crawl`` into a fresh archive, politeness lifted with ``-s`` as for (a):
articles/s, CPU use of each core, peak RSS of all its processes, time share of storage;
(d) the baseline a user would write first: the spider of (a) calling ``trafilatura.extract`` in its
    callback, its articles (40+ words extracted) per second beside (c)'s (issue 21: (c) >= 2x (d)).
The site (benchmarks/benchsite.py) is served by a separate process on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.benchsite import Site, article_path, load_pages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-dev"
LIFTED = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "ROBOTSTXT_OBEY=False"]
# The crawls run in a temporary directory: import this checkout, not whatever the venv has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def cpu_times() -> list[tuple[int, ...]]:
    """(busy, total) jiffies per core from /proc/stat, then (stolen, interrupts, total) of all cores:
    time the hypervisor gave to other machines while this one had work (counted as busy), and time
    in interrupt handlers (loopback network traffic), which no process is charged for."""
    out: list[tuple[int, ...]] = []
    overall = (0, 0, 0)
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu"):
            fields = [int(x) for x in line.split()[1:]]
            idle = fields[3] + fields[4]
            if line[3].isdigit():
                out.append((sum(fields) - idle, sum(fields)))
            else:
                overall = (fields[7] if len(fields) > 7 else 0, fields[5] + fields[6], sum(fields))
    return [*out, overall]


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def rss_and_cpu(pid: int) -> tuple[float, float]:
    """(resident MB, CPU seconds used so far) of one process; (0, 0) once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return rss / 1024, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def usage(start: list[tuple[int, ...]], end: list[tuple[int, ...]],
          excluded: list[tuple[int, ...]]) -> tuple[list[float], float, float]:
    """Each core's use (percent) between two :func:`cpu_times`, ``excluded`` jiffies left out;
    then the percentages of all cores' time that was stolen and spent in interrupt handlers."""
    spans = [[x1 - x0 - x for x0, x1, x in zip(*trio)] for trio in zip(start, end, excluded)]
    *cores, (stolen, interrupts, total) = spans
    return ([100 * busy / max(1, all_) for busy, all_ in cores], 100 * stolen / max(1, total),
            100 * interrupts / max(1, total))


class Sampler(threading.Thread):
    """Samples the process tree every 100 ms: peak RSS of the sum and of each process, CPU per process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}
        self.crawler_samples: list[float] = []  # RSS of the crawling process, every 100 ms
        self.cpu_start = cpu_times()
        self.excluded = [tuple(0 for _ in c) for c in self.cpu_start]  # jiffies of pauses, left out
        self.paused = False  # while (c) is stopped for a burst of (b): its RSS is not sampled

    def run(self) -> None:
        while self.running:
            if self.paused:
                time.sleep(0.01)
                continue
            total = 0.0
            for pid in process_tree(self.pid):
                rss, cpu = rss_and_cpu(pid)
                total += rss
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)
                if pid == self.pid and rss:
                    self.crawler_samples.append(rss)
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def exclude(self, before: list[tuple[int, ...]], after: list[tuple[int, ...]]) -> None:
        """Leave the interval between two :func:`cpu_times` out of the cores' use."""
        self.excluded = [tuple(x + a - b for x, b, a in zip(*trio)) for trio in zip(self.excluded, before, after)]

    def stop(self) -> tuple[list[float], float, float]:
        """:func:`usage` since the start, paused intervals left out."""
        self.running = False
        return usage(self.cpu_start, cpu_times(), self.excluded)

    def crawler_spread(self) -> tuple[float, float]:
        """(median, 95th percentile) MB of the crawling process's RSS over the crawl: its steady
        level, which the peak (a moment with many page bodies in flight) overstates."""
        ordered = sorted(self.crawler_samples) or [0.0]
        return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, len(ordered) * 95 // 100)]

    def crawler_and_helpers(self) -> tuple[float, float, float, float]:
        """(peak MB, CPU s) of the crawling process, then (largest peak MB, CPU s) of all other processes."""
        others = [p for p in self.peaks if p != self.pid]
        return (self.peaks.get(self.pid, 0.0), self.cpu.get(self.pid, 0.0),
                max((self.peaks[p] for p in others), default=0.0), sum(self.cpu.get(p, 0.0) for p in others))


def start_site(articles: int, corpus: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.benchsite", "--articles", str(articles),
                             "--corpus", str(corpus)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def bare_crawl(base: str, tmp: Path, extract: bool = False, fetch: int = 0) -> dict[str, float]:
    """(a), or with ``extract`` (d): the same spider with ``trafilatura.extract`` in its callback;
    with ``fetch`` (a0): the site's first ``fetch`` articles requested and left alone, with the
    Scrapy settings of (c) that bear on it (CONCURRENT_ITEMS=1, no decoding meta refresh check)."""
    out = tmp / ("baseline.json" if extract else "fetch.json" if fetch else "bare.json")
    alone = ["-s", "CONCURRENT_ITEMS=1", "-s", "METAREFRESH_ENABLED=False"] if fetch else []
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"),
                    "-a", f"url={base}/", "-a", f"out={out}", "-a", f"extract={int(extract)}", "-a", f"fetch={fetch}",
                    "-s", "LOG_LEVEL=ERROR", *LIFTED, *alone], cwd=tmp, check=True, env=ENV)
    data = json.loads(out.read_text())
    return {"pages": data["pages"], "seconds": data["seconds"], "rate": data["pages"] / data["seconds"],
            "articles": data.get("articles", 0), "article_rate": data.get("articles", 0) / data["seconds"],
            "cpu_per_page": data["cpu"] / max(1, data["pages"])}


class ExtractionLoop:
    """(b): ``extract_article`` on the benchmark's article pages in turn, warmed up; each
    :meth:`run` measures the CPU time of the next ``count`` pages."""

    def __init__(self, corpus: Path, count: int = 240) -> None:
        from newscrawler.extract.extractor import detect_language, extract_article

        self.extract = extract_article
        site = Site(load_pages(corpus), count)
        self.pages = [(site.article(i).decode("utf-8", "replace"), "http://127.0.0.1" + article_path(i))
                      for i in range(count)]
        self.next = 0
        extract_article(*self.pages[0])  # warm up: imports, then the language model (0.6 s of CPU, once)
        detect_language("A few words in English are enough to load the language model once.")

    def run(self, count: int, clock: Callable[[], float] = time.process_time) -> dict[str, float]:
        started = clock()
        for _ in range(count):
            self.extract(*self.pages[self.next % len(self.pages)])
            self.next += 1
        seconds = clock() - started
        return {"pages": count, "seconds": seconds, "rate": count / seconds}


def extraction_loop(corpus: Path, count: int = 240, start_at: float | None = None) -> dict[str, float]:
    """(b) on ``count`` pages in a fresh loop. With ``start_at`` (one process of
    :func:`parallel_extraction`): wall time, from that moment on."""
    loop = ExtractionLoop(corpus, count)
    if start_at is None:
        return loop.run(count)
    time.sleep(max(0.0, start_at - time.time()))
    return loop.run(count, time.perf_counter)  # wall time: the loops run at once, as (c)'s processes do


def combined(*runs: dict[str, float]) -> dict[str, float]:
    """Pages and CPU seconds of several runs of (b) together."""
    pages, seconds = sum(r["pages"] for r in runs), sum(r["seconds"] for r in runs)
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds if seconds else float("nan")}


def parallel_extraction(corpus: Path, processes: int) -> dict[str, float]:
    """(b2): the loop of (b) in ``processes`` processes at once: what the cores give together."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        start_at = time.time() + 8  # after every process has imported and warmed up
        results = pool.starmap(extraction_loop, [(corpus, 240, start_at)] * processes)
    return {"rate": sum(r["rate"] for r in results), "each": [r["rate"] for r in results]}


def stop_processes(pids: list[int]) -> list[int]:
    """SIGSTOP ``pids``; returns those that were there, once all of them have stopped (or 1 s)."""
    stopped = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and not all(process_state(pid) in ("T", "t", "Z", "") for pid in stopped):
        time.sleep(0.002)
    return stopped


def process_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def resume_processes(pids: list[int]) -> None:
    for pid in reversed(pids):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            continue


def full_crawl(base: str, tmp: Path, loop: ExtractionLoop | None = None, server: int = 0,
               every: float = 20.0, burst: int = 20, extra: list[str] | None = None) -> dict[str, Any]:
    """(c). With ``loop``, every ``every`` seconds the crawl's processes and the site ``server``
    are stopped (SIGSTOP) while ``loop`` runs ``burst`` pages of (b) alone, so that (b) samples the
    machine's speed over the same minutes as (c); paused time is left out of (c)'s time and
    CPU figures (a pause that falls inside a batch write is counted as storage time: on
    average ~0.3% of the crawl's time at the defaults)."""
    db = tmp / "bench.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", f"{base}/", "--db", str(db), "--quiet",
                             "--log-level", "ERROR", *LIFTED, *(extra or [])], cwd=tmp, env=ENV)
    sampler = Sampler(proc.pid)
    sampler.start()
    started = time.monotonic()
    paused, bursts = 0.0, []
    while True:
        try:
            proc.wait(timeout=every if loop is not None else None)
            break
        except subprocess.TimeoutExpired:
            assert loop is not None
        pause_started, cores_before = time.monotonic(), cpu_times()
        sampler.paused = True
        pids = stop_processes([server, *process_tree(proc.pid)] if server else process_tree(proc.pid))
        try:
            bursts.append(loop.run(burst))
        finally:
            resume_processes(pids)
        sampler.exclude(cores_before, cpu_times())
        sampler.paused = False
        paused += time.monotonic() - pause_started
    seconds = time.monotonic() - started - paused
    cores, stolen, interrupts = sampler.stop()
    crawler_rss, crawler_cpu, helper_rss, helper_cpu = sampler.crawler_and_helpers()
    crawler_median, crawler_p95 = sampler.crawler_spread()
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    storage = float(stats.get("archive/write_seconds", 0.0))
    return {"articles": articles, "pages": stats.get("response_received_count", 0), "seconds": seconds,
            "rate": articles / seconds, "peak_rss": sampler.peak, "cores": cores,
            "stolen": stolen, "interrupts": interrupts,
            "storage_share": storage / seconds if storage else float("nan"), "exit": proc.returncode,
            "crawler_rss": crawler_rss, "crawler_median": crawler_median, "crawler_p95": crawler_p95,
            "crawler_cpu": crawler_cpu, "helper_rss": helper_rss,
            "helper_cpu": helper_cpu, "bursts": bursts, "paused": paused}


def ceiling(extract: dict[str, float], fetched: dict[str, float], full: dict[str, Any], ncores: int) -> None:
    """The most (c) could be against (b) on these cores, were all of their time the crawl's: if
    each article cost only its extraction and Scrapy's own fetching of its pages ((a0)), and if
    it cost only its extraction and the crawling process as measured (workers doing nothing else)."""
    per_page = extract["seconds"] / extract["pages"]
    pages = full["pages"] / max(1, full["articles"])  # pages fetched per article archived
    fetch_only = ncores * per_page / (per_page + pages * fetched["cpu_per_page"])
    crawler = ncores * per_page / (per_page + full["crawler_cpu"] / max(1, full["articles"]))
    print(f"{'    ceiling of (c)/(b): extraction + (a0)':<44} {fetch_only:>15.2f}x  "
          f"{ncores} cores x (b) / ((b) + {pages:.2f} pages x (a0)): no storage, links or classifying")
    print(f"{'    ceiling of (c)/(b): extraction + crawler':<44} {crawler:>15.2f}x  "
          f"{ncores} cores x (b) / ((b) + the crawling process's CPU per article): workers only extracting")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-bare", action="store_true", help="skip (a), e.g. for a memory check at scale")
    parser.add_argument("--burst-every", type=float, default=20.0, metavar="SECONDS",
                        help="pause (c) this often for a burst of (b) (0: (b) only before and after (c))")
    parser.add_argument("--burst-pages", type=int, default=20, help="pages of (b) in each burst")
    parser.add_argument("--warc", type=int, default=0, metavar="ROUNDS",
                        help="instead: (c) with and without --warc, ROUNDS times (benchmarks/warc_cost.py)")
    args = parser.parse_args(argv)
    if not (args.corpus / "html").is_dir():
        print(f"skipped: the news-dev corpus is not at {args.corpus} (it lives in ../shared)")
        return 0
    site, base = start_site(args.articles, args.corpus)
    if args.warc:
        from benchmarks.warc_cost import print_table, warc_rounds

        try:
            print(f"WARC cost: {args.articles:,} articles at {base}, {args.warc} rounds", file=sys.stderr)
            print_table(warc_rounds(base, args.warc, full_crawl))
        finally:
            site.terminate()
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as name:
            tmp = Path(name)
            print(f"crawl benchmark: {args.articles:,} articles at {base}", file=sys.stderr)
            bare = bare_crawl(base, tmp) if not args.skip_bare else {"rate": float("nan"), "pages": 0, "seconds": 0}
            fetched = bare_crawl(base, tmp, fetch=args.articles)
            loop = ExtractionLoop(args.corpus)
            before = loop.run(120)
            server_cpu = rss_and_cpu(site.pid)[1]
            full = full_crawl(base, tmp, loop if args.burst_every > 0 else None, site.pid,
                              args.burst_every, args.burst_pages)
            full["server_cpu"] = rss_and_cpu(site.pid)[1] - server_cpu
            # Pages cost 27-309 ms each (idle machine): (b) ends where the page list does, so that all its runs
            # together weigh every page alike (the bursts alone cover part of the list).
            after = loop.run(120 + (-(loop.next + 120)) % len(loop.pages))
            # This machine's speed drifts from minute to minute: (b) is measured before, during
            # (with (c) paused) and after (c), and is the rate of all of those pages together.
            during = combined(*full["bursts"])
            extract = combined(before, *full["bursts"], after)
            together = parallel_extraction(args.corpus, os.cpu_count() or 1)
            baseline = bare_crawl(base, tmp, extract=True) if not args.skip_bare else None
    finally:
        site.terminate()
    cores = " / ".join(f"{c:.0f}%" for c in full["cores"])
    print(f"{'run':<44} {'rate':>16}  detail")
    print(f"{'(a) bare Scrapy link crawl (fetch ceiling)':<44} {bare['rate']:>10.1f} pg/s  "
          f"{bare['pages']:.0f} pages in {bare['seconds']:.1f} s")
    print(f"{'(a0) Scrapy fetching pages, nothing else':<44} {fetched['rate']:>10.1f} pg/s  "
          f"{fetched['cpu_per_page'] * 1000:.2f} ms CPU per page: Scrapy's own cost of a page "
          f"({fetched['pages']:.0f} article pages, one process)")
    print(f"{'(b) extract_article loop, one core':<44} {extract['rate']:>10.1f} pg/s  "
          f"{extract['seconds'] / extract['pages'] * 1000:.1f} ms CPU per page "
          f"(before (c): {before['rate']:.1f} pg/s, during: {during['rate']:.1f} pg/s in "
          f"{len(full['bursts'])} bursts of {args.burst_pages} pages, after: {after['rate']:.1f} pg/s)")
    each = " + ".join(f"{r:.1f}" for r in together["each"])
    print(f"{'(b2) the same loop on every core at once':<44} {together['rate']:>10.1f} pg/s  "
          f"{each}; {together['rate'] / extract['rate']:.2f}x (b): what the cores give together")
    print(f"{'(c) newscrawler crawl (full pipeline)':<44} {full['rate']:>10.1f} art/s  "
          f"{full['articles']:.0f} articles, {full['pages']} pages in {full['seconds']:.1f} s "
          f"(+{full['paused']:.1f} s paused); {full['rate'] / extract['rate']:.2f}x (b)")
    if baseline is not None:
        print(f"{'(d) Scrapy + trafilatura.extract in callback':<44} {baseline['article_rate']:>10.1f} art/s  "
              f"{baseline['articles']:.0f} articles (40+ words), {baseline['pages']:.0f} pages in "
              f"{baseline['seconds']:.1f} s; (c) is {full['rate'] / baseline['article_rate']:.2f}x (d)")
    ours = (full["crawler_cpu"] + full["helper_cpu"] + full["server_cpu"]) / (full["seconds"] * len(full["cores"]))
    print(f"{'    CPU per core during (c)':<44} {cores:>16}  of all cores' time: {100 * ours:.0f}% used by (c) "
          f"and the site, {full['interrupts']:.1f}% interrupts, {full['stolen']:.1f}% stolen")
    print(f"{'    peak RSS of all processes of (c)':<44} {full['peak_rss']:>13.0f} MB")
    print(f"{'      of which the crawling process':<44} {full['crawler_rss']:>13.0f} MB  "
          f"largest other process (worker): {full['helper_rss']:.0f} MB")
    print(f"{'      crawling process during (c)':<44} {full['crawler_median']:>13.0f} MB  "
          f"median of 100 ms samples; 95th percentile {full['crawler_p95']:.0f} MB")
    articles = max(1, full["articles"])
    per_article = (full["crawler_cpu"] + full["helper_cpu"]) / articles
    print(f"{'    CPU per article (all processes)':<44} {per_article * 1000:>13.1f} ms  "
          f"crawling process {full['crawler_cpu'] / articles * 1000:.1f} ms, "
          f"workers {full['helper_cpu'] / articles * 1000:.1f} ms")
    ncores = len(full["cores"])
    print(f"{'    CPU-bound rate on idle cores (projection)':<44} {ncores / per_article:>10.1f} art/s  "
          f"{ncores} cores / CPU per article; {ncores / per_article / extract['rate']:.2f}x (b)")
    ceiling(extract, fetched, full, ncores)
    print(f"{'    (c) / (b2)':<44} {full['rate'] / together['rate']:>15.2f}x  "
          "the full crawl against extraction alone on every core")
    print(f"{'    CPU of the site server (same cores)':<44} {full['server_cpu'] / articles * 1000:>13.1f} ms  "
          f"per article; {100 * full['server_cpu'] / full['seconds']:.1f}% of one core")
    share = full["storage_share"]
    print(f"{'    time share of storage':<44} {share * 100:>15.1f}%" if share == share else
          f"{'    time share of storage':<44} {'not recorded':>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
