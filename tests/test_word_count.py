"""Word counts in languages written without spaces (Chinese, Japanese, Thai), in Korean, in mixed
text, and what they decide: the minimum-words gate and the article decision on such pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.article import Article, count_words, words_in
from newscrawler.config import setting_default
from newscrawler.extract.extractor import extract_article, extract_parsed, parse_html
from newscrawler.process.classify import classify_page

pytestmark = pytest.mark.unit

PAGES = Path(__file__).parent / "data" / "metadata"
MIN_WORDS = setting_default("ARTICLE_MIN_WORDS")

# Samples written for these tests, with the words ICU's dictionary word breaker (ICU 72,
# ubrk_open(UBRK_WORD), words of a rule status other than NONE) finds in them.
JAPANESE = "東京都は新しい防災計画を発表した。"  # 16 Han/kana; ICU: 9 words
CHINESE = "市政府今天宣布新的公共交通计划。"  # 15 Han; ICU: 7
KOREAN = "서울시는 오늘 새로운 대중교통 계획을 발표했다."  # ICU: 6, as the spaces say
THAI = "กรุงเทพมหานครประกาศแผนพัฒนาระบบขนส่ง"  # 36 code points; ICU: 6
THAI_NEWS = """กรุงเทพมหานครประกาศแผนพัฒนาระบบขนส่งสาธารณะใหม่ เพื่อลดปัญหาการจราจรติดขัดในเขตเมืองชั้นใน โดยจะเพิ่มจำนวนรถโดยสารไฟฟ้าอีกสองร้อยคันภายในสิ้นปีนี้
ผู้ว่าราชการกรุงเทพมหานครกล่าวว่าโครงการนี้จะช่วยลดมลพิษทางอากาศและทำให้ประชาชนเดินทางได้สะดวกมากขึ้น นอกจากนี้ยังมีแผนสร้างทางจักรยานเชื่อมต่อกับสถานีรถไฟฟ้าหลายแห่ง
กรมอุตุนิยมวิทยาเตือนว่าฝนจะตกหนักในภาคใต้ตลอดสัปดาห์นี้ ประชาชนที่อาศัยอยู่ริมแม่น้ำควรเตรียมพร้อมรับมือกับน้ำท่วม และติดตามข่าวสารจากหน่วยงานราชการอย่างใกล้ชิด"""  # ICU: 108
# ICU's words in the extracted text of the pages of tests/data/metadata.
ICU_WORDS = {"ja_minato_yojo_furyoku.html": 608, "ja_toto_demand_kotsu.html": 891,
             "zh_chenguang_wurenjiashi.html": 639, "zh_nanhu_laojie.html": 486, "ko_hanbit_sanbul.html": 331,
             "en_ledger_owl_buses.html": 274}


@pytest.mark.parametrize(("text", "words"), [
    ("The harbor ferry resumed on Monday.", 6),
    ("L'été, c'est ça — 2026!", 6),  # \w+ tokens, as before
    ("Паром снова ходит", 3),
    ("", 0),
    ("。、「」！", 0),  # CJK punctuation is no word
    (JAPANESE, 10),  # ceil(16 / 1.6)
    (CHINESE, 10),  # ceil(15 / 1.6)
    (KOREAN, 6),  # Hangul: as the spaces say
    (THAI, 9),  # ceil(36 / 4)
    ("東", 1),
    ("コンピューター", 5),  # katakana with its long vowel mark ー
])
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words_in(text) == words


def test_mixed_text_counts_every_part() -> None:
    assert words_in(f"Reuters reported: {JAPANESE} (2026)") == 3 + 10
    assert words_in(f"{CHINESE} iPhone 17 {CHINESE}") == 2 + 19  # ceil(30 / 1.6): the Han counted together
    assert words_in(f"{KOREAN} {THAI} ok") == 6 + 9 + 1


@pytest.mark.parametrize("page", sorted(ICU_WORDS))
def test_counts_near_a_dictionary_word_breaker_on_news_pages(page: str) -> None:
    """Within 10% of ICU's count: a word count means about the same length in every language."""
    html = (PAGES / page).read_text(encoding="utf-8")
    article = extract_article(html, "https://www.example.com/news/2026/03/02/story/")
    assert article is not None
    assert abs(article.word_count - ICU_WORDS[page]) <= 0.1 * ICU_WORDS[page]


def test_thai_news_text_near_a_dictionary_word_breaker() -> None:
    assert abs(words_in(THAI_NEWS) - 108) <= 0.1 * 108


def test_latin_text_counts_as_before() -> None:
    text = "The harbor bridge reopened on Monday, officials said — 5,000 cars crossed “in an hour”.\n" * 50
    assert words_in(text) == len(re.findall(r"\w+", text))


def test_a_long_japanese_story_passes_the_minimum_words_gate() -> None:
    html = (PAGES / "ja_toto_demand_kotsu.html").read_text(encoding="utf-8")
    article = extract_article(html, "https://www.example.jp/news/2026/0302/")
    assert article is not None and len(article.text) > 1500
    assert article.word_count >= 10 * MIN_WORDS  # about 900 words (ICU: 891); by spaces, 12 "words"


def test_a_short_japanese_story_is_not_too_short() -> None:
    """Three paragraphs, about 130 characters: a short story, as long as 80-odd English words."""
    text = "\n".join([
        "東京都は二日、大雨に備えた新しい防災計画を発表した。",
        "計画では、河川の水位を監視するセンサーを都内の百か所に設置し、避難情報を住民のスマートフォンに直接届ける。",
        "都の担当者は「災害の前に、住民が自分で判断できる情報を届けたい」と話している。",
    ])
    assert Article(url="u", title="防災計画", text=text).word_count >= MIN_WORDS
    assert len(re.findall(r"\w+", text)) < MIN_WORDS  # what the old count said


@pytest.mark.parametrize("page", ["ja_minato_yojo_furyoku.html", "zh_nanhu_laojie.html"])
def test_a_cjk_story_reads_as_prose(page: str) -> None:
    """At a URL that says nothing (no date, no slug), the story's words and paragraphs decide; the
    Chinese and Japanese ones count as the prose they are (they were "not_prose" by clauses)."""
    html = (PAGES / page).read_text(encoding="utf-8")
    url = "https://www.example.com/p?id=7"
    tree = parse_html(html)
    decision = classify_page(url, tree, extract_parsed(tree, len(html), url))
    assert decision.is_article, decision


def test_an_article_from_a_worker_brings_its_word_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker counts the words (the article decision needs them); the crawling process, which
    validates and stores the article, does not count them again; a changed text is counted anew."""
    import pickle

    import archive.article

    article = Article(url="https://news.example/a", title="t", text="Three words here\nand two")
    assert article.word_count == 5
    received = pickle.loads(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    assert received == article and received == Article(url="https://news.example/a", title="t", text=article.text)

    def no_count(text: str) -> int:
        raise AssertionError("counted again")

    monkeypatch.setattr(archive.article, "count_words", no_count)
    assert received.word_count == 5
    monkeypatch.undo()
    received.text = "Now four words here"
    assert received.word_count == 4
