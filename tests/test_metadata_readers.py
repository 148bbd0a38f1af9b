"""The metadata readers of issue 20, one rule per test, on page snippets we write ourselves:
bylines in many languages (prefixes, joiners, agencies, generic credits, CJK names), the
publisher's own UTC offset, the visible headline, the visible section.

The golden labels (tests/golden/labels/) score the same readers on whole pages
(``make bench-extraction``); these tests pin each rule so a change that breaks one fails here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from lxml import html as lxml_html

from newscrawler.extract.extractor import extract_article
from newscrawler.extract.metadata.byline import (
    agency_as_written,
    choose_authors,
    is_site_like,
    page_byline,
    split_byline,
)
from newscrawler.extract.metadata.dateline_text import read_dateline
from newscrawler.extract.metadata.dates import as_published_locally
from newscrawler.extract.metadata.sections import title_section, url_section, visible_section
from newscrawler.extract.metadata.titles import headline_element, headline_segment, visible_title

pytestmark = pytest.mark.unit

STORY = "".join(f"<p>Paragraph {i} of the story tells the reader what happened at the harbour that week "
                f"and why the council decided as it did.</p>" for i in range(8))


def tree(body: str, head: str = "") -> object:
    return lxml_html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


# --- bylines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, people", [
    ("Felix Schröder und Jörg Soldwisch", ["Felix Schröder", "Jörg Soldwisch"]),
    ("Par Marie Dubois et Paul Martin", ["Marie Dubois", "Paul Martin"]),
    ("Por Ana García y Luis Pérez", ["Ana García", "Luis Pérez"]),
    ("Av Lars Bergstad og Nina Dahl", ["Lars Bergstad", "Nina Dahl"]),
    ("Text: Anna Svensson och Erik Holm", ["Anna Svensson", "Erik Holm"]),
    ("Door Pieter de Vries en Sanne Bakker", ["Pieter de Vries", "Sanne Bakker"]),
    ("Иван Петров и Мария Смирнова", ["Иван Петров", "Мария Смирнова"]),
    ("Autor Monika Bolliger", ["Monika Bolliger"]),
    ("Capital Von Jemima Kelly", ["Jemima Kelly"]),
    ("By DONNA KESSLER, Staff Writer", ["Donna Kessler"]),
    ("By MARK HOLLIS and ANGELA REYES, Gazette Staff Writers", ["Mark Hollis", "Angela Reyes"]),
    ("Tom Cary, Senior Sports Correspondent, Fiona Parker", ["Tom Cary", "Fiona Parker"]),
    ("本报记者 张磊 王海燕", ["张磊", "王海燕"]),
    ("文/李明", ["李明"]),
    ("김민수·이지은 기자", ["김민수", "이지은"]),
    ("Deconstructed March 1, 2024", []),
])
def test_byline_people_in_many_languages(text: str, people: list[str]) -> None:
    assert split_byline(text).people == people


@pytest.mark.parametrize("text, people, agencies", [
    ("Par Marie Dubois et Paul Martin (avec AFP)", ["Marie Dubois", "Paul Martin"], ["AFP"]),
    ("di Giulia Ferrante e Marco Bellandi – ANSA", ["Giulia Ferrante", "Marco Bellandi"], ["ANSA"]),
    ("Text: Nina Keller, SDA", ["Nina Keller"], ["SDA"]),
    ("Lars Bergstad, Nina Dahl, NTB Publisert 12.03.2024", ["Lars Bergstad", "Nina Dahl"], ["NTB"]),
    ("By THE ASSOCIATED PRESS", [], ["Associated Press"]),
    ("Von Felix Schröder (dpa)", ["Felix Schröder"], ["dpa"]),
])
def test_agencies_beside_reporters_are_kept_as_written(text: str, people: list[str], agencies: list[str]) -> None:
    found = split_byline(text)
    assert (found.people, found.agencies) == (people, agencies)


def test_an_agency_credited_twice_is_one_author() -> None:
    assert split_byline("Associated Press, AP").agencies == ["Associated Press"]
    assert agency_as_written("The Associated Press") == "Associated Press"
    assert agency_as_written("The Western Journal") is None


@pytest.mark.parametrize("text", ["By Staff Writer", "By Newsdesk", "Redaktion", "編集部", "CNBC.com staff"])
def test_a_generic_byline_is_a_credit_not_a_person(text: str) -> None:
    found = split_byline(text)
    assert found.people == [] and found.credit


def test_the_site_name_is_not_an_author_but_the_reporter_is() -> None:
    assert is_site_like("Deutsche Welle", ["Deutsche Welle"], "www.dw.com")
    assert is_site_like("Mdr De", [], "www.mdr.de")
    assert not is_site_like("Monika Bolliger", ["Deutsche Welle"], "www.dw.com")
    byline = split_byline("Monika Bolliger")
    assert choose_authors(["Deutsche Welle"], byline, ["Deutsche Welle"], "www.dw.com") == ["Monika Bolliger"]


def test_the_byline_spelling_wins_and_the_site_name_after_it_goes() -> None:
    byline = split_byline("By Timothy H.J. Nerozzi Fox News")
    assert choose_authors(["Timothy Nerozzi"], byline, ["Fox News"], "www.foxnews.com") == ["Timothy H.J. Nerozzi"]


def test_byline_split_over_elements_and_agency_credit_elements() -> None:
    page = tree("""<article><h1>Harbour reopens</h1>
      <span class="byline"><span itemprop="name">Tom Cary, </span><span class="job">Senior Correspondent</span>
        <span>and</span><span itemprop="name">Fiona Parker</span></span>
      <span class="agency">(연합뉴스)</span>
      <figure><img src="x.jpg"><figcaption><span class="credit">Photo: AFP</span></figcaption></figure>
    </article>""")
    found = page_byline(page)
    assert found.people == ["Tom Cary", "Fiona Parker"]
    assert found.agencies == ["연합뉴스"]  # the photo credit's AFP is no author


def test_an_unmarked_byline_of_an_older_layout() -> None:
    page = tree('<table><tr><td><font size="5"><b>Sewer upgrade approved</b></font><br>'
                '<font size="2"><b>By DONNA KESSLER, Staff Writer</b></font><br>By the end of the year</td></tr></table>')
    assert page_byline(page).people == ["Donna Kessler"]


# --- the publisher's own offset ----------------------------------------------------------------


def test_a_utc_date_is_shown_in_the_offset_another_declared_date_gives() -> None:
    utc = datetime(2019, 11, 20, 2, 59, 46, tzinfo=timezone.utc)
    local = datetime(2019, 11, 19, 20, 59, 46, tzinfo=timezone(timedelta(hours=-6)))
    shown = as_published_locally(utc, [local], [])
    assert shown == utc and shown.date() == date(2019, 11, 19) and shown.utcoffset() == timedelta(hours=-6)


def test_a_local_day_in_the_url_decides_the_day_and_the_instant_never_moves() -> None:
    utc = datetime(2019, 11, 20, 2, 59, 46, tzinfo=timezone.utc)
    shown = as_published_locally(utc, [], [date(2019, 11, 19)])
    assert shown == utc and shown.date() == date(2019, 11, 19)
    assert as_published_locally(utc, [], [date(2019, 11, 20)]).utcoffset() == timedelta(0)


def test_a_dateline_wall_clock_gives_the_offset() -> None:
    utc = datetime(2024, 3, 2, 21, 36, tzinfo=timezone.utc)
    shown = as_published_locally(utc, [], [], [datetime(2024, 3, 2, 16, 36)])
    assert shown == utc and shown.utcoffset() == timedelta(hours=-5)


def test_extraction_keeps_the_local_day_of_a_page_declaring_utc() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens",'
            ' "datePublished": "2019-11-20T02:59:46Z"}</script>'
            '<meta property="article:published_time" content="2019-11-19T20:59:46-06:00">')
    article = extract_article(f"<html><head>{head}</head><body><article><h1>Harbour reopens</h1>{STORY}"
                              f"</article></body></html>", "https://news.example/2019/11/19/harbour/")
    assert article is not None and article.published_at is not None
    assert article.published_at.isoformat() == "2019-11-19T20:59:46-06:00"


# --- titles --------------------------------------------------------------------------------------


def test_the_visible_headline_wins_over_an_seo_title() -> None:
    page = tree("<article><h1>Erdrutsch legt Bahnstrecke lahm</h1></article>")
    assert visible_title(page, "Reppischtal: Erdrutsch sperrt S19 | Abendpost", "og", []) == \
        ("Erdrutsch legt Bahnstrecke lahm", "h1")


def test_a_site_wide_h1_is_not_the_headline() -> None:
    page = tree('<header class="site-header"><h1>The Harbour Gazette</h1><nav><a href="/">Home</a></nav></header>'
                "<div><p>story</p></div>")
    assert headline_element(page, "Council approves budget", {"harbour gazette"}) is None
    assert visible_title(page, "Council approves budget", "og", ["The Harbour Gazette"]) == \
        ("Council approves budget", "og")


def test_an_older_page_title_keeps_the_part_shown_as_a_heading() -> None:
    page = tree('<table><tr><td><font size="5"><b>Reabren el camino a Las Cumbres</b></font></td></tr></table>')
    assert headline_segment(page, "El Heraldo :: Regionales :: Reabren el camino a Las Cumbres") == \
        "Reabren el camino a Las Cumbres"
    assert headline_segment(page, "Something else - El Heraldo") is None


# --- sections ------------------------------------------------------------------------------------


def test_the_kicker_above_the_headline_is_the_section() -> None:
    page = tree('<nav class="main-nav"><a href="/sport">Sport</a></nav>'
                '<article class="post category-news"><header class="article-header">'
                '<span class="eyebrow"><a href="/nj">New Jersey</a></span><h1>Harbour reopens after storm</h1>'
                '</header><div class="article-body section">text</div></article>')
    assert visible_section(page, headline_element(page, None)) == "New Jersey"


def test_no_kicker_no_section_and_the_url_segment_as_last_resort() -> None:
    page = tree("<article><h1>Harbour reopens after storm</h1><p>text</p></article>")
    assert visible_section(page, headline_element(page, None)) is None
    assert url_section("https://news.example/region/2024/03/17/erdrutsch/") == "Region"
    assert url_section("https://news.example/2024/03/17/erdrutsch/") is None
    assert url_section("https://news.example/en/story/123") is None


@pytest.mark.parametrize("text, language, expected", [
    ("Published Wed, Feb 28 2024 7:00 AM EST", "en", "2024-02-28T07:00:00-05:00"),
    ("3/4/2024 10:20 pm ET", "en", "2024-03-04T22:20:00-05:00"),  # US daylight time starts March 10
    ("July 4, 2024 9 AM PT", "en", "2024-07-04T09:00:00-07:00"),
    ("2 March 2024 • 9:36pm", "en", "2024-03-02T21:36:00"),
    ("Veröffentlicht am 17.03.2024, 23:10 Uhr", "de", "2024-03-17T23:10:00"),
    ("17. März 2024, 21.36 Uhr", "de", "2024-03-17T21:36:00"),
    ("Publié le 17 mars 2024 et mis à jour", "fr", "2024-03-17T00:00:00"),  # "et" is no zone
    ("17 de marzo de 2024 - 08:05 CET", "es", "2024-03-17T08:05:00+01:00"),
    ("04/03/2024 08:05", "it", "2024-03-04T08:05:00"),
    ("2024年3月17日 21:05", "ja", "2024-03-17T21:05:00"),
    ("2024년 3월 17일 오후", "ko", "2024-03-17T00:00:00"),
    ("17 марта 2024, 10:15", "ru", "2024-03-17T10:15:00"),
])
def test_dateline_texts_in_many_languages(text: str, language: str, expected: str) -> None:
    found, understood = read_dateline(text, language)
    assert understood and found is not None and found.isoformat() == expected


def test_a_text_without_a_date_is_not_understood() -> None:
    assert read_dateline("5:54 AM UTC", "en") == (None, False)
    assert read_dateline("Updated 3 hours ago", "en") == (None, False)


def test_explain_shows_the_byline_or_the_credit_and_the_section() -> None:
    from archive.article import Article
    from newscrawler.explain import Explanation, _describe

    out = Explanation("https://news.example/a")
    _describe(out, Article(url=out.url, title="Harbour reopens", text="story", authors=["Nina Keller", "SDA"],
                           section="Region"))
    _describe(out, Article(url=out.url, title="Harbour reopens", text="story", credit="Staff Writer"))
    steps = [text for topic, text in out.steps if topic in ("byline", "section")]
    assert steps == ["Nina Keller, SDA", "Region", "'Staff Writer' (a credit: no person named)"]


# --- older layouts ---------------------------------------------------------------------------------


def test_an_older_page_whose_title_names_only_the_site_takes_its_large_bold_heading() -> None:
    page = tree('<div id="header"><h1><a href="/">Riverton Daily Star</a></h1></div>'
                '<b><font size="+2">River crests at 24 feet; downtown spared</font></b><br>' + STORY)
    assert visible_title(page, "Riverton Daily Star - Printer friendly version", "title", []) == \
        ("River crests at 24 feet; downtown spared", "heading")


def test_a_blog_logo_h1_is_no_headline_and_the_title_part_shown_as_a_heading_is() -> None:
    html = ('<html><head><title>Lakeside News: Ferry service to resume next week</title></head><body>'
            '<div id="header"><h1><a href="http://lakeside.example/">Lakeside News</a></h1></div>'
            f'<div class="post"><h3 class="post-title">Ferry service to resume next week</h3>{STORY}</div></body></html>')
    article = extract_article(html, "http://lakeside.example/2007/08/ferry.html")
    assert article is not None and article.title == "Ferry service to resume next week"


def test_the_section_between_the_site_and_the_headline_of_a_title() -> None:
    assert title_section("Tri-County Gazette :: Local News :: Voters approve school", "Voters approve school",
                         ["Tri-County Gazette"]) == "Local News"
    assert title_section("Voters approve school - Gazette", "Voters approve school", []) is None


@pytest.mark.parametrize("line, people", [
    ("posted by Tom Becker at 4:05 PM", ["Tom Becker"]),
    ("April 7th, 2009 by Mark Ellison", ["Mark Ellison"]),
    ("par Jean-Luc Bessière, le mardi 20 novembre 2007", ["Jean-Luc Bessière"]),
    ("By Alicia Monroe<br>Post Staff Writer", ["Alicia Monroe"]),
    ("By Judy Harmon<br>Thursday, June 30, 2005", ["Judy Harmon"]),
])
def test_unmarked_bylines_of_older_pages(line: str, people: list[str]) -> None:
    page = tree(f"<table><tr><td><font size=4><b>Harbour reopens</b></font><br><small>{line}</small></td></tr></table>")
    assert page_byline(page).people == people


def test_an_illustration_credit_is_no_byline() -> None:
    page = tree('<figure><span class="caption__credit">Illustration by Millie von Platen</span></figure>'
                "<p><small>Illustration by Millie von Platen</small></p>")
    assert page_byline(page).people == []


def test_a_dateline_dates_a_page_that_declares_nothing() -> None:
    html = (f'<html><head><title>Gustav</title></head><body><h2>Residents return</h2>'
            f'<p class="timestamp">Posted on Tue, Sep. 02, 2008</p>{STORY}</body></html>')
    article = extract_article(html, "http://journal.example/news/story/381102.html")
    assert article is not None and article.published_at is not None
    assert (article.published_at.date(), article.date_source) == (date(2008, 9, 2), "text")


def test_a_breaking_news_ticker_or_flag_is_no_section() -> None:
    page = tree('<article><div class="ticker"><span class="ticker-label">Breaking</span></div>'
                '<span class="kicker">Live</span><h1>Harbour reopens after storm</h1></article>')
    assert visible_section(page, headline_element(page, None)) is None
