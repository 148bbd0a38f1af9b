"""import-warc benchmark: articles/s of ``newscrawler import-warc``, first import and re-import.

    python -m benchmarks.warc_import [--articles 1000] [--corpus ../shared/corpus/news-dev]

A gzipped WARC of the benchmark site (benchmarks/benchsite.py: N articles made from the
news-dev pages, its home page, listings, feed and sitemaps) is written with warcio from the
site's responses, then imported into a fresh archive (a), and imported again (b: every
article unchanged). Reported: articles/s, records/s, peak RSS of all the import's processes
(sampled every 100 ms) and the WARC's size. Skips with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.benchsite import PER_LISTING, PER_SITEMAP, SECTIONS, Site, article_path, load_pages
from benchmarks.crawl import DEFAULT_CORPUS, ENV, Sampler

BASE = "http://bench-news.test"


def site_paths(articles: int) -> list[str]:
    """The site's URLs as a crawl meets them: robots.txt, home, feed, sitemaps, listings, then the articles."""
    per_section = (articles + len(SECTIONS) - 1) // len(SECTIONS)
    listings = [f"/section/{s}/page/{k}/" for s in SECTIONS for k in range(1, per_section // PER_LISTING + 2)]
    sitemaps = [f"/sitemap-{k}.xml" for k in range((articles + PER_SITEMAP - 1) // PER_SITEMAP)]
    return ["/robots.txt", "/", "/feed.xml", "/sitemap_index.xml", *sitemaps, *listings,
            *(article_path(i) for i in range(articles))]


def write_site_warc(site: Site, articles: int, path: Path) -> int:
    """A gzipped WARC of the site's responses; returns the number of records."""
    records = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url_path in site_paths(articles):
            status, ctype, body = site.get(url_path, BASE)
            if status == 404:
                continue
            http = StatusAndHeaders(f"{status} OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(BASE + url_path, "response", payload=BytesIO(body),
                                                          http_headers=http))
            records += 1
    return records


def timed_import(warc: Path, db: Path, cwd: Path) -> dict[str, Any]:
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "import-warc", str(warc), "--db", str(db),
                             "--quiet", "--log-level", "ERROR"], cwd=cwd, env=ENV)
    sampler = Sampler(proc.pid)
    sampler.start()
    started = time.monotonic()
    proc.wait()
    seconds = time.monotonic() - started
    sampler.stop()
    main_rss, main_cpu, _, helper_cpu = sampler.crawler_and_helpers()
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    stored = sum(int(stats.get(f"archive/{k}", 0)) for k in ("inserted", "updated", "unchanged"))
    return {"seconds": seconds, "inserted": int(stats.get("archive/inserted", 0)), "stored": stored,
            "unchanged": int(stats.get("archive/unchanged", 0)), "records": int(stats.get("warc/records", 0)),
            "peak_rss": sampler.peak, "exit": proc.returncode, "cpu": main_cpu + helper_cpu, "main_cpu": main_cpu,
            "main_rss": main_rss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not (args.corpus / "html").is_dir():
        print(f"skipped: the news-dev corpus is not at {args.corpus} (it lives in ../shared)")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-warc-import-") as name:
        tmp = Path(name)
        warc = tmp / "site.warc.gz"
        started = time.monotonic()
        records = write_site_warc(Site(load_pages(args.corpus), args.articles), args.articles, warc)
        print(f"import-warc benchmark: {args.articles:,} articles, {records:,} records, "
              f"{warc.stat().st_size / 1e6:.1f} MB WARC written in {time.monotonic() - started:.1f} s", file=sys.stderr)
        db = tmp / "bench.sqlite3"
        first = timed_import(warc, db, tmp)
        again = timed_import(warc, db, tmp)
    print(f"{'run':<34} {'rate':>14}  detail")
    for label, run, count in (("(a) import-warc, empty archive", first, first["inserted"]),
                              ("(b) import-warc again (unchanged)", again, again["unchanged"])):
        print(f"{label:<34} {count / run['seconds']:>8.1f} art/s  {count} articles, {run['records']} records "
              f"in {run['seconds']:.1f} s ({run['records'] / run['seconds']:.0f} records/s); "
              f"peak RSS {run['peak_rss']:.0f} MB (importing process {run['main_rss']:.0f} MB); CPU {run['cpu'] / max(1, count) * 1000:.1f} ms per article "
              f"(importing process {run['main_cpu'] / max(1, count) * 1000:.1f} ms); exit {run['exit']}")
    return 0 if first["exit"] == 0 and again["exit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
