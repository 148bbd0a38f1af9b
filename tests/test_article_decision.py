"""Article pages are decided on the extracted story, with all the evidence, and every fetched URL
leaves a trace: a crawl of a site of hard articles and prose-like listings, the demo crawl's URL
states, and ``newscrawler explain``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import LOCAL, cli, rows
from tests.support.hardsite import article_pages, hard_site, headline, listing_pages, story


@pytest.fixture(scope="module")
def hard_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    db = tmp_path_factory.mktemp("hard") / "news.sqlite3"
    with hard_site() as base:
        result = cli("crawl", base + "/", "--db", str(db), *LOCAL)
        assert result.code == 0, result.stderr
        yield base, db, result.stderr


@pytest.mark.e2e
def test_every_hard_article_is_archived_with_its_title_source(hard_crawl: tuple[str, Path, str]) -> None:
    base, db, _ = hard_crawl
    stored = {url: (title, source) for url, title, source in rows(db, "SELECT url, title, title_source FROM articles")}
    expected = {base + path: source for path, (_page, source) in article_pages().items()}
    assert {url: source for url, (_title, source) in stored.items()} == expected
    assert stored[base + "/p?id=3"][0] == headline(3)  # the article's <h1>, not the site's
    assert stored[base + "/p?id=5"][0] == headline(5)  # <title> without the site's name
    assert stored[base + "/p?id=4"][0] == " ".join(story(4)[0].split()[:20]) + "…"  # the story's first words


@pytest.mark.e2e
def test_a_brief_is_archived_on_the_news_sitemaps_word_alone(hard_crawl: tuple[str, Path, str]) -> None:
    """Two paragraphs at a neutral URL, declaring nothing: archived because a news sitemap lists it."""
    base, db, _ = hard_crawl
    assert rows(db, "SELECT count(*) FROM articles WHERE url = ?", base + "/p?id=5") == [(1,)]
    alone = cli("explain", base + "/p?id=5", "--via", "link")
    assert "not an article (not_prose)" in alone.stdout, alone.stdout + alone.stderr


@pytest.mark.e2e
def test_no_listing_is_archived_and_each_keeps_its_reason(hard_crawl: tuple[str, Path, str]) -> None:
    base, db, _ = hard_crawl
    states = {url: (kind, reason) for url, kind, reason in rows(db, "SELECT url, kind, reason FROM urls")}
    for path in listing_pages():
        if path == "/privacy/":
            continue  # linked from every page: found, but a site page (decided like /about/)
        kind, reason = states[base + path]
        assert kind == "listing" and reason.startswith("not_article:"), (path, kind, reason)
    assert states[base + "/p?id=99"][1] in ("not_article:teasers", "not_article:no_text")  # (see test_discovery)
    assert states[base + "/tag/river/"][1] == "not_article:listing_url"
    assert states[base + "/about/"][1] == "not_article:site_page"
    for path in article_pages():
        assert states[base + path][1] is None  # an archived article has no reason to give


@pytest.mark.e2e
def test_runs_lists_not_article_reasons(hard_crawl: tuple[str, Path, str]) -> None:
    _, db, _ = hard_crawl
    result = cli("runs", "--db", str(db), "--last", "1")
    assert result.code == 0, result.stderr
    assert "not articles" in result.stdout and "site_page 2" in result.stdout and "listing_url" in result.stdout


@pytest.mark.e2e
def test_every_url_the_demo_crawl_fetched_leaves_a_trace(crawled: tuple[Path, object, list]) -> None:
    """Each URL state of a page is an article with its id, or carries the reason it is not one."""
    db = crawled[0]
    for url, kind, reason, article_id in rows(db, "SELECT url, kind, reason, article_id FROM urls"):
        if kind == "discovery":
            continue
        if kind == "article" and reason is None:
            assert article_id is not None, url
        else:
            assert reason, (url, kind)
    reasons = {r for (r,) in rows(db, "SELECT reason FROM urls WHERE reason IS NOT NULL")}
    assert {"not_article:listing_url", "not_article:site_page", "robots_disallowed"} <= reasons


@pytest.mark.e2e
def test_explain_a_listing_an_article_and_a_refusal(hard_crawl: tuple[str, Path, str]) -> None:
    base, db, _ = hard_crawl
    listing = cli("explain", base + "/p?id=99", "--db", str(db))
    article = cli("explain", base + "/p?id=2", "--via", "news_sitemap", "--json", "--db", str(db))
    missing = cli("explain", base + "/nowhere", "--db", str(db))
    with hard_site() as mirror:  # the same story under another URL: a duplicate of the stored one
        copy = cli("explain", mirror + "/p?id=2", "--db", str(db))
    assert listing.code == 0, listing.stderr
    assert "not an article (" in listing.stdout and "URL shape: neutral" in listing.stdout
    assert "verdict: not stored: not_article:" in listing.stdout
    data = json.loads(article.stdout)
    steps = {step["topic"]: step["text"] for step in data["steps"]}
    assert steps["classification"] == "article (news_sitemap)" and steps["robots.txt"] == "allowed"
    assert "(from og)" in steps["title"] and data["would_store"] is True
    assert data["verdict"] == f"unchanged article {article_id(db, base + '/p?id=2')} ({base}/p?id=2)"
    assert f"the body equals article {article_id(db, base + '/p?id=2')}" in copy.stdout
    assert "verdict: kept as an alias of article" in copy.stdout
    assert "verdict: not stored: HTTP 404" in missing.stdout


def article_id(db: Path, url: str) -> int:
    return rows(db, "SELECT id FROM articles WHERE url = ?", url)[0][0]


@pytest.mark.e2e
def test_explain_from_the_archive(hard_crawl: tuple[str, Path, str]) -> None:
    base, db, _ = hard_crawl
    result = cli("explain", base + "/p?id=1", "--from-archive", "--db", str(db))
    assert result.code == 0, result.stderr
    assert "known as article" in result.stdout and "read from the archive" in result.stdout
    assert "found as archived as an article before (strong evidence)" in result.stdout
    assert "(from jsonld)" in result.stdout and "verdict: unchanged article" in result.stdout
    gone = cli("explain", base + "/p?id=99", "--from-archive", "--db", str(db))
    assert gone.code == 1 and gone.stderr.startswith("Error: no stored page for")


@pytest.mark.e2e
def test_explain_a_site_that_refuses_connections(tmp_path: Path) -> None:
    from tests.support.loopback import free_port

    result = cli("explain", f"http://127.0.0.1:{free_port()}/story", "--db", str(tmp_path / "none.sqlite3"))
    assert result.code == 1 and "no archive at" in result.stderr  # an explicit --db must exist
    result = cli("explain", f"http://127.0.0.1:{free_port()}/story", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "note: no archive consulted" in result.stderr and "connection refused" in result.stdout.lower()


@pytest.mark.unit
def test_a_short_story_that_mentions_a_captcha_is_not_a_block_page() -> None:
    from scrapy.http import HtmlResponse

    from newscrawler.extensions.sitestats import block_reason

    def page(body: str) -> HtmlResponse:
        return HtmlResponse("https://news.example/a", body=body.encode(), headers={"Content-Type": "text/html"})

    story_text = "".join(f"<p>{line}</p>" for line in story(1) + story(2))
    mention = page(f"<html><body><h1>Access denied, says the council</h1>{story_text}</body></html>")
    assert len(mention.body) < 20_000 and block_reason(mention) is None
    challenge = "<html><head><script>var challenge = 1;</script></head><body><h1>Access denied</h1>" \
                "<p>Please verify you are human.</p><div class='g-recaptcha'></div></body></html>"
    assert block_reason(page(challenge)) == "captcha"
