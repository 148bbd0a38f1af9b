"""trafilatura's fallback extractors (readability, jusText) run only when its main pass did not
clearly find the story (issue 21): one trafilatura pass on an ordinary page, two on a page
whose main pass keeps little of its paragraph text."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from lxml import html as lxml_html

import newscrawler.extract.extractor as extractor
from benchmarks.extraction import load_corpus
from benchmarks.scoring import score_page
from tests.support.cli import CORPUS

pytestmark = pytest.mark.unit

PARAGRAPH = ("The harbour authority said on Monday that the northern quay would reopen to ferries after "
             "eleven weeks of repairs to its pilings, which storms had loosened in the winter.")


def page(paragraphs: int) -> str:
    story = "".join(f"<p>{PARAGRAPH} ({i})</p>" for i in range(paragraphs))
    return (f"<html><head><title>Quay reopens</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Northern quay reopens to ferries</h1>{story}</article></body></html>")


def test_the_main_pass_is_sufficient_when_it_keeps_enough_of_the_paragraph_text() -> None:
    tree = lxml_html.fromstring(page(10))
    whole = sum(len(p.text_content()) for p in tree.iter("p"))
    assert extractor._sufficient(SimpleNamespace(text="x" * whole), tree)
    assert extractor._sufficient(SimpleNamespace(text="x" * int(whole * 0.2)), tree)
    assert not extractor._sufficient(SimpleNamespace(text="x" * int(whole * 0.1)), tree)
    assert not extractor._sufficient(SimpleNamespace(text="  "), tree)
    assert not extractor._sufficient(None, tree)


def test_an_ordinary_page_runs_trafilatura_once_without_its_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    real = extractor._run_trafilatura

    def counted(tree: Any, url: str, fast: bool = False) -> Any:
        calls.append(fast)
        return real(tree, url, fast)

    monkeypatch.setattr(extractor, "_run_trafilatura", counted)
    article = extractor.extract_article(page(8), "https://news.example/quay")
    assert article is not None and article.text.count("harbour authority") == 8
    assert calls == [True]


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "ground_truth.json").is_file(), reason=f"news-dev corpus not found at {CORPUS}")
def test_a_live_blog_the_main_pass_misses_gets_the_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    live = next(p for p in load_corpus(CORPUS) if p.name == "TheTelegraph_1.html.gz")
    calls: list[bool] = []
    real = extractor._run_trafilatura
    monkeypatch.setattr(extractor, "_run_trafilatura",
                        lambda tree, url, fast=False: calls.append(fast) or real(tree, url, fast))
    article = extractor.extract_article(live.html, live.url)
    assert calls == [True, False]
    assert article is not None and score_page(article.text, live.reference).f1 > 0.9


def _counted_metadata(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = extractor.trafilatura.extract_metadata
    monkeypatch.setattr(extractor.trafilatura, "extract_metadata", lambda tree: calls.append(1) or real(tree))
    return calls


def test_trafilaturas_metadata_only_for_a_page_that_names_no_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a byline our readers find nothing trafilatura would: its metadata (24 ms on a page
    with a large JSON-LD graph) is asked only for the site's name; htmldate still guesses a date."""
    calls = _counted_metadata(monkeypatch)
    named = page(8).replace("<head>", "<head><meta property='og:site_name' content='Harbour Gazette'>"
                                      "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>")
    article = extractor.extract_article(named, "https://news.example/quay")
    assert article is not None and article.site_name == "Harbour Gazette" and article.authors == []
    assert calls == []
    article = extractor.extract_article(page(8), "https://news.example/quay")
    assert article is not None and calls == [1]


def test_the_shared_tree_is_the_same_after_extraction() -> None:
    """trafilatura's main pass runs with the page's <head> taken out (less to copy and prune): the
    caller's tree, which the crawl also classifies and lists links from, gets it back unchanged."""
    from lxml import etree

    from newscrawler.extract.htmlparse import parse_html

    html = page(6).replace("<head>", "<head><meta name='author' content='Ann Lee'><link rel=canonical href='/q'>")
    tree = parse_html(html)
    before = etree.tostring(tree)
    assert extractor.extract_parsed(tree, len(html), "https://news.example/quay") is not None
    assert etree.tostring(tree) == before


@pytest.mark.parametrize("script, detached", [
    ('{"@type": "NewsArticle", "headline": "Quay"}', True),
    ('{"@type": "NewsArticle", "articleBody": "The northern quay reopens."}', False),  # trafilatura's rescue reads it
    ('{"@type": "DiscussionForumPosting"}', False),  # a forum thread keeps its comments
])
def test_the_head_stays_when_trafilatura_would_read_it(script: str, detached: bool) -> None:
    from newscrawler.extract.htmlparse import parse_html

    tree = parse_html(page(3).replace("<head>", f"<head><script type='application/ld+json'>{script}</script>"))
    head = extractor._detached_head(tree)
    assert (head is not None) == detached and (tree.find("head") is None) == detached
