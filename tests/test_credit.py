"""An article's ``credit`` (a byline that names no person) from the page to the archive and back:
extraction, the writer, migration 0008 on an archive at 0007, export, the --author filter."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine

from archive.article import Article, FetchedPage
from archive.engine import _alembic_config, current_revision, head_revision, open_archive, upgrade_archive
from archive.export import EXPORT_FIELDS, write_articles
from archive.query import Filters, get_article, iter_articles
from archive.reextract import reextract
from archive.store import ArchiveWriter
from newscrawler.extract.extractor import extract_article

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
STORY = " ".join(["The harbor ferry resumed its crossings on Monday after a week of repairs."] * 6)


def page_html(byline: str, *, jsonld_author: str | None = None) -> str:
    """A news page whose visible byline is ``byline`` (and whose JSON-LD names ``jsonld_author``)."""
    author = f', "author": {{"@type": "Person", "name": "{jsonld_author}"}}' if jsonld_author else ""
    paragraphs = "".join(f"<p>{STORY} Paragraph {n}.</p>" for n in range(4))
    return f"""<!doctype html><html lang="en"><head><title>Ferry crossings resume</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Ferry crossings resume",
 "datePublished": "2026-03-02T09:30:00Z"{author}}}</script></head>
<body><article><h1>Ferry crossings resume</h1><div class="byline">{byline}</div>{paragraphs}</article></body></html>"""


def stored(engine: Engine, n: int, *, authors: list[str] | None = None, credit: str | None = None,
           text: str = STORY) -> None:
    url = f"https://news.example/2026/03/02/story-{n}/"
    article = Article(url=url, title=f"Story {n}", text=text, authors=authors or [], credit=credit,
                      published_at=T0, language="en")
    page = FetchedPage(url=url, final_url=url, status=200, fetched_at=T0, encoding="utf-8",
                       body=page_html(f"By {credit}" if credit else "By " + ", ".join(authors or [])).encode())
    with ArchiveWriter(engine) as writer:
        writer.add(article, page)


# --- extraction --------------------------------------------------------------------------------


@pytest.mark.parametrize(("byline", "credit"), [
    ("By Staff Writer", "Staff Writer"),
    ("Newsdesk", "Newsdesk"),
    ("By Telegraph Reporters", "Telegraph Reporters"),
])
def test_a_byline_naming_no_person_is_the_credit(byline: str, credit: str) -> None:
    article = extract_article(page_html(byline), "https://news.example/2026/03/02/ferry/")
    assert article is not None
    assert (article.authors, article.credit) == ([], credit)


def test_a_desk_given_as_a_person_is_the_credit_not_an_author() -> None:
    article = extract_article(page_html('<span class="author vcard">La rédaction</span>', jsonld_author="La rédaction"),
                              "https://news.example/2026/03/02/ferry/")
    assert article is not None
    assert (article.authors, article.credit) == ([], "La rédaction")


def test_a_byline_naming_people_has_no_credit() -> None:
    article = extract_article(page_html("By Jane Doe and Staff Writer", jsonld_author="Jane Doe"),
                              "https://news.example/2026/03/02/ferry/")
    assert article is not None
    assert (article.authors, article.credit) == (["Jane Doe"], None)


# --- the archive -------------------------------------------------------------------------------


def test_credit_is_stored_and_read_back(engine: Engine, db_path: Path) -> None:
    stored(engine, 1, credit="CNBC.com staff")
    stored(engine, 2, authors=["Jane Doe"], text=STORY + " Another one.")
    first, second = (get_article(engine, n) for n in (1, 2))
    assert first is not None and second is not None
    assert (first.authors, first.credit) == ([], "CNBC.com staff")
    assert (second.authors, second.credit) == (["Jane Doe"], None)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, credit FROM articles ORDER BY id").fetchall() == [
            (1, "CNBC.com staff"), (2, None)]


def test_a_changed_article_gets_its_new_credit(engine: Engine) -> None:
    """The upsert (INSERT ... ON CONFLICT DO UPDATE) rewrites the credit with the rest."""
    stored(engine, 1, credit="Staff Writer")
    stored(engine, 1, authors=["Jane Doe"], text=STORY + " Updated.")
    article = get_article(engine, 1)
    assert article is not None and (article.authors, article.credit) == (["Jane Doe"], None)


def test_reextract_fills_in_the_credit(engine: Engine, db_path: Path) -> None:
    """An article stored without a credit (e.g. before migration 0008) gets it from its raw page."""
    stored(engine, 1, credit="Newsdesk")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE articles SET credit = NULL")
    result = reextract(engine, Filters(), extract_article)
    assert result.failed == 0 and result.updated == 1
    article = get_article(engine, 1)
    assert article is not None and article.credit == "Newsdesk"


def test_export_has_the_credit_in_every_format(engine: Engine) -> None:
    stored(engine, 1, credit="Telegraph Reporters")
    stored(engine, 2, authors=["Jane Doe"], text=STORY + " Another one.")
    assert EXPORT_FIELDS.index("credit") == EXPORT_FIELDS.index("authors") + 1
    out = {fmt: io.StringIO(newline="" if fmt == "csv" else None) for fmt in ("jsonl", "json", "csv")}
    for fmt, stream in out.items():
        assert write_articles(iter_articles(engine, Filters()), fmt, stream) == 2
    jsonl = [json.loads(line) for line in out["jsonl"].getvalue().splitlines()]
    assert [row["credit"] for row in jsonl] == ["Telegraph Reporters", None]
    assert [row["credit"] for row in json.loads(out["json"].getvalue())] == ["Telegraph Reporters", None]
    table = list(csv.DictReader(io.StringIO(out["csv"].getvalue())))
    assert [(row["authors"], row["credit"]) for row in table] == [("", "Telegraph Reporters"), ("Jane Doe", "")]


def test_author_filter_matches_the_credit(engine: Engine) -> None:
    stored(engine, 1, credit="Staff Writer")
    stored(engine, 2, authors=["Jane Staffordshire"], text=STORY + " Another one.")
    stored(engine, 3, authors=["Ann Other"], text=STORY + " A third one.")

    def ids(author: str) -> list[int]:
        return [a.id for a in iter_articles(engine, Filters(author=author))]

    assert ids("staff writer") == [1]
    assert ids("STAFF") == [1, 2]
    assert ids("jane") == [2]
    assert ids("nobody") == []


# --- migration 0008 ----------------------------------------------------------------------------


def test_an_archive_at_0007_upgrades_keeping_its_rows(db_path: Path) -> None:
    engine = open_archive(str(db_path))
    stored(engine, 1, credit="Staff Writer")
    stored(engine, 2, authors=["Jane Doe"], text=STORY + " Another one.")
    engine.dispose()
    plain = create_engine(f"sqlite:///{db_path}")
    with plain.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    plain.dispose()
    columns = "id, canonical_url, title, authors, text, word_count, content_hash"
    with sqlite3.connect(db_path) as conn:
        assert "credit" not in {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
        before = conn.execute(f"SELECT {columns} FROM articles ORDER BY id").fetchall()
    assert len(before) == 2

    upgrade_archive(str(db_path))
    reader = open_archive(str(db_path), readonly=True)
    assert current_revision(reader) == head_revision()
    assert [a.credit for a in iter_articles(reader, Filters())] == [None, None]  # until reextract
    reader.dispose()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(f"SELECT {columns} FROM articles ORDER BY id").fetchall() == before
        assert conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'ferry'").fetchall() == [
            (1,), (2,)]
    writer = open_archive(str(db_path))
    stored(writer, 3, credit="Newsdesk", text=STORY + " A third one.")  # the FTS triggers still work
    assert get_article(writer, 3).credit == "Newsdesk"  # type: ignore[union-attr]
    writer.dispose()
    with sqlite3.connect(db_path) as conn:
        assert len(conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'third'").fetchall()) == 1
