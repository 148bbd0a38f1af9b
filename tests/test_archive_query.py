"""archive.query, archive.export and archive.reextract against real SQLite files."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import Engine

from archive.article import Article, FetchedPage, StoredArticle
from archive.engine import open_archive
from archive.errors import QueryError
from archive.export import EXPORT_FIELDS, article_to_dict, write_articles
from archive.query import (
    Filters,
    archive_stats,
    get_article,
    iter_articles,
    literal_query,
    search,
)
from archive.reextract import reextract
from archive.store import ArchiveWriter, content_hash, finish_run, start_run

pytestmark = pytest.mark.unit


def dt(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 3, day, hour, tzinfo=UTC)


def html_for(title: str, paragraphs: list[str], author: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    meta = f'<meta name="author" content="{author}">' if author else ""
    return f"<html><head>{meta}</head><body><h1>{title}</h1>{body}</body></html>".encode()


def add(
    writer: ArchiveWriter,
    site: str,
    slug: str,
    title: str,
    text: str,
    *,
    published: datetime | None = None,
    authors: list[str] | None = None,
    language: str = "en",
) -> None:
    url = f"https://{site}/{slug}"
    article = Article(
        url=url, title=title, text=text, authors=authors or [], published_at=published,
        language=language, tags=["t1", "t2"],
    )
    page = FetchedPage(
        url=url, final_url=url, status=200, fetched_at=dt(20),
        body=html_for(title, text.split("\n"), ", ".join(authors or [])), encoding="utf-8",
    )
    writer.add(article, page)


@pytest.fixture
def engine(db_path: Path) -> Engine:
    eng = open_archive(str(db_path))
    with ArchiveWriter(eng) as w:
        add(w, "www.alpha.com", "1", "Volcano erupts in Iceland",
            "Lava flows reached the town.\nResidents left.", published=dt(1),
            authors=["Jane Doe"])
        add(w, "www.alpha.com", "2", "Local elections",
            "The volcano was not a topic.\nTurnout was high, volcano aside.", published=dt(2),
            authors=["John Smith", "Jane Roe"])
        add(w, "beta.org", "3", "Football results",
            "The home team won.\nFans celebrated volcano-style.", published=dt(3, 23),
            authors=["Zoë Müller"], language="de")
        add(w, "beta.org", "4", "Café culture", "Crème brûlée and espresso.", published=None)
    yield eng
    eng.dispose()


def ids(hits: list) -> list[int]:
    return [h.article.id for h in hits]


# --- search -----------------------------------------------------------------------


def test_search_title_match_ranks_first(engine: Engine) -> None:
    hits = search(engine, "volcano", Filters())
    assert ids(hits)[0] == 1
    assert set(ids(hits)) == {1, 2, 3}
    assert all(isinstance(h.article, StoredArticle) for h in hits)
    assert hits[0].rank <= hits[1].rank


def test_search_ranks_the_newest_candidates_unless_told_to_rank_all(engine: Engine) -> None:
    # "volcano" matches 1 (title: the best hit), 2 and 3; 3 is the newest row.
    assert ids(search(engine, "volcano", Filters(), candidates=None))[0] == 1
    assert set(ids(search(engine, "volcano", Filters(), candidates=2))) == {2, 3}
    assert ids(search(engine, "volcano", Filters(), candidates=1)) == [3]
    # a filter applies before the cap: the newest alpha.com match is 2
    assert ids(search(engine, "volcano", Filters(site="alpha.com"), candidates=1)) == [2]
    assert ids(search(engine, "volcano", Filters(limit=1), candidates=3)) == [1]


def test_snippets_belong_to_their_hits(engine: Engine) -> None:
    hits = search(engine, "volcano", Filters(), highlight=("<", ">"))
    by_id = {h.article.id: h.snippet for h in hits}
    assert by_id[1].startswith("Lava flows")  # the word is in the title only
    assert "<volcano>" in by_id[2] and "Turnout" in by_id[2]
    assert "<volcano>" in by_id[3] and "Fans" in by_id[3]


def test_search_snippet_markers(engine: Engine) -> None:
    hits = search(engine, "turnout", Filters())
    assert ids(hits) == [2]
    assert "[Turnout]" in hits[0].snippet
    hits = search(engine, "turnout", Filters(), highlight=("<b>", "</b>"))
    assert "<b>Turnout</b>" in hits[0].snippet


def test_search_diacritics_folded(engine: Engine) -> None:
    assert ids(search(engine, "creme brulee", Filters())) == [4]
    assert ids(search(engine, "muller", Filters())) == []  # authors are not indexed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(site="alpha.com"), {1, 2}),
        (Filters(site="https://www.alpha.com/"), {1, 2}),
        (Filters(site="www.beta.org"), {3}),
        (Filters(since=date(2024, 3, 2)), {2, 3}),
        (Filters(until=date(2024, 3, 2)), {1, 2}),
        (Filters(until=date(2024, 3, 3)), {1, 2, 3}),
        (Filters(since=dt(2, 12), until=dt(2, 12)), {2}),
        (Filters(until=datetime(2024, 3, 3, 22, 59, tzinfo=UTC)), {1, 2}),
        (Filters(author="jane"), {1, 2}),
        (Filters(author="ROE"), {2}),
        (Filters(author="zoë"), {3}),
        (Filters(author="%"), set()),
        (Filters(language="de"), {3}),
        (Filters(site="alpha.com", author="smith"), {2}),
    ],
)
def test_search_filters(engine: Engine, filters: Filters, expected: set[int]) -> None:
    assert set(ids(search(engine, "volcano", filters))) == expected


def test_search_limit(engine: Engine) -> None:
    assert len(search(engine, "volcano", Filters(limit=2))) == 2
    assert ids(search(engine, "volcano", Filters(limit=1))) == [1]


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "foo(", "volcano AND", "title:", "*"])
def test_bad_syntax_raises_query_error(engine: Engine, query: str) -> None:
    with pytest.raises(QueryError) as info:
        search(engine, query, Filters())
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"bad search query {query!r}: ")
    assert "--literal" in message


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"unbalanced', []), ("AND", [4]), ("foo(", []), ("volcano AND", []), ("title:", []),
        ('turnout "high', [2]), ("*", []), ("lava:", [1]),
    ],
)
def test_literal_mode_accepts_anything(engine: Engine, query: str, expected: list[int]) -> None:
    assert ids(search(engine, query, Filters(), literal=True)) == expected


def test_literal_mode_matches_words(engine: Engine) -> None:
    assert ids(search(engine, 'lava "flows', Filters(), literal=True)) == [1]
    assert literal_query('a "b" c(') == '"a" """b""" "c("'


def test_empty_query(engine: Engine) -> None:
    with pytest.raises(QueryError, match="empty search query"):
        search(engine, "   ", Filters())
    with pytest.raises(QueryError):
        search(engine, "", Filters(), literal=True)


def test_injection_looking_query_is_harmless(engine: Engine, db_path: Path) -> None:
    query = "x'); DROP TABLE articles; --"
    assert search(engine, query, Filters(), literal=True) == []
    with pytest.raises(QueryError):
        search(engine, query, Filters())
    assert search(engine, "' OR 1=1 --", Filters(), literal=True) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (4,)


# --- listing and lookup -----------------------------------------------------------


def test_iter_articles_keyset_paging(engine: Engine) -> None:
    with ArchiveWriter(engine, batch_size=50) as w:
        for n in range(5, 28):
            add(w, "gamma.net", str(n), f"Story {n}", f"text {n}", published=dt(10))
    all_ids = [a.id for a in iter_articles(engine, Filters(), batch=5)]
    assert all_ids == list(range(1, 28))
    site_ids = [a.id for a in iter_articles(engine, Filters(site="gamma.net"), batch=4)]
    assert site_ids == list(range(5, 28))
    assert [a.id for a in iter_articles(engine, Filters(limit=7), batch=3)] == list(range(1, 8))
    assert [a.id for a in iter_articles(engine, Filters(limit=0))] == []
    assert [a.id for a in iter_articles(engine, Filters(language="de"), batch=1)] == [3]


def test_get_article(engine: Engine) -> None:
    first = get_article(engine, 1)
    assert first is not None and first.title == "Volcano erupts in Iceland"
    assert first.authors == ["Jane Doe"] and first.tags == ["t1", "t2"]
    assert first.published_at == dt(1) and first.fetched_at == dt(20)
    assert first.content_hash == content_hash(first.text)
    assert get_article(engine, "2").id == 2
    assert get_article(engine, "https://www.alpha.com/2").id == 2
    assert get_article(engine, "HTTPS://WWW.ALPHA.COM/2?utm_source=x#frag").id == 2
    assert get_article(engine, 999) is None
    assert get_article(engine, "https://nowhere.example/") is None


def test_archive_stats(engine: Engine) -> None:
    run_id = start_run(engine, "crawl", {"site": "alpha"})
    finish_run(engine, run_id, "finished", {"pages": 4}, new=4, updated=0)
    start_run(engine, "reextract", {})
    stats = archive_stats(engine)
    assert stats.total == 4
    assert stats.per_site == [("alpha.com", 2, dt(2)), ("beta.org", 2, dt(3, 23))]
    assert stats.per_day == [(date(2024, 3, 1), 1), (date(2024, 3, 2), 1), (date(2024, 3, 3), 1)]
    assert [(r.command, r.status) for r in stats.runs] == [
        ("reextract", "running"), ("crawl", "finished"),
    ]
    assert stats.runs[1].new == 4 and stats.runs[1].stats == {"pages": 4}
    assert stats.runs[1].finished_at is not None
    assert archive_stats(engine, days=2, runs=1).per_day == [
        (date(2024, 3, 2), 1), (date(2024, 3, 3), 1),
    ]


# --- export -----------------------------------------------------------------------


def test_article_to_dict(engine: Engine) -> None:
    data = article_to_dict(get_article(engine, 2))
    assert list(data) == EXPORT_FIELDS
    assert data["authors"] == ["John Smith", "Jane Roe"]
    assert data["published_at"] == "2024-03-02T12:00:00+00:00"
    assert data["site"] == "alpha.com"


def test_export_jsonl(engine: Engine) -> None:
    out = io.StringIO()
    assert write_articles(iter_articles(engine, Filters()), "jsonl", out) == 4
    lines = out.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert "Zoë Müller" in lines[2]  # ensure_ascii=False
    assert records[3]["published_at"] is None


def test_export_json(engine: Engine) -> None:
    out = io.StringIO()
    assert write_articles(iter_articles(engine, Filters(site="beta.org")), "json", out) == 2
    records = json.loads(out.getvalue())
    assert [r["title"] for r in records] == ["Football results", "Café culture"]
    empty = io.StringIO()
    assert write_articles([], "json", empty) == 0
    assert json.loads(empty.getvalue()) == []


def test_export_csv_neutralises_formulas(engine: Engine) -> None:
    with ArchiveWriter(engine) as w:
        add(w, "evil.com", "x", "=HYPERLINK(\"http://evil\")", "-2+3 @SUM(A1)",
            authors=["+cmd", "@me"])
    out = io.StringIO(newline="")
    assert write_articles(iter_articles(engine, Filters()), "csv", out) == 5
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert list(rows[0]) == EXPORT_FIELDS
    assert rows[1]["authors"] == "John Smith; Jane Roe"
    assert rows[1]["text"] == "The volcano was not a topic.\nTurnout was high, volcano aside."
    assert rows[3]["published_at"] == ""
    evil = rows[4]
    assert evil["title"] == "'=HYPERLINK(\"http://evil\")"
    assert evil["text"] == "'-2+3 @SUM(A1)"
    assert evil["authors"] == "'+cmd; @me"


def test_export_unknown_format(engine: Engine) -> None:
    with pytest.raises(Exception, match="unknown export format 'xml'"):
        write_articles([], "xml", io.StringIO())


# --- re-extraction ----------------------------------------------------------------


def h1_extract(html: str, url: str) -> Article | None:
    """A small real extractor: the <h1> is the title, the <p>s the text, meta author."""
    tree = lxml.html.fromstring(html)
    h1 = tree.findtext(".//h1")
    if not h1:
        return None
    paragraphs = [p.text_content().strip() for p in tree.iter("p")]
    authors = tree.xpath("//meta[@name='author']/@content")
    return Article(
        url=url,
        title=h1.strip().upper() if "Volcano" in h1 else h1.strip(),
        text="\n".join(paragraphs),
        authors=[a for a in (authors[0].split(", ") if authors else []) if a],
        published_at=dt(1) if "Volcano" in h1 else None,
        tags=["t1", "t2"],
        language="en",
    )


def test_reextract_updates_in_place(engine: Engine, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:  # break one page so extraction finds nothing
        conn.execute("UPDATE articles SET title = 'stale' WHERE id = 2")
    with ArchiveWriter(engine) as w:
        add(w, "delta.io", "5", "", "no heading here")
    progress: list[int] = []
    result = reextract(engine, Filters(), h1_extract, on_progress=progress.append)
    assert progress == [1, 2, 3, 4, 5]
    assert (result.checked, result.failed) == (5, 1)
    # 1: title upper-cased; 2: 'stale' title restored; 3: published_at/language changed;
    # 4: identical; 5: no <h1> -> failed
    assert (result.updated, result.unchanged) == (3, 1)
    one = get_article(engine, 1)
    assert one.title == "VOLCANO ERUPTS IN ICELAND" and one.id == 1
    assert one.canonical_url == "https://www.alpha.com/1"
    assert get_article(engine, 2).title == "Local elections"
    three = get_article(engine, 3)
    assert three.published_at is None and three.language == "en"
    assert get_article(engine, 5).title == ""  # failed: left as it was
    assert ids(search(engine, "iceland", Filters())) == [1]
    assert ids(search(engine, "stale", Filters())) == []
    again = reextract(engine, Filters(), h1_extract)
    assert (again.updated, again.unchanged, again.failed) == (0, 4, 1)


def test_reextract_honours_filters(engine: Engine) -> None:
    result = reextract(engine, Filters(site="beta.org", limit=1), h1_extract)
    assert result.checked == 1
