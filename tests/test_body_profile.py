"""The article decision's body profile, computed the cheap way, equals its definition line by line."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from archive.article import Article, words_in
from newscrawler.process.classify import PARAGRAPH_WORDS, BodyProfile, _key, anchor_texts, body_profile

pytestmark = pytest.mark.unit

PAGE = """<html><body>
<p>Intro <a href="/a">Straße der Einheit heute</a> and <a href="/b">one</a></p>
<ul><li><a href="/c">The <b>bold</b> headline <!-- a comment --> of a teaser</a> tail text</li>
<li><a href="/d"><span>Nested</span> <span>span</span> link text</a></li>
<li><a href="/e"></a><a href="/f">   </a><a href="/g"><img src="x.png"></a></li>
<li><a href="/h">Zwölf Wörter hier und dort</a><a href="/i">İstanbul news of the day</a></li></ul>
</body></html>"""
TEXT = "\n".join([
    "STRASSE DER EINHEIT HEUTE was the headline, and the story went on for a good while after it.",
    "",
    "   ",
    "The bold headline of a teaser appears here too, as it often does in a listing's body text.",
    "İstanbul news of the day: twelve words or more in this line, certainly enough for one.",
    "東京で今日、新しい駅が開業し、多くの人々が朝早くから列を作って開業を祝った。",
    "--- ... ---",
    "Short line.",
    "\u0e31" * 48,  # Thai vowel marks alone: twelve "words", but no \w character, so no line of the body
])


def reference(tree: object, article: Article) -> BodyProfile:
    """The body profile as first written: one key per line, ``itertext()`` for every link."""
    lines = [(line, key) for line in article.text.split("\n") if (key := _key(line))]
    body = " ".join(key for _, key in lines)
    tokens = body.split()
    pairs = set(zip(tokens, tokens[1:]))
    texts = {text for a in tree.iter("a") if len(text := " ".join(a.itertext())) > 4}  # type: ignore[attr-defined]
    anchors = {key for text in texts if " " in (key := _key(text))}
    linked = sum(body.count(key) * len(key) for key in anchors if tuple(key.split(" ", 2)[:2]) in pairs)
    paragraphs = sum(1 for line, _ in lines if words_in(line) >= PARAGRAPH_WORDS)
    return BodyProfile(article.word_count, paragraphs, min(1.0, linked / len(body)) if body else 0.0)


def test_link_texts_are_the_joined_pieces_of_each_link() -> None:
    tree = lxml_html.document_fromstring(PAGE)
    assert anchor_texts(tree) == {"Straße der Einheit heute", "The  bold  headline   of a teaser",
                                  "Nested   span  link text", "Zwölf Wörter hier und dort", "İstanbul news of the day"}


def test_body_profile_equals_its_definition() -> None:
    tree = lxml_html.document_fromstring(PAGE)
    for text in (TEXT, "", "\n\n", TEXT.upper(), TEXT.replace("\n", " \n ")):
        article = Article(url="https://news.example/a", title="t", text=text)
        assert body_profile(tree, article) == reference(tree, article), text
    profile = body_profile(tree, Article(url="https://news.example/a", title="t", text=TEXT))
    assert profile.paragraphs == 4 and 0 < profile.linked < 1
