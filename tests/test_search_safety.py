"""Search and export safety: hostile queries neither inject SQL nor crash FTS5; CSV cells are defused.

Bad FTS5 syntax gives one line with a hint and exit 2; ``--literal`` searches any text as
words; arbitrary (fuzzed) queries only ever give results or that error. CSV output of
``export`` and ``search --csv`` prefixes cells that spreadsheets would run as formulas.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from archive.article import Article, FetchedPage
from archive.engine import open_archive
from archive.errors import QueryError
from archive.query import Filters, search
from archive.store import ArchiveWriter
from tests.support.cli import cli

T0 = datetime(2026, 3, 4, 9, tzinfo=UTC)
# query -> a fragment of the hint its error must carry
BAD_QUERIES = {
    '"unbalanced': "never closed",
    'harbor "bridge': "never closed",
    "AND": "joins two terms",
    "harbor AND": "ends too early",
    "NEAR(": "ends too early",
    "NEAR(harbor bridge": "ends too early",
    "*abc": "only ends a word",
    "title:": "ends too early",
    "author:smith": "column filter",
    "e-mail": "quote words with hyphens",
    "-": "ends too early",
    "(harbor": "ends too early",
    "C++": "FTS5 syntax",
    "x'); DROP TABLE articles; --": "FTS5 syntax",
}
HOSTILE = ["x'); DROP TABLE articles; --", "' OR 1=1 --", '"; DELETE FROM articles; --', "\x00", "articles_fts",
           "rank:1", "{title text}: harbor", "NEAR(harbor bridge, 1)", "harbor*"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    db = tmp_path_factory.mktemp("search") / "news.sqlite3"
    writer_engine = open_archive(str(db))
    with ArchiveWriter(writer_engine) as writer:
        for n, (title, text) in enumerate([
            ("Harbor bridge reopens", "The harbor bridge reopened to traffic after repairs.\nC++ and e-mail."),
            ("Council budget", "The council passed the budget.\nDon't panic, said the mayor."),
        ]):
            url = f"https://news.example/2026/03/0{n + 1}/story"
            writer.add(Article(url=url, title=title, text=text, published_at=T0),
                       FetchedPage(url=url, final_url=url, status=200, body=b"<p>x</p>", fetched_at=T0))
    writer_engine.dispose()
    engine = open_archive(str(db), readonly=True)
    yield db, engine
    engine.dispose()


def schema_and_rows(db: Path) -> tuple[list, list]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return (conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
                conn.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall())


@pytest.mark.unit
@pytest.mark.parametrize("query", list(BAD_QUERIES))
def test_bad_syntax_is_one_line_with_a_hint(archive: tuple[Path, Engine], query: str) -> None:
    with pytest.raises(QueryError) as info:
        search(archive[1], query, Filters())
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"bad search query {query!r}: ")
    assert BAD_QUERIES[query] in message and message.endswith("or use --literal to search the words as typed")


@pytest.mark.unit
@pytest.mark.parametrize("query", [*BAD_QUERIES, *HOSTILE])
def test_literal_mode_searches_anything_as_words(archive: tuple[Path, Engine], query: str) -> None:
    try:
        search(archive[1], query, Filters(), literal=True)
    except QueryError as exc:  # only a query without any word (NULs do not count)
        assert "empty search query" in str(exc) and not query.replace("\x00", " ").split()


@pytest.mark.unit
def test_literal_mode_finds_words_with_punctuation(archive: tuple[Path, Engine]) -> None:
    engine = archive[1]
    assert [h.article.title for h in search(engine, "C++", Filters(), literal=True)] == ["Harbor bridge reopens"]
    assert [h.article.title for h in search(engine, "don't", Filters(), literal=True)] == ["Council budget"]
    assert [h.article.title for h in search(engine, '"harbor', Filters(), literal=True)] == ["Harbor bridge reopens"]


@pytest.mark.unit
def test_hostile_queries_change_nothing(archive: tuple[Path, Engine]) -> None:
    db, engine = archive
    before = schema_and_rows(db)
    for query in HOSTILE:
        for literal in (False, True):
            try:
                search(engine, query, Filters(), literal=literal)
            except QueryError:
                assert not literal or not query.replace("\x00", " ").split()
    assert schema_and_rows(db) == before


@pytest.mark.unit
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('abc harbor"*()-+^:{}.,\'ANDORNOTNEAR_\\%;\x00é雨')), max_size=40))
def test_fuzzed_queries_give_results_or_a_query_error(archive: tuple[Path, Engine], query: str) -> None:
    for literal in (False, True):
        try:
            hits = search(archive[1], query, Filters(), literal=literal)
        except QueryError as exc:
            assert "\n" not in str(exc)
            if literal:  # literal mode refuses only a query without any word
                assert not query.replace("\x00", " ").split()
        else:
            assert all(hit.article.id for hit in hits)


@pytest.mark.e2e
def test_cli_bad_query_exits_2_with_one_line_and_literal_works(crawled) -> None:
    db = str(crawled[0])
    args = [["search", '"unbalanced'], ["search", "NEAR("], ["search", "title:"],
            ["search", '"unbalanced', "--literal"], ["search", "C++ (draft", "--literal", "--json"]]
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda a: cli(*a, "--db", db), args))
    for result in results[:3]:
        assert result.code == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: bad search query ") and "--literal" in lines[0]
    for result in results[3:]:
        assert result.code == 0, result.stderr


@pytest.mark.e2e
def test_csv_export_and_search_defuse_formulas(archive_copy: Path) -> None:
    """=, +, -, @ and (as OWASP recommends) tab and carriage return at the start of a cell."""
    evil = {"title": "=HYPERLINK(\"http://evil.example\",\"harbor\")", "description": "@SUM(A1:A9)",
            "section": "\tTAB", "site_name": "\rCR", "authors": '["+cmd|calc", "Jane"]', "tags": '["-2+3", "ok"]'}
    with sqlite3.connect(archive_copy) as conn:
        (article_id,) = conn.execute("SELECT min(id) FROM articles").fetchone()
        conn.execute(f"UPDATE articles SET {', '.join(f'{k} = ?' for k in evil)} WHERE id = ?",
                     [*evil.values(), article_id])
    exported_csv, found_csv = archive_copy.parent / "export.csv", archive_copy.parent / "search.csv"
    exported = cli("export", "--format", "csv", "--db", str(archive_copy), "-o", str(exported_csv))
    found = cli("search", "HYPERLINK", "--csv", "--db", str(archive_copy), "-o", str(found_csv))
    assert exported.code == 0 and found.code == 0, exported.stderr + found.stderr
    for path in (exported_csv, found_csv):
        output = path.read_bytes().decode("utf-8")  # newline translation off: "\r" stays "\r"
        row = next(r for r in csv.DictReader(io.StringIO(output, newline="")) if r["id"] == str(article_id))
        assert row["title"] == "'" + evil["title"]
        assert row["description"] == "'@SUM(A1:A9)"
        assert row["section"] == "'\tTAB" and row["site_name"] == "'\rCR"
        assert row["authors"] == "'+cmd|calc; Jane" and row["tags"] == "'-2+3; ok"
        text_cells = {k: v for k, v in row.items() if k != "rank"}  # search's rank is a number (negative)
        assert not [v for v in text_cells.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
