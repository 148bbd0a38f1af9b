"""Scale-out benchmark: 1, 2 and 3 ``newscrawler crawl --frontier`` workers on one Redis frontier and one
PostgreSQL archive, crawling the generated benchmark site (benchmarks/benchsite.py) on this machine.

    python -m benchmarks.scale [--articles 1000] [--workers 1,2,3] [--corpus ../shared/corpus/news-dev]

For each worker count: a fresh archive database and Redis database, the workers started
together, the wall time until the last one exits, the articles archived (each exactly once),
Redis commands per article (INFO commandstats before/after) and PostgreSQL writes per article
(pg_stat_database xact_commit and tup_inserted + tup_updated + tup_deleted before/after).
A throwaway redis-server and PostgreSQL are started on 127.0.0.1 (tests/support/redisserver.py,
tests/support/pgserver.py); without the news-dev corpus the articles are made from the demo site's pages.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

from benchmarks.crawl import DEFAULT_CORPUS, ENV, LIFTED, ROOT, cpu_times
from tests.support.pgserver import PgServer, find_bindir
from tests.support.redisserver import RedisServer, find_redis_server

PG_COUNTERS = ("xact_commit", "tup_inserted", "tup_updated", "tup_deleted")


@dataclass
class Run:
    workers: int
    articles: int
    duplicates: int
    seconds: float
    redis_calls: int
    top_commands: list[tuple[str, int]]
    commits: int
    rows_written: int
    table_rows: dict[str, int]
    cores: list[float]
    exits: list[int]

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def start_site(articles: int, corpus: Path) -> tuple[subprocess.Popen[str], str]:
    source = ["--corpus", str(corpus)] if (corpus / "html").is_dir() else ["--demo-pages"]
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.benchsite", "--articles", str(articles), *source],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=ENV)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def redis_commands(client: redis.Redis) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def pg_counters(admin_dsn: str, database: str) -> dict[str, int]:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(f"SELECT {', '.join(PG_COUNTERS)} FROM pg_stat_database WHERE datname = %s",
                           (database,)).fetchone()
    return dict(zip(PG_COUNTERS, (int(v or 0) for v in row or ())))


def table_writes(url: str) -> dict[str, int]:
    """Rows inserted + updated + deleted per archive table (pg_stat_user_tables: no TOAST chunks)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        found = conn.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables").fetchall()
    return {name: int(n) for name, n in found}


def archive_counts(url: str) -> tuple[int, int]:
    """(articles, canonical URLs stored more than once)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        dupes = conn.execute("SELECT count(*) FROM (SELECT canonical_url FROM articles GROUP BY 1 "
                             "HAVING count(*) > 1) d").fetchone()[0]
    return int(total), int(dupes)


def run_workers(n: int, base: str, pg: PgServer, server: RedisServer, db_index: int) -> Run:
    db_url, frontier = pg.new_database(), server.url(db_index)
    database = db_url.rsplit("/", 1)[1]
    subprocess.run([sys.executable, "-m", "newscrawler", "migrate", "--db", db_url], check=True, env=ENV,
                   capture_output=True)  # the schema is not part of the measure
    client = redis.Redis.from_url(frontier)
    client.flushdb()
    time.sleep(1.0)  # let the server's statistics settle
    redis_before, pg_before, cpu_before = redis_commands(client), pg_counters(pg.admin_dsn, database), cpu_times()
    tables_before = table_writes(db_url)
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "newscrawler", "crawl", f"{base}/", "--db", db_url,
                               "--frontier", frontier, "--quiet", "--log-level", "ERROR", *LIFTED],
                              cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL) for _ in range(n)]
    exits = [p.wait() for p in procs]
    seconds = time.monotonic() - started
    cpu_after = cpu_times()
    time.sleep(1.5)  # PostgreSQL publishes its counters at most once a second
    redis_after, pg_after = redis_commands(client), pg_counters(pg.admin_dsn, database)
    tables = {k: v - tables_before.get(k, 0) for k, v in table_writes(db_url).items()}
    calls = {k: v - redis_before.get(k, 0) for k, v in redis_after.items() if k != "info"}
    calls = {k: v for k, v in calls.items() if v > 0}
    articles, duplicates = archive_counts(db_url)
    cores = [100 * (b1 - b0) / max(1, t1 - t0) for (b0, t0), (b1, t1) in zip(cpu_before, cpu_after)]
    return Run(n, articles, duplicates, seconds, sum(calls.values()),
               sorted(calls.items(), key=lambda kv: -kv[1])[:6],
               pg_after["xact_commit"] - pg_before["xact_commit"],
               sum(pg_after[k] - pg_before[k] for k in PG_COUNTERS[1:]), {k: v for k, v in tables.items() if v},
               cores, exits)


def print_table(runs: list[Run], articles: int) -> None:
    base = runs[0].rate if runs and runs[0].rate else 1.0
    print(f"\nscale-out benchmark: {articles:,} generated articles, {os.cpu_count()} cores, "
          f"load average before {os.getloadavg()[0]:.2f}")
    print("| workers | articles | dupl. | seconds | articles/s | speed-up | Redis cmds/article | "
          "PG commits/article | PG tuples written/article (tables) | CPU per core | exit codes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for run in runs:
        per = max(1, run.articles)
        print(f"| {run.workers} | {run.articles} | {run.duplicates} | {run.seconds:.1f} | {run.rate:.1f} | "
              f"{run.rate / base:.2f}x | {run.redis_calls / per:.1f} | {run.commits / per:.2f} | "
              f"{run.rows_written / per:.1f} ({sum(run.table_rows.values()) / per:.1f}) | {' / '.join(f'{c:.0f}%' for c in run.cores)} | "
              f"{','.join(map(str, run.exits))} |")
    for run in runs:
        top = ", ".join(f"{name} {calls / max(1, run.articles):.2f}" for name, calls in run.top_commands)
        print(f"  {run.workers} worker(s), Redis commands per article: {top}")
        rows = ", ".join(f"{name} {n / max(1, run.articles):.2f}" for name, n in sorted(run.table_rows.items()))
        print(f"  {run.workers} worker(s), PostgreSQL rows written per article: {rows}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,3", help="worker counts to measure, comma-separated")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    bindir, binary = find_bindir(), find_redis_server()
    if bindir is None or binary is None:
        print("skipped: needs redis-server and the PostgreSQL server binaries (apt-get install redis-server postgresql)")
        return 0
    counts = [int(n) for n in args.workers.split(",")]
    site, base = start_site(args.articles, args.corpus)
    try:
        with PgServer(bindir) as pg, RedisServer(binary) as server:
            runs = []
            for index, n in enumerate(counts):
                print(f"{n} worker(s) on {base} ...", file=sys.stderr, flush=True)
                runs.append(run_workers(n, base, pg, server, index))
    finally:
        site.terminate()
    print_table(runs, args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
