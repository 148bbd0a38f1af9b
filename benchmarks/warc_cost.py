"""What ``crawl --warc`` costs: the full crawl of ``benchmarks.crawl`` with and without WARC capture.

    python -m benchmarks.crawl --articles 1000 --warc 3

Each round crawls the local site twice into fresh archives, once without and once with
``--warc`` (the order alternating from round to round, as this kind of machine's speed drifts
from minute to minute), and the table gives articles/s of both, their ratio (the median of the
rounds' ratios), the MB of WARC files written per article, and the crawling process's CPU
time per article (where the capture runs), steadier than the rates on a shared machine.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def warc_rounds(base: str, rounds: int, crawl: Callable[..., dict[str, Any]]) -> list[dict[str, float]]:
    """``rounds`` pairs of crawls of ``base`` (``crawl``: ``benchmarks.crawl.full_crawl``)."""
    results = []
    for number in range(rounds):
        pair: dict[str, float] = {}
        for with_warc in ((False, True) if number % 2 == 0 else (True, False)):
            with tempfile.TemporaryDirectory(prefix="bench-warc-") as name:
                tmp = Path(name)
                extra = ["--warc", str(tmp / "warc")] if with_warc else []
                full = crawl(base, tmp, extra=extra)
                key = "warc" if with_warc else "plain"
                pair[key] = full["rate"]
                pair[f"{key}_articles"] = full["articles"]
                pair[f"{key}_cpu"] = full["crawler_cpu"] / max(1, full["articles"]) * 1000
                if with_warc:
                    written = sum(p.stat().st_size for p in (tmp / "warc").glob("*.warc.gz"))
                    pair["mb_per_article"] = written / 1e6 / max(1, full["articles"])
                    pair["pages"] = full["pages"]
                    pair["mb"] = written / 1e6
        results.append(pair)
    return results


def print_table(results: list[dict[str, float]]) -> None:
    print(f"{'round':<8} {'without --warc':>16} {'with --warc':>14} {'ratio':>8} {'MB/article':>12} {'MB':>8}  "
          "crawling process CPU per article without / with")
    for number, r in enumerate(results, 1):
        print(f"{number:<8} {r['plain']:>10.1f} art/s {r['warc']:>8.1f} art/s {r['warc'] / r['plain']:>8.3f} "
              f"{r['mb_per_article']:>12.3f} {r['mb']:>8.1f}  {r['plain_cpu']:.1f} / {r['warc_cpu']:.1f} ms")
    ratio = statistics.median(r["warc"] / r["plain"] for r in results)
    print(f"{'median':<8} {statistics.median(r['plain'] for r in results):>10.1f} art/s "
          f"{statistics.median(r['warc'] for r in results):>8.1f} art/s {ratio:>8.3f} "
          f"{statistics.median(r['mb_per_article'] for r in results):>12.3f}")
