"""URL-state benchmark: what a repeat crawl's URL states cost on an archive that knows many URLs.

    python -m benchmarks.urlstates [--urls 20000 100000] [--asked 5000]

For each size N: an archive whose ``urls`` table holds N article pages of one site, then a
:class:`newscrawler.discover.urlstates.UrlStates` opened on it as a crawl opens it (a writer and a
read-only engine), asked ``skip_page`` about ``--asked`` of the URLs: one by one, and 500 at a
time after :meth:`~newscrawler.discover.urlstates.UrlStates.prefetch` (as the spider asks for a
sitemap's chunk or a page's new links). Memory held by the book is measured with
``tracemalloc`` (Python allocations, SQLite's own caches excluded), times without it.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from archive.engine import open_archive
from archive.state import READ_CHUNK, UrlState, save_url_states
from newscrawler.discover.urlstates import UrlStates

SITE = "www.example-news.com"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def page(i: int) -> str:
    return f"https://{SITE}/2026/{1 + i % 12:02d}/{1 + i % 28:02d}/story-number-{i}.html"


def fill(db: Path, urls: int) -> None:
    engine = open_archive(str(db))
    states = (UrlState(url=page(i), site=SITE, kind="article", first_seen=T0, last_fetched=T0, last_status=200,
                       etag=f'"e{i}"', published_at=T0) for i in range(urls))
    save_url_states(engine, states)
    engine.dispose()


def measure(db: Path, urls: int, asked: int) -> dict[str, float]:
    writer, reader = open_archive(str(db)), open_archive(str(db), readonly=True)
    wanted = [page(i) for i in range(0, urls, max(1, urls // asked))]
    try:
        gc.collect()
        tracemalloc.start()
        book = UrlStates(writer, [SITE], ["1h"], reader=reader)
        held_start = tracemalloc.get_traced_memory()[0]
        for url in wanted:
            book.skip_page(url)
        held_after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        book.close()
        started = time.perf_counter()
        book = UrlStates(writer, [SITE], ["1h"], reader=reader)
        start = time.perf_counter() - started
        started = time.perf_counter()
        skipped = sum(book.skip_page(url) for url in wanted)
        alone = (time.perf_counter() - started) / len(wanted)
        book.close()
        book = UrlStates(writer, [SITE], ["1h"], reader=reader)
        started = time.perf_counter()
        for k in range(0, len(wanted), READ_CHUNK):
            book.prefetch(wanted[k:k + READ_CHUNK])
            skipped += sum(book.skip_page(url) for url in wanted[k:k + READ_CHUNK])
        batched = (time.perf_counter() - started) / len(wanted)
        book.close()
    finally:
        writer.dispose()
        reader.dispose()
    assert skipped == 2 * len(wanted), "every known article page (not due) is skipped"
    return {"start": start, "held_start": held_start, "held_after": held_after, "alone": alone,
            "batched": batched, "asked": len(wanted)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--asked", type=int, default=5_000)
    args = parser.parse_args(argv)
    print(f"{'known URLs':>10}  {'book start':>10}  {'held after start':>16}  {'held after asking':>17}"
          f"  {'one by one':>11}  {'500 at a time':>13}")
    for urls in args.urls:
        with tempfile.TemporaryDirectory(prefix="bench-urlstates-") as tmp:
            db = Path(tmp) / "archive.sqlite3"
            fill(db, urls)
            r = measure(db, urls, args.asked)
        print(f"{urls:>10,}  {r['start'] * 1000:>7.0f} ms  {r['held_start'] / 1e6:>13.1f} MB"
              f"  {r['held_after'] / 1e6:>14.1f} MB  {r['alone'] * 1e6:>8.0f} us  {r['batched'] * 1e6:>10.0f} us")
    print(f"(asked about {args.asked:,} of the known URLs; times per URL)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
