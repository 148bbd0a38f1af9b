"""Publisher profiles: selector compilation and errors, sources.toml's [site.profile], and
extract_article with a profile on a page where the general rules go wrong (tests/data/profiles)."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newscrawler.extract.extractor import extract_article
from newscrawler.extract.profile import (
    Profile,
    SelectorError,
    author_names,
    compile_profile,
    compile_selector,
    first_text,
    pruned,
)
from newscrawler.process.page import PageJob, process_page
from newscrawler.process.worker import job_frame, read_job
from newscrawler.sources import SiteRules, parse_sources

pytestmark = pytest.mark.unit

DATA = Path(__file__).parent / "data" / "profiles"
HARBOR = (DATA / "harbor.html").read_text(encoding="utf-8")
URL = "https://www.harbor-herald.test/news/bridge-closes"
HARBOR_PROFILE = Profile(title=".story-head .headline-text", authors=".credits .writer", date="p.stamp",
                         body="div.story-text", section=".kicker", drop=(".newsletter-signup",))
STORY_START = "The swing bridge that has carried traffic"
LETTERS = "I have crossed that bridge twice a day"


def tree(markup: str):
    return lxml_html.fromstring(markup)


# --- selectors --------------------------------------------------------------------------


@pytest.mark.parametrize(("selector", "expected"), [
    ("h1.headline", "Real"),
    ("//h1[@class='headline']", "Real"),
    ("(//h1)[2]", "Real"),
    ("time::attr(datetime)", "2019-11-19T20:59:00-06:00"),
    ("time/@datetime", "2019-11-19T20:59:00-06:00"),
    ("h1.headline::text", "Real"),
    ("string(//h1[2])", "Real"),
    ("H1.headline", "Real"),  # HTML element names are case-insensitive
    ("normalize-space(//h1[@class])", "Real"),
    ("./body/h1[2]", "Real"),
])
def test_css_and_xpath_selectors(selector: str, expected: str) -> None:
    page = tree("<html><body><h1>Site</h1><h1 class='headline'> Real </h1>"
                "<time datetime='2019-11-19T20:59:00-06:00'>Nov 19</time></body></html>")
    assert first_text(page, compile_selector(selector)) == expected


@pytest.mark.parametrize(("selector", "kind"), [
    ("div.article[", "not a valid CSS selector"),
    ("a::attr(href", "not a valid CSS selector"),
    ("//div[", "not a valid XPath"),
    ("(//p", "not a valid XPath"),
    ("//p/nosuchaxis::a", "not a valid XPath"),
    ("//a[@x='1']]", "not a valid XPath"),
    ("   ", "empty"),
])
def test_bad_selectors_are_errors(selector: str, kind: str) -> None:
    with pytest.raises(SelectorError, match=kind) as caught:
        compile_selector(selector, "title")
    assert caught.value.field == "title" and caught.value.selector == selector


def test_a_profile_is_compiled_once_and_travels_as_data() -> None:
    assert compile_profile(HARBOR_PROFILE) is compile_profile(Profile(**HARBOR_PROFILE.__dict__))
    assert pickle.loads(pickle.dumps(HARBOR_PROFILE)) == HARBOR_PROFILE
    assert Profile.from_dict(HARBOR_PROFILE.to_dict()) == HARBOR_PROFILE
    assert Profile.from_dict({}) is None and Profile.from_dict({"drop": []}) is None


@pytest.mark.parametrize(("byline", "name"), [
    ("By Jane Doe", "Jane Doe"), ("BY: Jane Doe", "Jane Doe"), ("Par Jean Dupont", "Jean Dupont"),
    ("Von Jemima Kelly", "Jemima Kelly"), ("Von der Leyen", "Von der Leyen"), ("Von Miller", "Von Miller"),
    ("Byron Bay", "Byron Bay"), ("Avery Jones", "Avery Jones"), ("  Ursula von der Leyen ,", "Ursula von der Leyen"),
])
def test_each_author_match_is_one_name_without_its_byline_prefix(byline: str, name: str) -> None:
    page = tree(f"<div><span class='a'>{byline}</span><span class='a'>{byline}</span><span class='a'> </span></div>")
    assert author_names(page, compile_selector(".a")) == [name]


def test_drop_works_on_a_copy_and_keeps_the_text_after_a_dropped_element() -> None:
    page = tree("<div><p>One <span class='ad'>AD</span> two</p><aside>x</aside></div>")
    compiled = compile_profile(Profile(drop=(".ad", "//aside")))
    copy = pruned(page, compiled)
    assert copy.text_content() == "One  two"
    assert page.text_content() == "One AD twox"  # the crawl's tree is read-only


# --- sources.toml ----------------------------------------------------------------------


def test_sources_profile_errors_name_file_line_site_and_field() -> None:
    text = """[[site]]
