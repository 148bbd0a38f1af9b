"""A page whose body repeats a recent article page's at the same path (another query) takes that
page's result instead of being extracted again (newscrawler.process.copies), and ends as it
would have: an alias of the article."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.article import Article
from newscrawler.process.copies import RecentArticles
from newscrawler.process.page import PageResult
from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import QuietHandler, article_page, serving

A = "/news/2026/01/02/harbour-bridge-reopens.html"
B = "/news/2026/01/03/ferry-timetable-changes.html"
PRINT_A = "/print/2026/01/02/harbour-bridge-reopens.html"  # A's bytes at another path


def _with_links(page: bytes, *hrefs: str) -> bytes:
    links = "".join(f'<p><a href="{h}">more</a></p>' for h in hrefs)
    return page.replace(b"</body>", links.encode() + b"</body>")


STORY_A = _with_links(article_page(A, "the bridge reopened after two years of works on its deck."),
                      "?page=2", "?comments=all", PRINT_A)
PAGES = {
    "/": b"<html><body><h1>Home</h1><a href='" + A.encode() + b"'>A</a> <a href='" + B.encode() + b"'>B</a></body></html>",
    A: STORY_A,
    PRINT_A: STORY_A,
    B: article_page(B, "the ferry leaves twenty minutes earlier from Monday on the winter timetable."),
}


class CopiesSite(QuietHandler):
    """Serves each page whatever its query, as many news sites do."""

    def do_GET(self) -> None:  # noqa: N802
        body = PAGES.get(self.path.split("?", 1)[0])
        self.reply(200, body) if body is not None else self.reply(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving(CopiesSite) as base:
        yield base


def _result(text: str = "Some words.") -> PageResult:
    return PageResult("utf-8", True, "article", article=Article(url="http://x.test/a", title="T", text=text),
                      html_zstd=b"zstd", links=[], evidence=("og:type=article",))


@pytest.mark.unit
def test_a_copy_at_the_same_path_takes_the_first_result_with_its_own_url() -> None:
    recent = RecentArticles(2)
    first = _result()
    body = b"<html>A</html>"
    recent.remember(body, "http://x.test/a", 1, 0, first)
    found = recent.copy_of(body, "http://x.test/a?page=2", 2, 1)
    assert found is not None
    url, copy = found
    assert url == "http://x.test/a" and copy.article is not None
    assert copy.article.url == "http://x.test/a?page=2" and copy.article.text == "Some words."
    assert copy.is_article and copy.html_zstd is None and copy.evidence == ("og:type=article",)
    first.article.title = "changed by a pipeline"  # the yielded article is filled in place: not the kept one
    assert recent.copy_of(body, "http://x.test/a?x=1", 1, 0)[1].article.title == "T"  # type: ignore[index,union-attr]


@pytest.mark.unit
def test_no_copy_at_another_path_host_or_shallower_depth() -> None:
    recent = RecentArticles(2)
    body = b"<html>A</html>"
    recent.remember(body, "http://x.test/a", 2, 1, _result())
    assert recent.copy_of(body, "http://x.test/a", 2, 1) is None  # the page itself
    assert recent.copy_of(body, "http://x.test/print/a", 3, 1) is None  # relative links resolve elsewhere
    assert recent.copy_of(body, "http://y.test/a?p=2", 3, 1) is None
    assert recent.copy_of(body, "https://x.test/a?p=2", 3, 1) is None
    assert recent.copy_of(body, "http://x.test/a?p=2", 1, 1) is None  # its links would reach further
    assert recent.copy_of(body, "http://x.test/a?p=2", 2, 0) is None
    assert recent.copy_of(b"<html>B</html>", "http://x.test/a?p=2", 2, 1) is None


@pytest.mark.unit
def test_the_same_bytes_at_two_paths_are_kept_apart() -> None:
    """A print page with the story's bytes, processed after the story, does not hide the story
    from the story's own copies (whichever of the two a crawl meets first)."""
    recent = RecentArticles(4)
    body = b"<html>A</html>"
    recent.remember(body, "http://x.test/news/a", 1, 0, _result())
    recent.remember(body, "http://x.test/print/a", 2, 0, _result())
    assert recent.copy_of(body, "http://x.test/news/a?page=2", 2, 0)[0] == "http://x.test/news/a"  # type: ignore[index]
    assert recent.copy_of(body, "http://x.test/print/a?page=2", 3, 0)[0] == "http://x.test/print/a"  # type: ignore[index]
    assert len(recent) == 2


@pytest.mark.unit
def test_only_the_latest_article_pages_are_kept() -> None:
    recent = RecentArticles(2)
    listing = PageResult("utf-8", False, "listing")
    recent.remember(b"L", "http://x.test/", 0, 0, listing)
    assert len(recent) == 0  # not an article: nothing to reuse
    for n in range(3):
        recent.remember(bytes([n]), f"http://x.test/{n}", 0, 0, _result())
    assert len(recent) == 2 and recent.copy_of(bytes([0]), "http://x.test/0?p=2", 0, 0) is None
    assert recent.copy_of(bytes([2]), "http://x.test/2?p=2", 0, 0) is not None
    assert len(RecentArticles(0)) == 0


def _crawl(base: str, db: Path, *extra: str) -> dict:
    result = cli("crawl", base + "/", "--db", str(db), *LOCAL, *extra)
    assert result.code == 0, result.stderr
    (stats,) = rows(db, "SELECT stats FROM runs ORDER BY id DESC LIMIT 1")[0]
    return json.loads(stats)


@pytest.mark.e2e
def test_copies_are_aliases_as_when_each_page_is_extracted(site: str, tmp_path: Path) -> None:
    reused, extracted = tmp_path / "reused.sqlite3", tmp_path / "extracted.sqlite3"
    stats = _crawl(site, reused)
    plain = _crawl(site, extracted, "-s", "EXTRACTION_REUSE_RECENT=0")
    assert stats["pages/identical_body"] == 4  # ?page=2 and ?comments=all of A and of PRINT_A
    assert "pages/identical_body" not in plain
    articles = "SELECT url, title, text FROM articles ORDER BY url"
    aliases = "SELECT a.url, a.reason, o.url FROM aliases a JOIN articles o ON o.id = a.article_id ORDER BY a.url"
    assert rows(reused, articles) == rows(extracted, articles)
    assert len(rows(reused, articles)) == 2
    # The query copies of A and of its print version (another path: extracted, then deduplicated).
    expected = sorted((site + path + query, "duplicate_body", site + A)
                      for path in (A, PRINT_A) for query in ("", "?page=2", "?comments=all") if path + query != A)
    assert rows(reused, aliases) == expected
    # Extracted one by one, a ?page=2 copy is taken for a pagination page by its URL, before its
    # story is looked at; reused, it is what its bytes say: a copy of the article.
    assert rows(extracted, aliases) == [row for row in expected if "?page=2" not in row[0]]
    pagination = "SELECT reason FROM urls WHERE url = ?"
    assert rows(extracted, pagination, site + A + "?page=2") == [("not_article:listing_url",)]
    assert rows(reused, pagination, site + A + "?page=2") == [("duplicate_body",)]
    shown = cli("explain", site + A + "?page=2", "--db", str(reused))
    assert shown.code == 0 and "duplicate_body" in shown.stdout, shown.stdout + shown.stderr
