"""Older page layouts (2005-2010): layout tables, <br> paragraphs, <font>, print bars, comments.

The pages are ours (tests/data/oldlayouts, tests/data/metadata/old_*), labelled in
tests/golden/labels; `make bench-extraction` prints their body F1 beside news-dev's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from benchmarks.extraction import load_labelled, read_page, run_system, systems
from newscrawler.extract.boilerplate import is_comment_signature
from newscrawler.extract.extractor import extract_article, parse_html
from newscrawler.extract.oldlayout import is_layout_table, reshaped
from tests.support.cli import ROOT

pytestmark = pytest.mark.unit

PAGES = ROOT / "tests" / "data" / "oldlayouts"
LABELS = ROOT / "tests" / "golden" / "labels" / "oldlayouts"


def label(name: str) -> dict:
    return json.loads((LABELS / f"{name}.json").read_text(encoding="utf-8"))


def extracted(name: str) -> list[str]:
    article = extract_article(read_page(PAGES / f"{name}.html"), label(name)["url"])
    assert article is not None
    return article.text.split("\n")


# (page, lines that must not be in the text: header, bars, captions, related links, comments)
CASES = [
    ("en_valleytimes_zoning", ["Planners reject big-box store on Route 30", "Print this story | Email this story | "
                               "Write a letter to the editor", "Related stories", "Most e-mailed",
                               "Residents fill the Clearwater High School auditorium for Tuesday's hearing. "
                               "Times photo/Dana Cole"]),
    ("de_kurier_stadtrat_latin1", ["Von Sabine Hollerbach | 17.04.2008, 19:20 Uhr", "ANZEIGE",
                                   "Artikel drucken | Artikel versenden", "Mehr zum Thema"]),
    ("fr_depeche_greve_latin1", ["Robert, 20 novembre 2007", "Soutien total aux cheminots, ils se battent pour nous tous.",
                                 "Les grévistes sur les voies, mardi matin. Photo DDS, Michel Roux"]),
    ("en_weekly_library_indent", ["Other news this week:", "Road crews begin chip-sealing county roads - Drivers "
                                  "should expect delays on County Roads 4, 11 and 15 through mid-July."]),
    ("ja_shinpo_kaido_sjis_heldout", ["印刷する | メールで送る", "関連記事"]),
]


@pytest.mark.parametrize("name, boilerplate", CASES, ids=[c[0] for c in CASES])
def test_story_paragraphs_are_lines_and_boilerplate_is_gone(name: str, boilerplate: list[str]) -> None:
    lines = extracted(name)
    assert lines == label(name)["body"]  # each paragraph its own line, nothing else
    for line in boilerplate:
        assert line not in lines


def test_data_table_in_an_old_story_survives_as_rows() -> None:
    lines = extracted("en_ca_record_election_table")
    assert "Diane Holt | 4,108 | 47.0" in lines and "Sam Okafor | 839 | 9.6" in lines
    assert "Related" not in lines and "Candidates square off at forum" not in lines


def test_reshaping_works_on_a_copy_and_leaves_modern_pages_alone() -> None:
    modern = parse_html("<html><body><article><p>One.</p><p>Two.</p>"
                        "<table><tr><th>Team</th><th>Points</th></tr><tr><td>Reds</td><td>12</td></tr></table>"
                        "</article></body></html>")
    assert reshaped(modern).tree is modern
    old = parse_html("<html><body><table><tr><td><a href='/'>Home</a></td><td>" + "word " * 30
                     + "<br><br>" + "more " * 30 + "</td></tr></table></body></html>")
    before = etree.tostring(old)
    result = reshaped(old)
    assert result.tree is not old and etree.tostring(old) == before  # the crawl's tree is shared
    assert result.layout_tables == 1 and result.break_containers == 1
    cell = result.tree.find(".//body/div/div/div[2]")
    assert [p.text.split()[0] for p in cell.findall("p")] == ["word", "more"]


@pytest.mark.parametrize("html, layout", [
    ("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", False),
    ("<table><tr><td><p>4,108</p></td><td><p>47.0</p></td></tr></table>", False),  # a CMS's <p> in data cells
    ("<table><tr><td>Nav</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>", True),
    ("<table><tr><td>Only cell</td></tr><tr><td>Second row</td></tr></table>", True),
    ("<table role='presentation'><tr><td>a</td><td>b</td></tr></table>", True),
    ("<table><tr><td>x</td><td>" + "word " * 25 + "<br><br>" + "word " * 5 + "</td></tr></table>", True),
])
def test_layout_or_data_table(html: str, layout: bool) -> None:
    table = parse_html(f"<html><body>{html}</body></html>").find(".//table")
    assert is_layout_table(table) is layout


@pytest.mark.parametrize("line, signature", [
    ("Robert, 20 novembre 2007", True),
    ("Jacques49 le 10/09/2009 à 12h14", True),
    ("Uwe aus Arnis schrieb am 02.03.2009 um 15:30 Uhr:", True),
    ("At 4:31 PM, Anonymous said...", True),
    ("Update: February 29, 2024", False),
    ("The hearing is set for 10:30 a.m. on March 4.", False),
    ("Published 3/14/2008 4:12 PM ET", False),
])
def test_comment_signature(line: str, signature: bool) -> None:
    assert is_comment_signature(line) is signature


@pytest.mark.slow
def test_old_layout_set_beats_plain_trafilatura() -> None:
    pages = load_labelled()
    assert len(pages) >= 30
    found = systems()
    ours = run_system("ours", found["extract_article"], pages).summary()
    plain = run_system("plain", found["trafilatura.extract"], pages).summary()
    assert ours["f1"] >= 0.95 and ours["f1"] > plain["f1"] + 0.05


def test_every_label_names_its_page() -> None:
    for path in LABELS.glob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        assert (PAGES / entry["file"]).is_file() and entry["body"] and entry["language"], path.name
        assert Path(entry["file"]).stem == path.stem