name = "Harbor"
url = "https://www.harbor-herald.test/"

[site.profile]
title = ".story-head .headline-text"
body = "div.story-text["
section = "//nav/li[last()"
drop = [".promo", 3]
colour = "red"

[[site]]
url = "https://other.test/"
profile = { authors = "a::attr(href" }
"""
    sources, errors = parse_sources(text, "my.toml")
    assert [str(e) for e in errors] == [
        "my.toml:7: profile.body: bad selector 'div.story-text[': not a valid CSS selector "
        "(Expected ident or '*', got <EOF at 15>) (site 'Harbor')",
        "my.toml:8: profile.section: bad selector '//nav/li[last()': not a valid XPath (Invalid predicate) "
        "(site 'Harbor')",
        "my.toml:9: profile.drop: must be a list of selectors (non-empty strings)",
        "my.toml:10: profile.colour: unknown profile field (known: title, authors, date, body, section, drop)",
        "my.toml:14: profile.authors: bad selector 'a::attr(href': not a valid CSS selector "
        "(Expected an argument, got <EOF at 12>) (site 'other.test')",
    ]
    assert sources == []


def test_sources_profile_reaches_the_site_rules() -> None:
    text = f"""[[site]]
url = "https://www.harbor-herald.test/"
[site.profile]
title = "{HARBOR_PROFILE.title}"
drop = ".newsletter-signup"

