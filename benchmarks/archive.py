"""Archive benchmark: bulk insert, search, filters, stats and export at scale.

    python -m benchmarks.archive [--articles 200000] [--db PATH] [--keep]

Builds an archive of synthetic articles of realistic length (about 800 words of
news-like text from a Zipf-distributed vocabulary, 50 sites over two years, a
raw page of about 30 KB each) through the real write path
(:class:`archive.store.ArchiveWriter`), then measures the read paths the CLI
uses. Prints one table. Reads nothing outside the repository.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from archive.article import Article, FetchedPage
from archive.engine import open_archive
from archive.export import write_articles
from archive.query import Filters, archive_stats, iter_articles, search
from archive.store import ArchiveWriter

SEED = 20261127
SITES = [f"news{i:02d}.example" for i in range(50)]
QUERIES = [
    "the", "said", "council", "harbor", "city council", '"city council"', "budget OR tax", "minister*",
    "police", "election", "water", "school", "report", "new", "year", "storm flood", "bridge",
    "court ruling", "health", "port",
]
CHROME = "<nav>" + "".join(f'<a href="/section/{i}/">Section {i}</a>' for i in range(40)) + "</nav>"


def vocabulary() -> list[str]:
    """Words of our own demo site's articles, most frequent first (works offline, no ../shared)."""
    from newscrawler.demo.content import ARTICLES

    counts: dict[str, int] = {}
    for article in ARTICLES:
        for paragraph in article.paragraphs:
            for word in paragraph.split():
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: -counts[w])


def synthetic_articles(n: int, words: list[str]) -> Iterator[tuple[Article, FetchedPage]]:
    rng = random.Random(SEED)
    weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    start = datetime(2024, 11, 1, tzinfo=UTC)
    authors = [f"{first} {last}" for first in ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay")
               for last in ("Moreau", "Okafor", "Smith", "Tanaka", "Varga")]
    for i in range(n):
        site = SITES[i % len(SITES)]
        body = rng.choices(words, cum_weights=weights, k=800)
        paragraphs = [" ".join(body[j:j + 80]) for j in range(0, 800, 80)]
        text = "\n".join(paragraphs)
        title = " ".join(rng.choices(words[:2000], k=9)).capitalize()
        published = start + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        url = f"https://{site}/{published:%Y/%m/%d}/story-{i}"
        html = (f"<html><head><title>{title}</title></head><body>{CHROME * 6}<article><h1>{title}</h1>"
                + "".join(f"<p>{p}</p>" for p in paragraphs) + f"</article>{CHROME * 6}</body></html>")
        article = Article(url=url, title=title, text=text, canonical_url=url,
                          authors=rng.sample(authors, k=rng.choice((1, 1, 2))), published_at=published,
                          site_name=site, section=rng.choice(("World", "Local", "Business", "Sport")),
                          tags=rng.sample(words[50:500], k=3), language="en", description=paragraphs[0][:160])
        page = FetchedPage(url=url, final_url=url, status=200, body=html.encode(), fetched_at=datetime.now(UTC),
                           content_type="text/html; charset=utf-8", encoding="utf-8")
        yield article, page


def timed(func: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def build(db: Path, n: int) -> tuple[float, float]:
    """Insert ``n`` articles; returns (articles/s, seconds spent in the writer, not in making articles)."""
    engine = open_archive(str(db))
    writer = ArchiveWriter(engine, batch_size=1000)
    elapsed = 0.0
    for done, (article, page) in enumerate(synthetic_articles(n, vocabulary()), start=1):
        started = time.perf_counter()
        writer.add(article, page)
        elapsed += time.perf_counter() - started
        if done % 20000 == 0:
            print(f"  inserted {done:,}", file=sys.stderr)
    started = time.perf_counter()
    writer.close()
    elapsed += time.perf_counter() - started
    engine.dispose()
    return n / elapsed, elapsed


def plan_uses_index(db: Path, site: str) -> bool:
    sql = ("EXPLAIN QUERY PLAN SELECT id FROM articles WHERE site = ? AND published_at >= ? "
           "AND published_at <= ? ORDER BY id LIMIT 20")
    with sqlite3.connect(db) as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(sql, (site, "2025-01-01", "2025-03-01")))
    return "USING INDEX" in plan or "USING COVERING INDEX" in plan


