"""`newscrawler serve` (Datasette: facets, search, canned queries over HTTP) and `export --format parquet`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import Engine, inspect

from archive.datasette import QUERIES, TABLES, datasette_metadata
from tests.support.cli import LOCAL, ROOT, Result, cli

def jsonl_rows(db: Path, *extra: str) -> list[dict[str, Any]]:
    result = cli("export", "--db", str(db), "--format", "jsonl", *extra)
    assert result.code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def parquet_rows(path: Path) -> list[dict[str, Any]]:
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY id, url")
    names = relation.columns
    return [dict(zip(names, row)) for row in relation.fetchall()]


def as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@pytest.mark.e2e
@pytest.mark.parametrize("extra", [(), ("--include-duplicates",)])
def test_parquet_export_reads_back_equal_to_the_jsonl_export(crawled: tuple[Path, Result, list], tmp_path: Path,
                                                            extra: tuple[str, ...]) -> None:
    db = crawled[0]
    out = tmp_path / "news.parquet"
    result = cli("export", "--db", str(db), "--format", "parquet", "-o", str(out), *extra)
    assert result.code == 0, result.stderr
    expected = sorted(jsonl_rows(db, *extra), key=lambda r: (r["id"], r["url"]))
    got = parquet_rows(out)
    assert len(got) == len(expected) > 20
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()}
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE" and types["fetched_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["authors"] == "VARCHAR[]" and types["tags"] == "VARCHAR[]"
    assert types["id"] == "BIGINT" and types["word_count"] == "INTEGER" and types["is_paywalled"] == "BOOLEAN"
    assert any(row["authors"] for row in got) and any(row["published_at"] for row in got)
    for mine, theirs in zip(got, expected):
        assert {k: as_json(v) for k, v in mine.items()} == theirs
    if extra:
        assert any(row["duplicate_of"] for row in got)


@pytest.mark.e2e
def test_parquet_needs_a_file_and_leaves_nothing_when_it_cannot_write(crawled: tuple[Path, Result, list],
                                                                      tmp_path: Path) -> None:
    db = crawled[0]
    result = cli("export", "--db", str(db), "--format", "parquet")
    assert result.code == 2 and "--output" in result.stderr
    target = tmp_path / "missing-dir" / "news.parquet"
    result = cli("export", "--db", str(db), "--format", "parquet", "-o", str(target))
    assert result.code == 1 and str(target) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not target.parent.exists()


@pytest.mark.unit
def test_metadata_describes_every_column_of_the_tables_it_names(engine: Engine) -> None:
    tables = inspect(engine)
    for table, meta in TABLES.items():
        columns = {c["name"] for c in tables.get_columns(table)}
        undescribed = columns - set(meta["columns"]) - {"id", "started_at", "finished_at"}
        assert not undescribed, (table, undescribed)
        assert set(meta["columns"]) <= columns, (table, set(meta["columns"]) - columns)
    assert set(QUERIES) == {"articles_per_day", "latest_per_site", "article_versions", "failed_urls_of_last_run"}
    with engine.connect() as conn:  # every canned query runs on the schema as it is
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for name, query in QUERIES.items():
            raw.execute(query["sql"], {"days": "", "per_site": "", "id": "1"}).fetchall()
    assert datasette_metadata("news")["databases"]["news"]["tables"]["articles"]["facets"][:3] == [
        "site", "section", "language"]


@pytest.mark.unit
def test_failed_urls_of_last_run_are_those_that_failed_during_the_latest_crawl(engine: Engine) -> None:
    def at(minute: int) -> str:
        return f"2026-12-05T10:{minute:02d}:00+00:00"

    runs = [(1, at(0), at(10), "crawl"), (2, at(20), at(30), "reextract"), (3, at(40), None, "crawl")]
    urls = [("http://a.test/old", at(5)), ("http://a.test/now", at(41)), ("http://b.test/now", at(45)),
            ("http://a.test/never", None), ("http://a.test/between", at(35))]
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.executemany("INSERT INTO runs (id, started_at, finished_at, status, command, args, stats, "
                        "articles_new, articles_updated) VALUES (?, ?, ?, 'ok', ?, '{}', '{}', 0, 0)", runs)
        raw.executemany("INSERT INTO urls (url, site, kind, first_seen, failures, last_failed) "
                        "VALUES (?, 'a.test', 'failed', '2026-12-01T00:00:00+00:00', 1, ?)", urls)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        rows = raw.execute(QUERIES["failed_urls_of_last_run"]["sql"]).fetchall()
    assert [row[0] for row in rows] == ["http://a.test/now", "http://b.test/now"]  # run 3 still running


@pytest.fixture
def served(archive_copy: Path) -> Iterator[str]:
    """`newscrawler serve` on a copy of the crawled archive, any free port: its base URL, once it listens."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWLER_DB"}
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler", "serve", "--db", str(archive_copy), "--port", "0"],
                            cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"}, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    assert proc.stderr is not None
    base = None
    for line in proc.stderr:  # waits for uvicorn's line naming the address
        if "running on http://" in line:
            base = line.split("running on ", 1)[1].split()[0]
            break
    try:
        assert base is not None and base.startswith("http://127.0.0.1:"), "serve did not start"
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.load(response)


@pytest.mark.e2e
def test_serve_shows_facets_search_and_canned_queries(served: str, archive_copy: Path, broken_site: str) -> None:
    db = archive_copy.stem
    page = get(served, f"/{db}/articles.json?_size=1")
    facets = page["facet_results"]
    facets = facets.get("results", facets)
    assert {"site", "section", "language", "authors"} <= set(facets)
    sections = {row["value"]: row["count"] for row in facets["section"]["results"]}
    with sqlite3.connect(archive_copy) as conn:
        expected = dict(conn.execute("SELECT section, count(*) FROM articles WHERE section IS NOT NULL "
                                     "GROUP BY section").fetchall())
    assert sections and all(expected[name] == count for name, count in sections.items())
    found = get(served, f"/{db}/articles.json?_search=harbor&_shape=array&_col=title&_col=text")
    assert found and all("harbor" in (row["title"] + row["text"]).lower() for row in found)
    latest = get(served, f"/{db}/latest_per_site.json?_shape=array&per_site=2")
    assert latest and len(latest) <= 2 * len({row["site"] for row in latest})
    days = get(served, f"/{db}/articles_per_day.json?_shape=array&days=100000")
    with sqlite3.connect(archive_copy) as conn:
        assert sum(row["articles"] for row in days) == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert get(served, f"/{db}/failed_urls_of_last_run.json?_shape=array") == []  # the demo crawl: no failures
    assert cli("crawl", broken_site + "/missing", "--db", str(archive_copy), *LOCAL).code == 1  # while serving
    failed = get(served, f"/{db}/failed_urls_of_last_run.json?_shape=array")
    assert [(row["url"], row["last_status"], row["reason"]) for row in failed] == [
        (broken_site + "/missing", 404, "error:http_404")]
    versions = get(served, f"/{db}/article_versions.json?_shape=array&id=1")
    assert [row["version"] for row in versions] == [1]
    with pytest.raises(urllib.error.HTTPError):  # read-only: Datasette runs only SELECTs
        get(served, f"/{db}.json?sql=DELETE+FROM+articles")
    with sqlite3.connect(archive_copy) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == sum(row["articles"] for row in days)