[[site]]
url = "https://plain.test/"
"""
    sources, errors = parse_sources(text)
    assert errors == []
    assert sources[0].profile == Profile(title=HARBOR_PROFILE.title, drop=(".newsletter-signup",))
    assert sources[1].profile is None
    rules = SiteRules([s.to_dict() for s in sources])
    assert rules.profile("https://harbor-herald.test/x") == sources[0].profile
    # As a resumed crawl reads them back from the run's stored arguments (JSON):
    resumed = SiteRules(json.loads(json.dumps([s.to_dict() for s in sources])))
    assert resumed.profile("https://www.harbor-herald.test/y") == sources[0].profile
    assert rules.profile("https://plain.test/x") is None
    assert rules.profile("https://elsewhere.test/x") is None


# --- extraction ------------------------------------------------------------------------


def test_the_general_rules_go_wrong_on_the_page() -> None:
    article = extract_article(HARBOR, URL)
    assert article is not None
    assert (article.title, article.title_source) == ("Subscribe today and save 50%", "og")
    assert article.authors == ["Marta Lindqvist"]
    assert article.date_source == "meta" and article.published_at.year == 2024
    assert article.section is None
    assert LETTERS in article.text


def test_the_profile_fixes_title_authors_date_section_and_body() -> None:
    article = extract_article(HARBOR, URL, HARBOR_PROFILE)
    assert article is not None
    assert (article.title, article.title_source) == ("Old swing bridge to close for a year of repairs", "profile")
    assert article.authors == ["Marta Lindqvist", "Tomas Ortega"]
    assert (article.published_at, article.date_source) == (datetime(2019, 11, 19, 20, 59, tzinfo=timezone.utc),
                                                           "profile")
    assert article.section == "Waterfront"
    assert article.text.startswith(STORY_START)
    assert LETTERS not in article.text and "Sign up for the morning briefing" not in article.text
    assert "Our readers love us" not in article.markdown
    assert len(article.text.splitlines()) == 5


def test_drop_alone_removes_a_block_the_general_rules_keep() -> None:
    article = extract_article(HARBOR, URL, Profile(drop=("div.letters",)))
    assert article is not None and LETTERS not in article.text and article.text.startswith(STORY_START)
    assert article.title_source == "og"  # nothing else changes


def test_selectors_that_match_nothing_leave_the_general_values() -> None:
    general = extract_article(HARBOR, URL)
    nothing = Profile(title="h1.none", authors="//span[@class='none']", date="time.none", body="#none",
                      section=".none", drop=(".none",))
    assert extract_article(HARBOR, URL, nothing) == general


def test_a_date_attribute_keeps_its_zone_and_a_date_that_does_not_parse_is_ignored() -> None:
    page = HARBOR.replace('<p class="stamp">', '<p class="stamp"><time datetime="2019-11-19T20:59:00-06:00">x</time>')
    article = extract_article(page, URL, Profile(date="time::attr(datetime)"))
    assert article is not None and article.published_at.isoformat() == "2019-11-19T20:59:00-06:00"
    unread = extract_article(HARBOR, URL, Profile(date=".kicker"))  # "Waterfront" is no date
    assert unread is not None and unread.date_source == "meta"


def test_an_xpath_string_result_is_a_value() -> None:
    article = extract_article(HARBOR, URL, Profile(title="normalize-space(//span[@class='headline-text'])"))
    assert article is not None and article.title == "Old swing bridge to close for a year of repairs"


def test_a_bad_hand_made_profile_falls_back_to_the_general_rules(caplog: pytest.LogCaptureFixture) -> None:
    assert extract_article(HARBOR, URL, Profile(title="h1[")) == extract_article(HARBOR, URL)
    assert "publisher profile not applied" in caplog.text


def test_the_crawl_job_carries_the_profile_to_the_worker() -> None:
    job = PageJob(URL, HARBOR.encode(), "text/html; charset=utf-8", single=True, profile=HARBOR_PROFILE)
    frame = b"".join(job_frame(job))
    import io

    assert read_job(io.BytesIO(frame)) == job
    result = process_page(job)
    assert result.article is not None and result.article.title_source == "profile"
    assert process_page(PageJob(URL, HARBOR.encode(), "text/html", single=True)).article.title_source == "og"


def test_the_check_compares_each_field_and_says_what_matched() -> None:
    from newscrawler.profilecheck import SamplePage, compare

    profile = Profile(title=HARBOR_PROFILE.title, date="p.none", body="div.story-text", drop=(".newsletter-signup",))
    records = {r["field"]: r for r in compare(SamplePage(URL, HARBOR), profile)}
    assert records["title"]["matched"] == "Old swing bridge to close for a year of repairs"
    assert records["published"] == {"field": "published", "selector": "p.none", "matched": "no match",
                                    "without_profile": "2024-01-02T08:00:00+00:00 (meta)",
                                    "with_profile": "2024-01-02T08:00:00+00:00 (meta)"}
    assert records["authors"]["selector"] is None and records["authors"]["matched"] is None
    assert records["words"]["matched"] == f"1 element, {records['words']['with_profile']} words"  # after drop
    assert records["drop"]["matched"] == "1 element removed"
    plain = {r["field"]: r for r in compare(SamplePage(URL, HARBOR), None)}
    assert "drop" not in plain and plain["title"]["without_profile"] == plain["title"]["with_profile"]


def test_a_body_selector_may_match_several_elements_and_nested_matches_count_once() -> None:
    article = extract_article(HARBOR, URL, Profile(body="div.story-text > p, div.story-text"))
    assert article is not None and article.text.startswith(STORY_START) and LETTERS not in article.text
    assert len(article.text.splitlines()) == 5  # the paragraphs inside div.story-text are not doubled
    paragraphs = extract_article(HARBOR, URL, Profile(body="//div[@class='story-text']/p[position() > 3]"))
    assert paragraphs is not None and paragraphs.text.splitlines()[0].startswith("Shop owners on Quay Street")