def export_subprocess(db: Path, *args: str) -> tuple[float, float, int]:
    """(articles/s, peak RSS MB, count) of `newscrawler export ARGS` (default: JSON Lines to /dev/null),
    the peak of that one process (``wait4``)."""
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "export", "--db", str(db), *args], stdout=sink)
        _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"newscrawler export {' '.join(args)} failed")
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return count / elapsed, usage.ru_maxrss / 1024, count


def bytes_per_table(db: Path, n: int) -> list[tuple[str, float]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    groups: dict[str, int] = {}
    for name, size in rows:
        key = "articles_fts" if name.startswith("articles_fts") else (
            "indexes" if name.startswith(("ix_", "sqlite_autoindex")) else name)
        groups[key] = groups.get(key, 0) + size
    return [(k, v / n) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])]


def run(db: Path, n: int, reuse: bool) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    if not (reuse and db.exists()):
        rate, seconds = build(db, n)
        rows.append(("bulk insert (ArchiveWriter, batches of 1000)", f"{rate:,.0f} articles/s", f"{seconds:.0f} s"))
    reader = open_archive(str(db), readonly=True)
    latencies = [t for q in QUERIES for t in timed(lambda q=q: search(reader, q, Filters(limit=20)), repeat=3)[1:]]
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]
    rows.append(("search, 20 queries, LIMIT 20 + snippets", f"p50 {p50:.1f} ms", f"p95 {p95:.1f} ms"))
    since, until = date(2025, 1, 1), date(2025, 3, 1)
    site_filter = Filters(site=SITES[7], since=since, until=until, limit=20)
    filter_ms = timed(lambda: list(iter_articles(reader, site_filter)), repeat=5)
    rows.append(("site + date filter, first 20", f"{statistics.median(filter_ms):.1f} ms",
                 "index used" if plan_uses_index(db, SITES[7]) else "FULL SCAN"))
    author_ms = timed(lambda: list(iter_articles(reader, Filters(author="tanaka", limit=20))), repeat=5)
    rows.append(("author filter, first 20", f"{statistics.median(author_ms):.1f} ms", ""))
    stats_ms = timed(lambda: archive_stats(reader, days=30, runs=10), repeat=3)
    rows.append(("stats (per site, per day, runs)", f"{statistics.median(stats_ms):.0f} ms", ""))
    with open(os.devnull, "w", encoding="utf-8") as sink:
        export_ms = timed(lambda: write_articles(iter_articles(reader, Filters()), "jsonl", sink))[0]
    total = n if not reuse else sum(1 for _ in iter_articles(reader, Filters()))
    rows.append(("export jsonl in process", f"{total / export_ms * 1000:,.0f} articles/s", ""))
    reader.dispose()
    rate, peak, count = export_subprocess(db)
    rows.append(("export jsonl, CLI subprocess", f"{rate:,.0f} articles/s", f"peak RSS {peak:.0f} MB"))
    parquet = db.with_suffix(".parquet")
    try:
        rate, peak, count = export_subprocess(db, "--format", "parquet", "-o", str(parquet))
        rows.append(("export parquet, CLI subprocess", f"{rate:,.0f} articles/s",
                     f"peak RSS {peak:.0f} MB, {parquet.stat().st_size / count:,.0f} bytes/article"))
        parquet.unlink()
    except SystemExit as exc:  # pyarrow is an extra
        rows.append(("export parquet, CLI subprocess", "not run", str(exc)))
    size = db.stat().st_size
    rows.append(("archive size", f"{size / 2**20:,.0f} MB", f"{size / count:,.0f} bytes/article"))
    for table, per in bytes_per_table(db, count):
        rows.append((f"  of which {table}", f"{per:,.0f} bytes/article", ""))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--db", type=Path, help="archive to build (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the archive; reuse it when it exists")
    args = parser.parse_args(argv)
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-archive-")
        args.db = Path(tmp.name) / "bench.sqlite3"
    print(f"archive benchmark: {args.articles:,} articles -> {args.db}", file=sys.stderr)
    rows = run(args.db, args.articles, reuse=args.keep)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>24}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>24}  {note}")
    if tmp is not None and not args.keep:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
