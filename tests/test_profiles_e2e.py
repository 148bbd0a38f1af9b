"""Publisher profiles end to end: a crawl of a loopback site with a [site.profile] stores what the
profile selects, reextract with and without --sources, and sources check --url against the site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import QuietHandler, free_port, serving

pytestmark = pytest.mark.e2e

HARBOR = (Path(__file__).parent / "data" / "profiles" / "harbor.html").read_bytes()
ARTICLE = "/2019/11/19/old-swing-bridge-to-close/"
HEADLINE = "Old swing bridge to close for a year of repairs"
LETTERS = "I have crossed that bridge twice a day"
PROFILE = """
[site.profile]
title = ".story-head .headline-text"
authors = ".credits .writer"
date = "p.stamp"
body = "div.story-text"
section = "//div[@class='kicker']"
drop = [".newsletter-signup"]
"""
STORED = "SELECT title, title_source, authors, published_at, date_source, section, text FROM articles"


class HarborHandler(QuietHandler):
    """A home page linking to one article (tests/data/profiles/harbor.html); 404 for the rest."""

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path == "/":
            self.reply(200, f'<html><body><h1>Harbor Herald</h1><a href="{ARTICLE}">Bridge</a></body></html>'.encode())
        elif self.path == ARTICLE:
            self.reply(200, HARBOR)
        else:
            self.reply(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def harbor() -> Iterator[str]:
    with serving(HarborHandler) as url:
        yield url


def sources_file(tmp_path: Path, base: str, profile: str = PROFILE) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[site]]\nname = "Harbor Herald"\nurl = "{base}/"\n{profile}', encoding="utf-8")
    return path


def test_crawl_applies_the_profile_and_reextract_reapplies_it(harbor: str, tmp_path: Path) -> None:
    sources, db = sources_file(tmp_path, harbor), tmp_path / "news.sqlite3"
    result = cli("crawl", "--sources", str(sources), "--db", str(db), *LOCAL, "-s", "EXTRACTION_WORKERS=1")
    assert result.code == 0, result.stderr
    ((title, title_source, authors, published, date_source, section, text),) = rows(db, STORED)
    assert (title, title_source, date_source, section) == (HEADLINE, "profile", "profile", "Waterfront")
    assert json.loads(authors) == ["Marta Lindqvist", "Tomas Ortega"]
    assert published.startswith("2019-11-19T20:59:00")
    assert text.startswith("The swing bridge") and LETTERS not in text

    general = cli("reextract", "--db", str(db))  # the general rules alone: the page's own (wrong) values
    assert general.code == 0 and "1 updated" in general.stderr, general.stderr
    ((title, title_source, *_, text),) = rows(db, STORED)
    assert (title, title_source) == ("Subscribe today and save 50%", "og") and LETTERS in text

    again = cli("reextract", "--sources", str(sources), "--db", str(db))
    assert again.code == 0, again.stderr
    assert "re-extracted 1 articles (1 with a publisher profile): 1 updated" in again.stderr
    ((title, title_source, *_, text),) = rows(db, STORED)
    assert (title, title_source) == (HEADLINE, "profile") and LETTERS not in text
    assert rows(db, "SELECT count(*) FROM article_versions") == [(3,)]  # each title change kept

    explained = cli("explain", harbor + ARTICLE, "--from-archive", "--sources", str(sources), "--db", str(db))
    assert explained.code == 0, explained.stderr
    assert "the site's publisher profile applies (title, authors, date, body, section, drop)" in explained.stdout
    assert f"'{HEADLINE}' (from profile)" in explained.stdout
    assert "2019-11-19T20:59:00+00:00 (from profile)" in explained.stdout
    plain = cli("explain", harbor + ARTICLE, "--from-archive", "--db", str(db))
    assert plain.code == 0 and "(from og)" in plain.stdout and "publisher profile" not in plain.stdout


def test_sources_check_url_shows_each_field_without_and_with_the_profile(harbor: str, tmp_path: Path) -> None:
    no_section = PROFILE.replace("section = \"//div[@class='kicker']\"", 'section = "nav.breadcrumb"')
    sources = sources_file(tmp_path, harbor, no_section)
    result = cli("sources", "check", str(sources), "--url", harbor + ARTICLE, "--format", "json")
    assert result.code == 0, result.stderr
    fields = {r["field"]: r for r in json.loads(result.stdout)}
    assert list(fields) == ["title", "authors", "published", "section", "words", "first_line", "drop"]
    assert fields["title"]["without_profile"] == "Subscribe today and save 50% (og)"
    assert fields["title"]["with_profile"] == f"{HEADLINE} (profile)"
    assert fields["authors"]["with_profile"] == ["Marta Lindqvist", "Tomas Ortega"]
    assert fields["published"]["with_profile"].endswith("(profile)")
    assert fields["section"] == {"field": "section", "selector": "nav.breadcrumb", "matched": "no match",
                                 "without_profile": None, "with_profile": None}  # the general value stays
    assert fields["words"]["with_profile"] < fields["words"]["without_profile"]
    assert fields["drop"]["matched"] == "1 element removed"

    table = cli("sources", "check", str(sources), "--url", harbor + ARTICLE)
    assert table.code == 0 and f"Harbor Herald: {harbor}{ARTICLE}" in table.stdout
    assert "without profile" in table.stdout and "no match" in table.stdout


def test_sources_check_url_fails_in_one_line_naming_the_url(harbor: str, tmp_path: Path) -> None:
    missing = cli("sources", "check", str(sources_file(tmp_path, harbor)), "--url", harbor + "/gone")
    assert missing.code == 1 and missing.stderr.strip() == f"Error: cannot fetch {harbor}/gone: HTTP 404 Not Found"
    closed = f"http://127.0.0.1:{free_port()}"
    refused = cli("sources", "check", str(sources_file(tmp_path, closed)), "--url", closed + "/x")
    assert refused.code == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert refused.stderr.startswith(f"Error: cannot fetch {closed}/x: ")
    elsewhere = cli("sources", "check", str(sources_file(tmp_path, harbor)), "--url", "https://elsewhere.test/a")
    assert elsewhere.code == 1 and "its site (elsewhere.test) is not in" in elsewhere.stderr


def test_sources_check_lists_profiles_and_compares_a_saved_page(harbor: str, tmp_path: Path) -> None:
    sources = sources_file(tmp_path, harbor)
    listed = cli("sources", "check", str(sources), "--format", "json")
    assert listed.code == 0, listed.stderr
    (site,) = json.loads(listed.stdout)
    assert site["profile"]["title"] == ".story-head .headline-text" and site["profile"]["drop"] == [".newsletter-signup"]
    table = cli("sources", "check", str(sources))
    assert f"Harbor Herald: {harbor}/ (profile: title, authors, date, body, section, drop)" in table.stdout
    saved = tmp_path / "saved.html"
    saved.write_bytes(HARBOR)
    offline = cli("sources", "check", str(sources), "--html", str(saved), "--format", "jsonl")  # the one profiled site
    assert offline.code == 0, offline.stderr
    title = json.loads(offline.stdout.splitlines()[0])
    assert title["with_profile"] == f"{HEADLINE} (profile)"
