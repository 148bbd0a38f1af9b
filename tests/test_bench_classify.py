"""The article-decision benchmark's own machinery: the page variants, the counting, the skip."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from archive.article import Article
from benchmarks import classify, variants
from benchmarks.classify_cases import BASE, Case, Page, negative_cases, neutral_url, positive_cases
from newscrawler.process.page import PageJob, PageResult

pytestmark = pytest.mark.unit

STANDFIRST = "The council agreed the ferry plan after a long night of debate in the town hall."
STORY = [
    "The harbour ferry will run every twenty minutes from May, the council decided on Tuesday night.",
    "Councillors voted eleven to four for the plan, which adds two boats and a second landing stage.",
    "Residents of the north quay had asked for a later last crossing for years, said the ferry trust.",
    "The trust expects the new timetable to carry a third more passengers in its first full summer.",
]
LD = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry every twenty minutes"}


def article_page(og_type: bool = True) -> str:
    """A small article page of our own: standfirst in the header, story paragraphs around a figure."""
    og = '<meta property="og:type" content="article">' if og_type else ""
    paras = [f"<p>{STORY[0]}</p>", f"<p>{STORY[1]} <a href='/vote'>The vote</a> was close.</p>",
             "<figure><img src='/f.jpg' alt=''><figcaption>The north quay</figcaption></figure>",
             *(f"<p class='x'>{s}</p>" for s in STORY[2:])]
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Ferry every twenty minutes</title>"
            f"{og}<meta property='og:title' content='Ferry every twenty minutes'>"
            f"<script type='application/ld+json'>{json.dumps(LD)}</script></head><body>"
            f"<nav><a href='/'>Home</a></nav><header><h1>Ferry every twenty minutes</h1><p>{STANDFIRST}</p></header>"
            f"<article><div class='body'>{''.join(paras)}</div></article>"
            f"<footer><p>Copyright the Port Gazette, all rights reserved.</p></footer></body></html>")


def listing_page() -> str:
    items = "".join(f"<div class='card'><h2><a href='/2026/05/0{i}/story-{i}/'>Story {i}</a></h2>"
                    f"<p class='dek'>{STORY[i]}</p></div>" for i in range(4))
    return ("<!DOCTYPE html><html><head><title>Local | Port Gazette</title>"
            "<meta property='og:type' content='website'>"
            "<script type='application/ld+json'>{\"@type\": \"CollectionPage\"}</script></head>"
            f"<body><h1>Local</h1>{items}</body></html>")


def words(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def og_types(root) -> list[str]:
    return [m.get("content") for m in root.iter("meta") if m.get("property") == "og:type"]


def test_paragraphs_to_divs_leaves_no_paragraph_and_keeps_the_text() -> None:
    page = article_page()
    before = variants.parse(page)
    out = variants.parse(variants.paragraphs_to_divs(page))
    assert not list(out.iter("p"))
    assert len(out.findall(".//div")) == len(before.findall(".//div")) + len(before.findall(".//p")) == 7
    assert out.find(".//div[@class='x']") is not None  # attributes kept
    assert words(out.find("body")) == words(variants.parse(page).find("body"))


@pytest.mark.parametrize("story", [(), (STANDFIRST, *STORY)], ids=["no-reference", "reference"])
def test_br_lines_put_the_story_in_one_element(story: tuple[str, ...]) -> None:
    out = variants.parse(variants.paragraphs_to_br_lines(article_page(), story))
    body = out.find(".//div[@class='body']")
    assert not list(body.iter("p"))
    lines = [d for d in body.iter("div") if d.find("br") is not None]
    assert len(lines) == 1 and len(lines[0].findall("br")) == 2 * (len(STORY) - 1)
    text = words(lines[0])
    assert [text.index(s) for s in STORY] == sorted(text.index(s) for s in STORY)  # all there, in order
    assert "The vote was close." in text and lines[0].find("a") is not None  # inline markup kept
    assert body.find("figure") is not None  # what is not a paragraph stays
    # The standfirst (in the header) and the footer keep their <p>s.
    assert [words(p) for p in out.iter("p")] == [STANDFIRST, "Copyright the Port Gazette, all rights reserved."]


def test_br_lines_leave_a_page_without_paragraphs_alone() -> None:
    page = "<html><head><title>T</title></head><body><div>Only a div of text.</div></body></html>"
    assert words(variants.parse(variants.paragraphs_to_br_lines(page))) == "T Only a div of text."


@pytest.mark.parametrize("og_type", [True, False], ids=["changed", "added"])
def test_og_type_set(og_type: bool) -> None:
    for value in ("website", "article"):
        out = variants.parse(variants.set_og_type(article_page(og_type), value))
        assert og_types(out) == [value]
        assert out.find("head").find("meta[@property='og:type']") is not None


def test_without_title_and_without_structured_type() -> None:
    untitled = variants.parse(variants.without_title(article_page()))
    assert not list(untitled.iter("title"))
    assert untitled.find(".//meta[@property='og:title']") is not None and untitled.find(".//h1") is not None
    bare = variants.parse(variants.without_structured_type(article_page()))
    assert not og_types(bare)
    assert not [s for s in bare.iter("script") if "ld+json" in (s.get("type") or "")]
    assert bare.find(".//title") is not None and bare.find(".//meta[@property='og:title']") is not None


def test_every_variant_is_made_from_the_published_page() -> None:
    article = Page("ours", neutral_url(0), article_page().encode(), tuple(STORY))
    listing = Page("ours:/section/local/", BASE + "/section/local/", listing_page().encode())
    cases = positive_cases([article]) + negative_cases([listing])
    made = {(c.kind, c.variant): c.job_body() for c in cases}
    assert made[("positive", "original")] == (article.body, "text/html")
    assert made[("negative", "neutral_url")] == (listing.body, "text/html")
    assert b"<p" not in made[("positive", "p_to_div")][0] and b"<p" not in made[("negative", "p_to_div")][0]
    assert b"<title" not in made[("positive", "no_title")][0]
    assert b'content="website"' in made[("positive", "og_website")][0]
    assert b"ld+json" not in made[("negative", "no_jsonld_og")][0]
    assert re.search(rb"og:type[^>]+article", made[("negative", "og_article")][0])
    urls = {(c.kind, c.variant): c.url for c in cases}
    assert urls[("negative", "original")] == BASE + "/section/local/"
    assert urls[("negative", "og_article")] == neutral_url(1000) and urls[("positive", "br_lines")] == neutral_url(0)


def test_archived_needs_an_extracted_article_of_enough_words() -> None:
    long = Article(url="u", title="Ferry", text=" ".join(STORY))
    short = Article(url="u", title="Ferry", text=" ".join(["word"] * (classify.MIN_WORDS - 1)))
    assert classify.archived(PageResult("utf-8", True, "structured_data", article=long))
    assert not classify.archived(PageResult("utf-8", True, "structured_data", article=short))
    assert not classify.archived(PageResult("utf-8", True, "structured_data"))
    assert not classify.archived(PageResult("utf-8", False, "listing_url", article=long))


def test_run_and_score_on_our_own_pages() -> None:
    article = Page("ours", neutral_url(0), article_page().encode(), tuple(STORY))
    listing = Page("ours:/tag/ferries/", BASE + "/tag/ferries/", listing_page().encode())
    cases = [c for c in positive_cases([article]) + negative_cases([listing]) if c.variant == "original"]
    results = classify.run(cases, {"no evidence": {}}, processes=1)
    assert [o.archived for o in results["no evidence"]] == [True, False]
    assert all(o.detail for o in results["no evidence"])  # the reason, for the list of misclassified pages
    assert classify.score(cases, results["no evidence"]).perfect


def test_score_counts_precision_and_recall() -> None:
    page = Page("p", neutral_url(0), b"<p>x</p>")
    cases = [Case(True, "original", page, page.url)] * 4 + [Case(False, "original", page, page.url)] * 2
    outcomes = [classify.Outcome(kept, "") for kept in (True, True, True, False, True, False)]
    s = classify.score(cases, outcomes)
    assert (s.tp, s.fp, s.positives, s.precision, s.recall, s.perfect) == (3, 1, 4, 0.75, 0.75, False)


def test_news_sitemap_columns_only_when_pagejob_can_say_so() -> None:
    modes = classify.evidence_modes()
    assert ("news sitemap" in modes) == ("via" in {f.name for f in fields(PageJob)})
    assert modes["no evidence"] == {}


def test_news_sitemap_columns_with_a_via_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once PageJob says how a URL was found, every page is decided a second time, as from a news sitemap."""

    @dataclass(frozen=True)
    class PageJobWithVia(PageJob):
        via: str = ""

    monkeypatch.setattr(classify, "PageJob", PageJobWithVia)
    modes = classify.evidence_modes()
    assert modes == {"no evidence": {}, "news sitemap": {"via": "news_sitemap"}}
    page = Page("ours", neutral_url(0), article_page().encode(), tuple(STORY))
    results = classify.run(positive_cases([page])[:1], modes, processes=1)
    assert [[o.archived for o in outcomes] for outcomes in results.values()] == [[True], [True]]  # no TypeError


def test_skips_without_the_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-corpus"
    assert classify.main(["--corpus", str(missing), "--check"]) == 0
    assert capsys.readouterr().out == f"corpus not found at {missing}: benchmark skipped\n"
