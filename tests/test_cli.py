"""The query commands on a crawled archive, help texts and bad input (their docs: tests/test_docs.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newscrawler.cli import main
from newscrawler.demo.content import archived_articles
from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import free_port

pytestmark = pytest.mark.e2e

COMMANDS = sorted(main.commands)


def test_every_command_has_help_with_an_example() -> None:
    assert set(COMMANDS) >= {"crawl", "fetch", "search", "show", "export", "stats", "reextract", "demo"}
    for name in COMMANDS:
        result = cli(name, "--help")
        assert result.code == 0, result.stderr
        assert "Example" in result.stdout, name


def test_search_table_json_csv(crawled) -> None:
    db = str(crawled[0])
    table = cli("search", "harbor", "--db", db)
    assert table.code == 0, table.stderr
    assert "**" in table.stdout.lower() or "harbor" in table.stdout.lower()
    hits = json.loads(cli("search", "harbor", "--db", db, "--json").stdout)
    assert hits and all("harbor" in (h["title"] + h["text"]).lower() for h in hits)
    assert hits == sorted(hits, key=lambda h: h["rank"])
    lines = cli("search", "harbor", "--db", db, "--jsonl", "--limit", "2").stdout.splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["id"] == hits[0]["id"]
    table_rows = list(csv.DictReader(io.StringIO(cli("search", "harbor", "--db", db, "--csv").stdout)))
    assert [int(r["id"]) for r in table_rows] == [h["id"] for h in hits]


def test_search_filters(crawled) -> None:
    db = str(crawled[0])
    french = [a for a in archived_articles() if a.language == "fr"]
    hits = json.loads(cli("search", "le OR la OR les", "--db", db, "--lang", "fr", "--json").stdout)
    assert {h["canonical_url"].split("://", 1)[1].split("/", 1)[1] for h in hits} <= {a.path.lstrip("/") for a in french}
    assert hits
    everything = json.loads(cli("export", "--db", db, "--format", "json").stdout)
    an_author = next(a for a in archived_articles() if a.authors).authors[0]
    by_author = json.loads(cli("export", "--db", db, "--format", "json", "--author", an_author.split()[-1]).stdout)
    assert by_author and all(any(an_author.split()[-1].lower() in x.lower() for x in a["authors"]) for a in by_author)
    dated = sorted(a["published_at"] for a in everything)
    middle = dated[len(dated) // 2][:10]
    later = json.loads(cli("export", "--db", db, "--format", "json", "--since", middle).stdout)
    assert later and all(a["published_at"][:10] >= middle for a in later)
    earlier = json.loads(cli("export", "--db", db, "--format", "json", "--until", middle).stdout)
    assert len(later) + len(earlier) >= len(everything)
    host = everything[0]["canonical_url"].split("/")[2]
    assert len(json.loads(cli("export", "--db", db, "--format", "json", "--site", host).stdout)) == len(everything)
    assert json.loads(cli("export", "--db", db, "--format", "json", "--site", "elsewhere.example").stdout) == []


def test_bad_search_query_is_one_line_error(crawled) -> None:
    result = cli("search", '"unbalanced', "--db", str(crawled[0]))
    assert result.code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "--literal" in result.stderr
    assert cli("search", '"unbalanced', "--literal", "--db", str(crawled[0])).code == 0


def test_show_by_id_and_url(crawled) -> None:
    db = str(crawled[0])
    article = next(a for a in archived_articles() if a.template == "paper")
    (article_id, url) = rows(crawled[0], "SELECT id, url FROM articles WHERE canonical_url LIKE ?",
                             f"%{article.path}")[0]
    shown = cli("show", str(article_id), "--db", db)
    assert shown.code == 0 and article.title in shown.stdout and article.paragraphs[0] in shown.stdout
    as_json = json.loads(cli("show", url, "--db", db, "--json").stdout)
    assert as_json["id"] == article_id and as_json["authors"] == list(article.authors)
    missing = cli("show", "999999", "--db", db)
    assert missing.code == 1 and "no article" in missing.stderr


EXPORT_FIELDS = {"id", "url", "canonical_url", "title", "authors", "published_at", "modified_at", "site_name",
                 "section", "tags", "language", "description", "image_url", "text", "word_count", "fetched_at"}


def test_export_formats(crawled, tmp_path: Path) -> None:
    db = str(crawled[0])
    total = rows(crawled[0], "SELECT count(*) FROM articles")[0][0]
    lines = cli("export", "--db", db).stdout.splitlines()
    assert len(lines) == total
    first = json.loads(lines[0])
    assert EXPORT_FIELDS <= set(first) and isinstance(first["authors"], list) and isinstance(first["tags"], list)
    out = tmp_path / "all.csv"
    assert cli("export", "--db", db, "--format", "csv", "--output", str(out)).code == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == total
    assert len(json.loads(cli("export", "--db", db, "--format", "json", "--limit", "3").stdout)) == 3


def test_stats(crawled) -> None:
    result = cli("stats", "--db", str(crawled[0]))
    assert result.code == 0, result.stderr
    total = rows(crawled[0], "SELECT count(*) FROM articles")[0][0]
    assert f"{total} articles" in result.stdout and "Last runs" in result.stdout
    data = json.loads(cli("stats", "--db", str(crawled[0]), "--json").stdout)
    assert data["total"] == total and data["runs"][0]["status"] == "ok"


def test_reextract_restores_damaged_text(archive_copy: Path) -> None:
    import sqlite3

    with sqlite3.connect(archive_copy) as conn:
        conn.execute("UPDATE articles SET text = 'stale text', content_hash = 'x' WHERE id = 1")
    result = cli("reextract", "--db", str(archive_copy))
    assert result.code == 0, result.stderr
    assert "1 updated" in result.stderr
    text = rows(archive_copy, "SELECT text FROM articles WHERE id = 1")[0][0]
    assert text != "stale text" and len(text) > 200
    assert rows(archive_copy, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'stale'")[0][0] == 0


def test_fetch_one_article(site, tmp_path: Path) -> None:
    db = tmp_path / "one.sqlite3"
    article = next(a for a in archived_articles() if a.template == "legacy")
    result = cli("fetch", site.base_url + article.path, "--db", str(db), *LOCAL)
    assert result.code == 0, result.stderr
    assert rows(db, "SELECT title FROM articles") == [(article.title,)]


# --- bad input: one line, non-zero exit, nothing lost ------------------------------------

def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.lower().startswith(("error", "Error"))]


def test_unreachable_site(archive_copy: Path) -> None:
    before = rows(archive_copy, "SELECT count(*) FROM articles")
    url = f"http://127.0.0.1:{free_port()}/"
    result = cli("crawl", url, "--db", str(archive_copy), *LOCAL, "-s", "RETRY_TIMES=0")
    assert result.code == 1
    assert error_lines(result) == [f"error: {url}: connection refused"]
    assert rows(archive_copy, "SELECT count(*) FROM articles") == before


@pytest.mark.parametrize("path, message", [("/missing", "HTTP 404"), ("/report.pdf", "not an HTML page")])
def test_bad_start_url(broken_site: str, archive_copy: Path, path: str, message: str) -> None:
    before = rows(archive_copy, "SELECT count(*) FROM articles")
    result = cli("crawl", broken_site + path, "--db", str(archive_copy), *LOCAL)
    assert result.code == 1, result.stderr
    lines = error_lines(result)
    assert len(lines) == 1 and broken_site + path in lines[0] and message in lines[0]
    assert rows(archive_copy, "SELECT count(*) FROM articles") == before


@pytest.mark.parametrize("path", ["/malformed", "/image", "/empty", "/report.pdf", "/missing"])
def test_fetch_bad_pages(broken_site: str, tmp_path: Path, path: str) -> None:
    db = tmp_path / "bad.sqlite3"
    result = cli("fetch", broken_site + path, "--db", str(db), *LOCAL)
    assert result.code == 1
    lines = error_lines(result)
    assert len(lines) == 1 and broken_site + path in lines[0]
    assert rows(db, "SELECT count(*) FROM articles") == [(0,)]


def test_db_in_missing_directory(site, tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "dir" / "news.sqlite3"
    result = cli("crawl", site.base_url + "/", "--db", str(db), *LOCAL)
    assert result.code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and str(db.parent) in result.stderr
    assert not db.parent.exists()


def test_readers_on_missing_archive(tmp_path: Path) -> None:
    for command in (["search", "x"], ["show", "1"], ["export"], ["stats"]):
        result = cli(*command, "--db", str(tmp_path / "none.sqlite3"))
        assert result.code == 1 and len(result.stderr.strip().splitlines()) == 1, command
        assert "none.sqlite3" in result.stderr


def test_usage_errors() -> None:
    assert cli("crawl").code == 2
    result = cli("crawl", "ftp://example.com/")
    assert result.code == 1 and "not an http(s) URL" in result.stderr


def test_archive_opens_in_datasette_and_sqlite_utils(crawled) -> None:
    import subprocess
    import sys

    db = crawled[0]
    bin_dir = Path(sys.executable).parent
    query = f"/{db.stem}/articles.json?_search=harbor&_shape=array&_col=title&_col=text"
    proc = subprocess.run([str(bin_dir / "datasette"), str(db), "--get", query], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found and all("harbor" in (r["title"] + r["text"]).lower() for r in found)
    proc = subprocess.run([str(bin_dir / "sqlite-utils"), "search", str(db), "articles", "harbor", "-c", "title"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == len(found)


def test_crawl_from_sources_file(site, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[site]]\nurl = "{site.base_url}/"\n\n[[site]]\nurl = "http://127.0.0.1:{free_port()}/"\n'
                       'enabled = false\n', encoding="utf-8")
    db = tmp_path / "s.sqlite3"
    result = cli("crawl", "--sources", str(sources), "--db", str(db), "--max-articles", "2", *LOCAL)
    assert result.code == 0, result.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]
    sources.write_text("[[site]\nurl = 1", encoding="utf-8")
    bad = cli("crawl", "--sources", str(sources), "--db", str(db))
    assert bad.code == 1 and str(sources) in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_old_archive_upgrades_in_place(archive_copy: Path) -> None:
    """An archive at schema 0001 (issue-2 era) is upgraded by `migrate`; readers ask for it, nothing is lost."""
    from alembic import command
    from sqlalchemy import create_engine

    from archive.engine import _alembic_config, head_revision

    engine = create_engine(f"sqlite:///{archive_copy}")
    with engine.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    engine.dispose()
    before = rows(archive_copy, "SELECT id, canonical_url, text FROM articles ORDER BY id")
    stale = cli("search", "harbor", "--db", str(archive_copy))
    assert stale.code == 1 and "newscrawler migrate" in stale.stderr
    result = cli("migrate", "--db", str(archive_copy))
    assert result.code == 0 and head_revision() in result.stderr
    assert rows(archive_copy, "SELECT id, canonical_url, text FROM articles ORDER BY id") == before
    assert cli("search", "harbor", "--db", str(archive_copy)).code == 0
    # 0003: every article stored before it gets its first version from its current row;
    # 0004: that version, being the current one, shares the article's text (NULL).
    assert rows(archive_copy, "SELECT a.id, v.version, v.title = a.title, v.text IS NULL FROM articles a "
                              "JOIN article_versions v ON v.article_id = a.id ORDER BY a.id") == [
        (article_id, 1, 1, 1) for article_id, _, _ in before]


def test_reextract_keeps_the_replaced_text_as_a_version(archive_copy: Path) -> None:
    import sqlite3

    with sqlite3.connect(archive_copy) as conn:
        conn.execute("UPDATE articles SET text = 'stale text', content_hash = 'x' WHERE id = 2")
        conn.execute("UPDATE article_versions SET text = 'stale text', content_hash = 'x' WHERE article_id = 2")
    assert cli("reextract", "--db", str(archive_copy)).code == 0
    history = json.loads(cli("history", "2", "--json", "--db", str(archive_copy)).stdout)
    assert [v["version"] for v in history] == [1, 2]
    assert history[0]["text"] == "stale text" and history[1]["text"] != "stale text"
