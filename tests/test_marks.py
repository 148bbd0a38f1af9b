"""The page's marks (class, id, rel, itemprop) searched once per pattern (issue 21): the same elements,
in page order, as a search of each element's marks."""

from __future__ import annotations

import re

import pytest

from newscrawler.extract.htmlparse import parse_html
from newscrawler.extract.metadata.trees import element_marks, marked_matching

pytestmark = pytest.mark.unit

PAGE = """<html><body>
<b class="ßßßßßßßßßßßß"></b><i id="x"></i><i id="y"></i><i id="z"></i>
<div class="Straße header"><span id="byline_top" class="meta">By Ann</span></div>
<p class="story-text" itemprop="articleBody">Text</p>
<a rel="author" href="/ann" class="AUTHOR-link">Ann</a>
<div id="kopf"><h2 class="kop">Title</h2></div>
<time class="date" itemprop="datePublished">today</time>
</body></html>"""


def each_element(tree, pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    return [(el.tag, marks) for el in tree.iter() if (marks := element_marks(el)) and pattern.search(marks)]


@pytest.mark.parametrize("pattern", [
    re.compile("byline|author"),  # plain words: found by str.find
    re.compile(r"kop\b|head"),  # a regular expression proper
    re.compile("date|publish"),
    re.compile("nothing-here"),
])
def test_the_same_elements_as_a_search_of_each(pattern: re.Pattern[str]) -> None:
    tree = parse_html(PAGE)
    found = [(el.tag, marks) for el, marks in marked_matching(tree, pattern)]
    assert found == each_element(tree, pattern)


def test_marks_are_case_folded_with_dashes() -> None:
    tree = parse_html(PAGE)
    assert [(el.tag, marks) for el, marks in marked_matching(tree, re.compile("byline-top"))] \
        == [("span", "meta byline-top")]
    assert [el.tag for el, _ in marked_matching(tree, re.compile("strasse"))] == ["div"]
    # "ß" folds to two letters: the elements after it are still found by their own marks
    assert [el.tag for el, _ in marked_matching(tree, re.compile("story-text"))] == ["p"]


TEXTS = """<html><head><title>Quay reopens</title></head><body>
<p>The quay <b>reopens</b> on Monday.</p><script>var quay = "reopens";</script>
<div>Ferries return. The quay reopens<br>fully in May.</div><p>The quay\nreopens</p><p>the QUAY reopens</p>
</body></html>"""


@pytest.mark.parametrize("probe", ["The quay", "quay reopens", "reopens", "Ferries return. The", "nothing", "a"])
def test_text_nodes_containing_agrees_with_xpath_contains(probe: str) -> None:
    from lxml import etree

    from newscrawler.extract.metadata.trees import DIRECT_PROBES, text_nodes_containing

    tree = parse_html(TEXTS)
    expected = etree.XPath("//body//text()[contains(., $probe)][not(ancestor::script or ancestor::style)]")(
        tree, probe=probe)
    direct = text_nodes_containing(tree, probe)  # the first probes of a page: an XPath each
    for _ in range(DIRECT_PROBES):
        text_nodes_containing(tree, "warm")
    indexed = text_nodes_containing(tree, probe)  # later ones: the page's text nodes, indexed
    for found in (direct, indexed):
        assert [str(t) for t in found] == [str(t) for t in expected]
        assert [t.getparent() for t in found] == [t.getparent() for t in expected]


def test_a_probe_with_a_line_break_never_matches_across_text_nodes() -> None:
    """The index joins the page's text nodes with line breaks: a probe holding one is asked by XPath."""
    from newscrawler.extract.metadata.trees import DIRECT_PROBES, text_nodes_containing

    tree = parse_html("<html><body><p>first line</p><p>second line</p></body></html>")
    for _ in range(DIRECT_PROBES + 1):
        text_nodes_containing(tree, "line")  # the page's text nodes are indexed by now
    assert text_nodes_containing(tree, "line\nsecond") == []
    assert [str(t) for t in text_nodes_containing(tree, "second")] == ["second line"]
