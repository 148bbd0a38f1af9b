"""The page's text to the tree all readers share (issue 21): what trafilatura's ``load_html`` did,
at half its cost, and the same tree."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newscrawler.extract.htmlparse import MAX_HTML_BYTES, parse_html, parse_prepared, prepare_html, strip_bulky_blocks

pytestmark = pytest.mark.unit

STORY = ("<html><head><title>Quay</title><style>p { color: red }</style>"
         "<script type='application/ld+json'>{\"@type\": \"NewsArticle\"}</script></head>"
         "<body><div class=menu><svg viewBox='0 0 1 1'><title>Menu</title><path d='M0'/></svg></div>"
         "<script>var s = '<p>not text</p>';</script>"
         "<p>The northern quay reopens.</p><p>Ferries return on Monday.</p></body></html>")


def test_the_tree_has_the_page_without_script_style_and_svg_bodies() -> None:
    tree = parse_html(STORY)
    assert [p.text for p in tree.iter("p")] == ["The northern quay reopens.", "Ferries return on Monday."]
    assert tree.find(".//svg") is not None and len(tree.find(".//svg")) == 0  # the tag stays, empty
    assert tree.find(".//style").text is None
    assert "NewsArticle" in tree.find(".//script[@type='application/ld+json']").text  # JSON-LD is metadata
    assert all(isinstance(el, HtmlElement) for el in tree.iter("p", "div", "body"))
    assert tree.find(".//p").text_content() == "The northern quay reopens."


def test_a_quoted_angle_bracket_in_a_script_tag_does_not_end_it() -> None:
    """A real page had ``data-article-tags="<?php echo $tags; ?>"`` on a script: cutting the tag at
    that ``>`` lost half the page (its byline and date)."""
    html = (b'<html><body><script data-tags="<?php echo $tags; ?>" data-id="1">run();</script>'
            b'<div><time datetime="2024-02-28T19:25:36-05:00">Feb 28</time><p>Story.</p></div></body></html>')
    assert strip_bulky_blocks(html) == html.replace(b"run();", b"")
    tree = parse_prepared(prepare_html(html))
    assert tree.find(".//time").get("datetime") == "2024-02-28T19:25:36-05:00"


def test_an_unterminated_bulky_element_keeps_the_rest() -> None:
    html = b"<p>one</p><script>var a = 1;<p>two</p>"
    assert strip_bulky_blocks(html) == html


@pytest.mark.parametrize("dirty, clean", [
    ("<p>har\x00bor\x07 \x1bboard</p>", "harbor board"),
    ("<p>a\ufffeb\uffffc</p>", "abc"),
    ("<p>bud\ud800get</p>", "bud?get"),  # a lone surrogate would end the parse
])
def test_control_characters_noncharacters_and_surrogates(dirty: str, clean: str) -> None:
    tree = parse_html(f"<html><body>{dirty}<p>after</p></body></html>")
    assert [p.text for p in tree.iter("p")] == [clean, "after"]


def test_invalid_utf8_bytes_become_replacement_characters() -> None:
    tree = parse_html(b"<html><body><p>caf\xe9 au lait</p></body></html>")
    assert tree.find(".//p").text == "caf\ufffd au lait"


def test_a_huge_page_is_cut_at_a_character_boundary() -> None:
    html = "<html><body><p>" + "é" * MAX_HTML_BYTES + "</p></body></html>"
    data = prepare_html(html)
    assert len(data) <= MAX_HTML_BYTES
    data.decode("utf-8")  # no half character at the end
    assert parse_prepared(data).find(".//p").text.startswith("ééé")


@pytest.mark.parametrize("html", [
    STORY,
    "<!DOCTYPE html/><html><body><p>One</p><p>Two</p></body></html>",  # a self-closed doctype
    "<html/>\n<body><p>One</p><p>Two</p></body>",  # a self-closed html tag
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>One</p></body></html>',
])
def test_the_same_elements_as_trafilaturas_load_html(html: str) -> None:
    ours, theirs = parse_html(html), load_html(html)
    assert [(el.tag, el.text) for el in ours.iter() if el.tag not in ("script", "style", "svg", "path", "title")] \
        == [(el.tag, el.text) for el in theirs.iter() if el.tag not in ("script", "style", "svg", "path", "title")]


@pytest.mark.parametrize("html", ["", "   \n", "just a line of text", b"\x00\x01\x02"])
def test_empty_or_not_html_gives_none(html: str | bytes) -> None:
    assert parse_html(html) is None

