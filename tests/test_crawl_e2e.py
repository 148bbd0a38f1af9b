"""End to end: `newscrawler crawl` in a subprocess against the demo site on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.content import ARTICLES, archived_articles
from tests.support.cli import LOCAL, ROOT, cli, rows

pytestmark = pytest.mark.e2e


def paths(urls: list[str]) -> set[str]:
    return {urlsplit(u).path for u in urls}


def stored_paths(db: Path) -> set[str]:
    return paths([r[0] for r in rows(db, "SELECT canonical_url FROM articles")])


def expected_paths() -> tuple[set[str], set[frozenset[str]]]:
    """Paths that must be archived, and the (original, syndicated copy) pairs of which exactly one is."""
    dup_pairs = {frozenset({a.path, a.duplicate_of}) for a in ARTICLES if a.duplicate_of}
    in_pairs = set().union(*dup_pairs) if dup_pairs else set()
    must = {a.path for a in archived_articles()} - in_pairs
    return must, dup_pairs


def test_crawl_archives_exactly_the_articles(crawled) -> None:
    db, result, _ = crawled
    assert result.code == 0, result.stderr
    got = stored_paths(db)
    must, pairs = expected_paths()
    assert must <= got, f"missing: {sorted(must - got)}"
    for pair in pairs:
        assert len(pair & got) == 1, f"exactly one of {sorted(pair)} must be stored, got {sorted(pair & got)}"
    allowed = must | set().union(*pairs)
    assert got <= allowed, f"not articles but archived: {sorted(got - allowed)}"


def test_nothing_disallowed_is_fetched_or_stored(crawled) -> None:
    db, _, requests = crawled
    disallowed = {a.path for a in ARTICLES if a.disallowed}
    assert disallowed, "the demo site must have a robots-disallowed article"
    assert not disallowed & stored_paths(db)
    assert not [p for _, p, _ in requests if p.startswith("/private/")]


def test_robots_txt_is_requested_once(crawled) -> None:
    """The spider reads robots.txt for its Sitemap: lines from the robots.txt middleware's download."""
    db, _, requests = crawled
    assert [p for _, p, _ in requests].count("/robots.txt") == 1
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    counts = json.loads(stats)
    assert counts["robotstxt/reused"] == 1 and counts["discovery/robots_sitemaps"] >= 1


def test_no_listing_pages_archived(crawled) -> None:
    db, _, _ = crawled
    for path in stored_paths(db):
        assert not path.startswith(("/section/", "/tag/", "/author/", "/about", "/contact", "/login")), path
        assert path != "/"


def test_tracking_parameters_are_stripped(crawled) -> None:
    db, _, _ = crawled
    urls = [r[0] for r in rows(db, "SELECT canonical_url FROM articles")]
    assert not [u for u in urls if "utm_" in u or "#" in u]


def test_seed_like_article_text_is_exactly_its_paragraphs(crawled) -> None:
    db, _, _ = crawled
    checked = 0
    for article in archived_articles():
        if article.template != "wp" or article.duplicate_of:
            continue
        found = rows(db, "SELECT text FROM articles WHERE canonical_url LIKE ?", f"%{article.path}")
        assert found, article.path
        assert found[0][0] == "\n".join(article.paragraphs), article.path
        checked += 1
    assert checked >= 7


def test_all_article_texts_are_clean(crawled) -> None:
    db, _, _ = crawled
    for article in archived_articles():
        if article.duplicate_of:
            continue
        text = rows(db, "SELECT text FROM articles WHERE canonical_url LIKE ?", f"%{article.path}")[0][0]
        assert text == "\n".join(article.paragraphs), article.path


def test_metadata(crawled) -> None:
    db, _, _ = crawled
    for article in archived_articles():
        if article.duplicate_of:
            continue
        (title, authors, published, section, tags, language, site_name) = rows(
            db, "SELECT title, authors, published_at, section, tags, language, site_name FROM articles "
            "WHERE canonical_url LIKE ?", f"%{article.path}")[0]
        assert title == article.title, article.path
        assert json.loads(authors) == list(article.authors), article.path
        assert datetime.fromisoformat(published) == datetime.fromisoformat(article.published), article.path
        assert language == article.language, article.path
        assert section == article.section, article.path
        assert set(json.loads(tags)) == set(article.tags), article.path


def test_second_identical_crawl_adds_nothing(site, archive_copy: Path) -> None:
    before = rows(archive_copy, "SELECT id, canonical_url, content_hash FROM articles ORDER BY id")
    result = cli("crawl", site.base_url + "/", "--db", str(archive_copy), *LOCAL)
    assert result.code == 0, result.stderr
    assert "0 new, 0 updated" in result.stderr
    after = rows(archive_copy, "SELECT id, canonical_url, content_hash FROM articles ORDER BY id")
    assert after == before
    runs = rows(archive_copy, "SELECT status, articles_new, articles_updated FROM runs ORDER BY id")
    assert runs[-1] == ("ok", 0, 0) and len(runs) == 2


def test_raw_html_is_kept(crawled) -> None:
    db, _, _ = crawled
    (missing,) = rows(db, "SELECT count(*) FROM articles a LEFT JOIN raw_pages r ON r.article_id = a.id "
                          "WHERE r.html_zstd IS NULL")[0]
    assert missing == 0
    assert rows(db, "PRAGMA journal_mode")[0][0] == "wal"


def test_run_is_recorded(crawled) -> None:
    db, _, _ = crawled
    (status, new, stats) = rows(db, "SELECT status, articles_new, stats FROM runs")[0]
    assert status == "ok"
    assert new == len(stored_paths(db))
    counts = json.loads(stats)
    assert counts["duplicates/duplicate_body"] >= 1 and counts["archive/aliases"] >= 1
    assert any(k.startswith("pages/not_article/") for k in counts)


def test_scrapy_native_crawl(site, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "native.sqlite3"
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base_url}/",
                           "-s", f"ARCHIVE_DB={db}", "-s", "LOG_LEVEL=WARNING", *LOCAL],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    must, _ = expected_paths()
    assert must <= stored_paths(db)


def test_max_articles_stops_early(site, tmp_path: Path) -> None:
    db = tmp_path / "few.sqlite3"
    result = cli("crawl", site.base_url + "/", "--db", str(db), "--max-articles", "3", *LOCAL)
    assert result.code == 0, result.stderr
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == 3


def test_copy_of_an_article_stored_by_an_earlier_run_is_an_alias(site, tmp_path: Path) -> None:
    """Dedupe asks the archive for a body (it no longer loads every stored hash): a syndicated copy
    fetched by a later run, under another URL and without a canonical link, is not stored as an
    article but kept as an alias of the original."""
    copy = next(a for a in ARTICLES if a.duplicate_of)
    db = tmp_path / "two-runs.sqlite3"
    first = cli("fetch", site.base_url + copy.duplicate_of, "--db", str(db), *LOCAL)
    assert first.code == 0, first.stderr
    second = cli("fetch", site.base_url + copy.path, "--db", str(db), *LOCAL)
    assert second.code == 0 and "repeats an archived article (duplicate_body): kept as its alias" in second.stderr
    stored = rows(db, "SELECT canonical_url FROM articles")
    assert [urlsplit(url).path for (url,) in stored] == [copy.duplicate_of], second.stderr
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(stats)["duplicates/duplicate_body"] == 1
    assert rows(db, "SELECT a.url, a.reason FROM aliases a JOIN articles o ON o.id = a.article_id") == [
        (site.base_url + copy.path, "duplicate_body")]
