"""archive.urls, archive.models and archive.store against real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from archive.article import Article, FetchedPage
from archive.models import RawPage, from_utc_text, to_utc_text
from archive.state import UrlState, count_url_states, read_url_states, save_url_states
from archive.store import (
    ArchiveWriter,
    BatchResult,
    content_hash,
    decompress_html,
    finish_run,
    json_safe,
    start_run,
    stored_owner,
)
from archive.urls import canonicalize_url, site_of

pytestmark = pytest.mark.unit

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make(
    n: int,
    text: str = "Some body text.",
    *,
    title: str | None = None,
    canonical: str | None = None,
    body: bytes | None = None,
) -> tuple[Article, FetchedPage]:
    url = f"https://www.example.com/news/{n}"
    article = Article(
        url=url, title=title or f"Title {n}", text=text, canonical_url=canonical,
        authors=["Ann Author"], published_at=T0, tags=["a", "b"], language="en",
    )
    page = FetchedPage(
        url=url, final_url=url, status=200, fetched_at=T0,
        body=body if body is not None else f"<html><h1>Title {n}</h1></html>".encode(),
        content_type="text/html; charset=utf-8", encoding="utf-8",
    )
    return article, page


def fts_ids(db_path: Path, word: str) -> list[int]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", (word,)
        ).fetchall()
    return [r[0] for r in rows]


# --- urls -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM:443/a?b=2&a=1#top", "https://www.example.com/a?a=1&b=2"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com:80/x", "https://example.com:80/x"),
        ("https://ex.com/p?utm_source=t&utm_Medium=x&id=3&fbclid=a", "https://ex.com/p?id=3"),
        ("https://ex.com/p?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref_src=5", "https://ex.com/p"),
        ("https://example.com/Path/Case?Q=Case", "https://example.com/Path/Case?Q=Case"),
        ("https://example.com/p?x=a%20b&a=", "https://example.com/p?a=&x=a%20b"),
        ("http://127.0.0.1:8123/a", "http://127.0.0.1:8123/a"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://news.example.com/a", "news.example.com"),
        ("http://127.0.0.1:8123/x", "127.0.0.1:8123"),
        ("www.Example.com", "example.com"),
        ("example.com/", "example.com"),
        ("https://example.com:443/", "example.com"),
    ],
)
def test_site_of(url: str, expected: str) -> None:
    assert site_of(url) == expected


# --- datetime column type ---------------------------------------------------------


def test_utc_text_round_trip_and_sortable() -> None:
    paris = timezone(timedelta(hours=2))
    value = datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=paris)
    stored = to_utc_text(value)
    assert stored == "2024-05-01T12:30:15+00:00"
    assert from_utc_text(stored) == value.replace(microsecond=0)
    assert from_utc_text(stored).tzinfo is not None
    assert to_utc_text(datetime(2024, 5, 2, tzinfo=UTC)) > stored


def test_naive_datetime_is_rejected(engine: Engine) -> None:
    article, page = make(1)
    article.published_at = datetime(2024, 1, 1)
    writer = ArchiveWriter(engine, batch_size=1)
    with pytest.raises(ValueError, match="published_at: naive datetime"):
        writer.add(article, page)
    assert writer.close() == BatchResult()


# --- upserts ----------------------------------------------------------------------


def test_insert_unchanged_updated(engine: Engine, db_path: Path) -> None:
    writer = ArchiveWriter(engine)
    for n in range(3):
        assert writer.add(*make(n)) == BatchResult()
    assert writer.flush() == BatchResult(inserted=3)
    for n in range(3):
        writer.add(*make(n))
    assert writer.flush() == BatchResult(unchanged=3)
    writer.add(*make(0, "Brand new text"))
    writer.add(*make(1, title="New title"))
    writer.add(*make(2, "  some BODY\n text. "))  # same normalized text -> unchanged
    assert writer.close() == BatchResult(updated=2, unchanged=1)
    assert writer.totals == BatchResult(inserted=3, updated=2, unchanged=4)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT id, title, text, word_count FROM articles").fetchall()
    assert rows == [
        (1, "Title 0", "Brand new text", 3),
        (2, "New title", "Some body text.", 3),
        (3, "Title 2", "Some body text.", 3),
    ]


def test_unchanged_rows_are_not_rewritten(engine: Engine, db_path: Path) -> None:
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1))
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT updated_at FROM articles").fetchone()
        conn.execute("UPDATE articles SET updated_at = '2000-01-01T00:00:00+00:00'")
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1))
    assert writer.totals == BatchResult(unchanged=1)
    with sqlite3.connect(db_path) as conn:
        after = conn.execute("SELECT updated_at FROM articles").fetchone()
    assert before != after == ("2000-01-01T00:00:00+00:00",)


def test_autoflush_at_batch_size(engine: Engine) -> None:
    writer = ArchiveWriter(engine, batch_size=2)
    assert writer.add(*make(1)) == BatchResult()
    assert writer.add(*make(2)) == BatchResult(inserted=2)
    assert writer.add(*make(3)) == BatchResult()
    assert writer.close() == BatchResult(inserted=1)


def test_same_canonical_url_twice_in_a_batch_last_wins(engine: Engine, db_path: Path) -> None:
    writer = ArchiveWriter(engine)
    writer.add(*make(1, "first version", canonical="https://example.com/story?utm_source=x"))
    writer.add(*make(2, "second version", canonical="https://EXAMPLE.com/story#c"))
    assert writer.flush() == BatchResult(inserted=1)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT url, canonical_url, site, text FROM articles").fetchall()
    assert rows == [
        ("https://www.example.com/news/2", "https://example.com/story", "example.com",
         "second version"),
    ]


def test_canonical_falls_back_to_final_url(engine: Engine, db_path: Path) -> None:
    article, page = make(1)
    page.final_url = "https://WWW.example.com/final?utm_campaign=z"
    with ArchiveWriter(engine) as writer:
        writer.add(article, page)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT url, canonical_url, site FROM articles").fetchone()
    assert row == (page.final_url, "https://www.example.com/final", "example.com")


def test_stored_values(engine: Engine, db_path: Path) -> None:
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, "Hello wide World"))
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM articles").fetchone())
    assert json.loads(row["authors"]) == ["Ann Author"]
    assert json.loads(row["tags"]) == ["a", "b"]
    assert row["published_at"] == "2024-05-01T12:00:00+00:00"
    assert row["content_hash"] == content_hash("hello   wide\nworld")
    assert row["word_count"] == 3


def test_raw_html_round_trip(engine: Engine) -> None:
    body = "<html><body><h1>Été</h1>".encode("cp1252") + b"x" * 5000 + b"</body></html>"
    article, page = make(1, body=body)
    page.encoding = "cp1252"
    with ArchiveWriter(engine) as writer:
        writer.add(article, page)
    with engine.connect() as conn:
        raw = conn.execute(select(RawPage)).one()
    assert raw.size == len(body)
    assert len(raw.html_zstd) < len(body) // 4
    assert decompress_html(raw.html_zstd) == body
    assert (raw.status, raw.encoding, raw.final_url) == (200, "cp1252", page.final_url)
    assert raw.fetched_at == T0


def test_raw_page_follows_updates_and_deletes(engine: Engine, db_path: Path) -> None:
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, body=b"<p>v1</p>"))
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, "changed", body=b"<p>v2</p>"))
    with engine.connect() as conn:
        blobs = conn.execute(select(RawPage.html_zstd)).scalars().all()
    assert [decompress_html(b) for b in blobs] == [b"<p>v2</p>"]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM articles"))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM raw_pages").fetchone() == (0,)


def test_fts_in_sync_after_insert_update_delete(engine: Engine, db_path: Path) -> None:
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, "the zebra crossed"))
        writer.add(*make(2, "a quiet giraffe"))
    assert fts_ids(db_path, "zebra") == [1]
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, "the okapi crossed"))
    assert fts_ids(db_path, "zebra") == []
    assert fts_ids(db_path, "okapi") == [1]
    with engine.begin() as conn:
        conn.execute(text("UPDATE articles SET title = 'Giraffes everywhere' WHERE id = 1"))
        conn.execute(text("DELETE FROM articles WHERE id = 2"))
    assert fts_ids(db_path, "giraffe") == []
    assert fts_ids(db_path, "giraffes") == [1]
    with sqlite3.connect(db_path) as conn:  # the index matches its content table exactly
        conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_stored_owner(engine: Engine) -> None:
    with ArchiveWriter(engine) as writer:
        writer.add(*make(1, "unique text one"))
        writer.add(*make(2, "shared text"))
        writer.add(*make(3, "Shared   TEXT"))
    with engine.connect() as conn:
        assert stored_owner(conn, content_hash("never stored")) is None
        assert stored_owner(conn, content_hash("unique text one")) == "https://www.example.com/news/1"
        assert stored_owner(conn, content_hash("shared text")) == "https://www.example.com/news/2"  # the oldest
        with ArchiveWriter(engine) as writer:  # committed by another connection meanwhile: seen
            writer.add(*make(4, "text stored later"))
        assert stored_owner(conn, content_hash("text stored later")) == "https://www.example.com/news/4"


def test_url_states_are_saved_in_chunks(engine: Engine) -> None:
    """States are made and written 500 rows at a time, from an iterator, in one transaction."""
    made = []

    def states():
        for i in range(1203):
            made.append(i)
            yield UrlState(url=f"https://www.example.com/news/{i}", site="example.com", kind="article",
                           first_seen=T0, last_fetched=T0 + timedelta(minutes=i), last_status=200)

    assert save_url_states(engine, states(), chunk=500) == 1203 and len(made) == 1203
    assert count_url_states(engine, ["example.com", "other.example"]) == 1203
    with engine.connect() as conn:
        found = read_url_states(conn, [f"https://www.example.com/news/{i}" for i in range(0, 1300, 2)])
    assert len(found) == 602  # 0, 2, ... 1202 (1,204 and on are not there), over two queries
    assert found["https://www.example.com/news/1202"].last_fetched == T0 + timedelta(minutes=1202)
    assert save_url_states(engine, iter(())) == 0


# --- runs -------------------------------------------------------------------------


def test_runs(engine: Engine, db_path: Path) -> None:
    run_id = start_run(engine, "crawl", {"sites": ["a", "b"], "since": date(2024, 1, 1)})
    finish_run(engine, run_id, "finished", {"when": T0, "obj": object(), "n": 3}, 5, 2)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT command, status, args, stats, articles_new, articles_updated, finished_at "
            "FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
    command, status, args, stats, new, updated, finished = row
    assert (command, status, new, updated) == ("crawl", "finished", 5, 2)
    assert json.loads(args) == {"sites": ["a", "b"], "since": "2024-01-01"}
    stats = json.loads(stats)
    assert stats["when"] == "2024-05-01T12:00:00+00:00" and stats["n"] == 3
    assert stats["obj"].startswith("<object")
    assert finished is not None


def test_json_safe() -> None:
    assert json_safe({1: (1.5, float("nan")), "d": timedelta(seconds=2)}) == {
        "1": [1.5, "nan"], "d": 2.0,
    }


def test_only_replaced_texts_are_copied_into_versions(engine: Engine, db_path: Path) -> None:
    from archive.versions import article_versions

    texts = ["First text of the story.", "Second, corrected text.", "Third and final text."]
    for body in texts:
        with ArchiveWriter(engine) as writer:
            writer.add(*make(1, body))
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT version, text FROM article_versions ORDER BY version").fetchall()
    assert stored == [(1, texts[0]), (2, texts[1]), (3, None)]  # the current version shares articles.text
    found = article_versions(engine, "https://www.example.com/news/1")
    assert found is not None
    assert [v.text for v in found[1]] == texts
