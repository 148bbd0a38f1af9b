"""Line-level boilerplate rules applied after the main-content extractor.

The extractor (trafilatura, in :mod:`newscrawler.extract.extractor`) finds the article
region; what leaks from it are furniture lines: the repeated title, category labels,
"Published" / "on" date blocks and timestamps, captions and credits, player controls,
share bars, promos, "Related"/"More from" teaser lists, author bios, the standfirst.
Each rule is general (no site names) and looks either at the line itself or at what
the source page says about that exact text (a block made only of links, a teaser
card, a caption, an image alt text, the page title, the page description).

No trafilatura here; lxml trees come in from :mod:`newscrawler.extract.extractor`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from archive.article import words_in
from newscrawler.extract.embeds import is_embedded
from newscrawler.extract.metadata.trees import marked_matching, text_nodes_containing

_WORD = re.compile(r"\w+")
_ALNUM = re.compile(r"[^\W_]")
TEASER_MAX_WORDS = 40  # a teaser blurb is shorter than this; a story paragraph often is not
CARD_MAX_CHARS = 600
HEADER_MAX_WORDS = 12  # the article header ends at the first line this long (a story sentence)  # a teaser card (headline link + blurb) is smaller than this
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "figcaption"})
# Boxes that may frame an image and its caption (older pages: a one-cell table, a div, <center>).
_FRAMES = frozenset({"div", "td", "table", "center", "span", "font", "tr", "tbody"})
FRAME_MAX_CHARS = 300
# figcaption, or a class with [Cc]aption / [Cc]redit in it
_CAPTION_CLASSES = ("aption", "redit")  # caption, Caption, credit, photo-credit ... (as written)
_CAPTION_MARK = re.compile("aption|redit")  # candidates among the page's marks, checked as above

# A whole line that is furniture, whatever the page (matched case-insensitively).
_FURNITURE = re.compile(
    r"""^(?:
      (?:published|updated|posted|last\ updated|modified)(?:\ on)?:?
    | on | by | and | at | share | tweet | email | print | comments? | \d+\ comments? | comments?\ \(\d+\)
    | \d+(?:[.,]\d+)?\ ?x                                  # playback speed: 1x, 1.5x
    | (?:\d{1,2}:)?\d{1,2}:\d{2}(?:\ ?/\ ?(?:\d{1,2}:)?\d{1,2}:\d{2})?   # 0:00, 00:00 / 4:32
    | (?:listen|play|pause|mute|unmute|playback\ speed|speed|audio)
    | listen\ to\ (?:this|the)\ (?:article|story|podcast|episode)(?:\ \d.*)?
    | \d+\ min(?:ute)?s?\ (?:read|listen)
    | share\ (?:this|on|via|the)\b.* | copy\ (?:the\ )?link | link\ copied
    | connect\ with\ us | follow\ us\b.* | stay\ connected | social\ media
    | .*\b(?:swipe|scroll)\ (?:left|right|up|down|to|for)\b.*
    | advertisement | sponsored(?:\ content)? | story\ continues\ below(?:\ (?:the\ )?advertisement)?
    | anzeige | werbung | publicidad | publicidade | publicité | pubblicità | advertentie | annons | annonse
    | reklame | reklama | mainos | реклама | 광고 | 広告 | skip\ to\b.* | back\ to\ top | scroll\ to\ continue.*
    | (?:show|load|view)\ (?:more|less|comments).* | leave\ a\ (?:reply|comment).* | add\ a\ comment
    | (?:sign\ up|subscribe)(?:\ now|\ today|\ here)? | newsletter | all\ rights\ reserved.*
    | (?:image|photo|photograph|picture|video)(?:\ credit)?s?
    )[.:!]?$""",
    re.IGNORECASE | re.VERBOSE,
)

# A line starting like this is a promo/credit line (checked on lines up to ~40 words).
_PROMO_START = re.compile(
    r"""^(?:
      click\ here | sign\ up\ (?:for|to|here) | subscribe\ (?:to|for|now|today) | join\ our\b
    | want\ to\ (?:bookmark|read|get|know)\b.*(?:subscri|sign\ up|premium|newsletter)
    | download\ (?:the|our)\b.*\bapp\b | get\ (?:the|our)\b.*\b(?:app|newsletter)\b
    | (?:read|see)\ (?:more|also|next)\s*: | related(?:\ \w+)?\s*: | more\ on\ this\b.*:
    | (?:photo|image|picture|video|credit|source)s?\s*(?:credit)?\s*:
    | © | copyright\s+(?:©|\(c\)|\d{4})
    | (?:article|story|page)\ (?:url|link|address)\s*:
    | (?:labels|tags|tagged|filed\ under|categories|keywords|schlagworte|stichwörter|mots-clés|etiquetas|tag)\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# A short heading after which only related/recommended material follows.
_TAIL_HEADING = re.compile(
    r"""^(?:
      related(?:\ (?:articles?|stories|posts|content|coverage|news|reading|topics|links))?
    | more\ (?:from|on|in|stories|news|to\ read|like\ this)\b.* | read\ (?:more|next)\b.*
    | (?:recommended|suggested)(?:\ for\ you|\ stories|\ articles|\ reading)?
    | most\ (?:read|popular|viewed|shared|watched)\b.* | popular(?:\ (?:now|stories|posts))?
    | trending(?:\ (?:now|stories|news))? | you\ (?:may|might)\ also\ (?:like|enjoy)\b.*
    | (?:top|latest|recent|other)\ (?:stories|news|posts|articles|headlines)(?:\ (?:this|today|from)\b.*)?
    | editor'?s?’?s?\ picks? | what\ to\ read\ next | around\ the\ web
    | mehr\ zum\ thema | weitere\ (?:artikel|meldungen|nachrichten) | meistgelesen | meist\ gelesen
    | sur\ le\ même\ sujet | à\ lire\ aussi | lire\ aussi | les\ plus\ lus
    | noticias\ relacionadas | lo\ más\ leído | (?:te\ puede\ )?interesar | leia\ (?:mais|também) | mais\ lidas
    | articoli\ correlati | i\ più\ letti | leggi\ anche | gerelateerd(?:\ nieuws)? | meest\ gelezen
    | läs\ (?:också|mer) | mest\ lästa | les\ også | mest\ leste | zobacz\ (?:także|też) | najczęściej\ czytane
    | другие\ новости | читайте\ также | по\ теме
    | 関連記事 | 関連ニュース | 相关新闻 | 相关阅读 | 相關新聞 | 관련\ ?기사 | 관련\ ?뉴스
    )[.:!]?$""",
    re.IGNORECASE | re.VERBOSE,
)

_BIO_ROLE = re.compile(
    r"\b(?:is|has been|serves as)\b.{0,80}\b(?:writer|reporter|editor|correspondent|journalist|"
    r"columnist|contributor|producer|author|anchor|host|intern|fellow|critic)\b",
    re.IGNORECASE,
)
_NAME_START = re.compile(r"^(?:[A-Z][\w'’.-]+\s){1,3}(?:is|was|has|covers|writes|joined|reports)\b")


_DATE_WORDS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september "
    "oct october nov november dec december mon monday tue tues tuesday wed wednesday thu thur thurs "
    "thursday fri friday sat saturday sun sunday am pm a m p at on of the ago just now today yesterday "
    "st nd rd th second seconds min mins minute minutes hour hours hr hrs day days week weeks month months "
    "year years utc gmt bst cet cest est edt cst cdt mst mdt pst pdt et ct pt ist aest "
    "published updated posted modified last first date time by".split()
)


def is_date_line(line: str) -> bool:
    """A dateline/timestamp only: "Published on March 4, 2025", "Updated 3:45 PM EST", "2 hours ago"."""
    tokens = _WORD.findall(line.casefold())
    return (0 < len(tokens) <= 14 and any(t.isdigit() for t in tokens)
            and all(t.isdigit() or t in _DATE_WORDS for t in tokens))


def has_words(text: str | None) -> bool:
    """Whether ``text`` has any ``\\w`` character (a non-empty :func:`text_key`), without building its key."""
    return bool(text) and _WORD.search(text) is not None


def text_key(text: str | None) -> str:
    """Comparison key: the ``\\w+`` tokens, case-folded, space-joined."""
    if not text:
        return ""
    if len(text) <= _CACHED_KEY_CHARS:
        return _short_text_key(text)
    return " ".join(_WORD.findall(text.casefold()))


_CACHED_KEY_CHARS = 2000  # link texts, headings, lines: asked again and again of one page


@lru_cache(maxsize=2048)
def _short_text_key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


@lru_cache(maxsize=1024)  # the rules ask it of each line several times
def _word_count(text: str) -> int:
    return words_in(text)  # Chinese, Japanese and Thai lines are not one "word" per clause


# Chinese, Japanese (kana too) and Korean: written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@lru_cache(maxsize=1024)
def sentence_words(text: str) -> int:
    """Words of ``text`` for telling a story sentence from a header line; two CJK characters count as one."""
    return max(_word_count(text), len(_CJK.findall(text)) // 2)


@dataclass
class PageHints:
    """What the source page tells about texts that are not story paragraphs."""

    titles: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)  # section, categories, tags, site name
    furniture: set[str] = field(default_factory=set)  # link-only blocks, captions, image alts
    authors: list[str] = field(default_factory=list)
    embedded: list[str] = field(default_factory=list)  # keys of social embeds and pull quotes
    link_footers: set[str] = field(default_factory=set)  # keys of short, mostly-link closing lines
    # An older page laid out with tables: its article header (kicker, headline, dek, byline,
    # date, print bar) shares the story's container, so the extractor cannot leave it out.
    layout_tables: bool = False

    @property
    def author_keys(self) -> set[str]:
        return {text_key(a) for a in self.authors}


def _element_text(el: Any) -> str:
    """``el.text_content()``, at half its cost on the short elements the rules ask most about."""
    try:
        return etree.tostring(el, method="text", encoding=str, with_tail=False)
    except (ValueError, TypeError):
        return ""


def _block_of(el: Any) -> Any:
    """Nearest paragraph-like ancestor (or self) of ``el``, None past a few levels."""
    node = el.getparent()
    for _depth in range(4):
        if node is None or node.tag in _BLOCKS:
            return node
        node = node.getparent()
    return None


def _link_only_blocks(tree: Any, wanted: set[str]) -> set[str]:
    """Keys of wanted texts shown as a block made only of links, or as a teaser-card blurb.

    Each block a link sits in is judged once, on its whole text: a block of links has the
    text of its links, so no link's own text needs reading (but in headings, for their cards).
    """
    found: set[str] = set()
    carded: set[Any] = set()  # headings whose card was looked at (one with a link that has words)
    judged: set[Any] = set()
    for anchor in tree.iter("a"):
        block = _block_of(anchor)
        if block is None:
            continue
        if block.tag in _HEADINGS and block not in carded and has_words(_element_text(anchor)):
            carded.add(block)
            found.update(_card_blurbs(block, wanted))
        if block in judged:
            continue
        judged.add(block)
        block_key = text_key(_element_text(block))
        if block_key in wanted and text_key(" ".join(map(_element_text, block.iter("a")))) == block_key:
            found.add(block_key)
    return found


def _card_blurbs(block: Any, wanted: set[str]) -> set[str]:
    """Wanted paragraphs sharing a small container with a link-only headline (a teaser card)."""
    found: set[str] = set()
    container = block.getparent()
    for _level in range(3):
        if container is None or len(_element_text(container)) > CARD_MAX_CHARS:
            break
        found.update(k for p in container.iter("p") if (k := text_key(_element_text(p))) in wanted)
        container = container.getparent()
    return found


def _caption_texts(tree: Any, wanted: set[str]) -> set[str]:
    """Keys of wanted texts found in captions/credits or as image alt/title text."""
    found: set[str] = set()
    for el in _caption_elements(tree):
        if (key := text_key(_element_text(el))) in wanted:
            found.add(key)
    for img in tree.iter("img"):
        found.update(k for attr in ("alt", "title") if (k := text_key(img.get(attr))) in wanted)
        if (frame := image_frame(img)) is not None:
            found.update(k for el in frame.iter() if (k := text_key(_element_text(el))) in wanted)
    return found


def _caption_elements(tree: Any) -> list[Any]:
    """``<figcaption>`` elements, and elements whose class names a caption or a credit."""
    marked = [el for el, _marks in marked_matching(tree, _CAPTION_MARK)
              if any(c in (el.get("class") or "") for c in _CAPTION_CLASSES)]
    return [*tree.iter("figcaption"), *marked]


def image_frame(img: Any) -> Any | None:
    """The small box that shows ``img`` with its caption (an older page's caption table or div), or None.

    The nearest ancestor with text, when it is a box (not a paragraph, list item or link)
    holding at most :data:`FRAME_MAX_CHARS` characters of text.
    """
    node = img.getparent()
    for _depth in range(3):
        if node is None:
            return None
        text = _element_text(node).strip()  # (serializing a long block's text costs less than walking it)
        if text:
            return node if node.tag in _FRAMES and len(text) <= FRAME_MAX_CHARS else None
        node = node.getparent()
    return None


def furniture_texts(tree: Any, wanted: set[str]) -> set[str]:
    """Which of the ``wanted`` text keys the page marks as non-story.

    Non-story: a paragraph, list item or heading consisting only of links (teasers,
    navigation, "click here" promos), a caption/credit, or an image's alt text.
    """
    wanted = {k for k in wanted if k}
    if not wanted:
        return set()
    return _link_only_blocks(tree, wanted) | _caption_texts(tree, wanted)


def locate_block(tree: Any, text: str, exact: bool = True) -> Any | None:
    """The element of ``tree`` whose whole text is ``text`` (same tokens), or None.

    With ``exact=False``, the smallest element (within a few levels) whose text
    contains ``text`` and is at most about twice as long.
    """
    key = text_key(text)
    words = text.split()
    if not key or not words:
        return None
    limit = 2 * len(text) + 100
    nodes = text_nodes_containing(tree, " ".join(words[:5]))
    if not nodes and len(words) > 2:  # the first words may span inline markup
        nodes = text_nodes_containing(tree, " ".join(words[:2]))
    for node in nodes[:10]:
        el = node.getparent()
        for _depth in range(4):
            content = _element_text(el) if el is not None else ""
            if not content or len(content) > limit:
                break
            if text_key(content) == key if exact else key in text_key(content):
                while el.getparent() is not None and text_key(_element_text(el.getparent())) == key:
                    el = el.getparent()  # the outermost element with this text: <p>, not its <span>
                return el
            el = el.getparent()
    return None


def is_detached_standfirst(tree: Any, lines: list[str], description: str | None) -> bool:
    """Whether ``lines[0]`` is the standfirst (dek): the page description shown apart from the body.

    A page's description is often its first paragraph (the lede), which belongs to the
    text; a dek is displayed in the article header instead, so it does not share its
    parent element with the story paragraph that follows it.
    """
    if len(lines) < 2 or not description or text_key(lines[0]) != text_key(description):
        return False
    dek, body = locate_block(tree, lines[0]), locate_block(tree, lines[1])
    return dek is not None and body is not None and dek.getparent() is not body.getparent()


_BYLINE = re.compile(r"^(?P<before>.*?)\b(?:by|written by|words by|reporting by|posted by)\s+(?P<rest>.+)$", re.IGNORECASE)
_NAME_END = re.compile(r"\s*(?:,|\||\s-\s|/)")


def _is_byline(line: str, hints: PageHints) -> bool:
    """A byline: "By Jane Doe", "By JANE DOE, Staff Writer", "April 7th, 2009 by Jane Doe"."""
    match = _BYLINE.match(line)
    if not match or _word_count(line) > 12:
        return False
    before = match.group("before").strip(" ,|-")
    if before and not is_date_line(before):
        return False
    rest = text_key(match.group("rest"))
    name = _NAME_END.split(match.group("rest"), maxsplit=1)[0]
    return any(text_key(a) in rest for a in hints.authors) or _word_count(name) <= 4


def _is_bio(line: str, hints: PageHints) -> bool:
    """An "About the author" sentence: "<Author> is a reporter ..."."""
    key = text_key(line)
    starts_with_author = any(key.startswith(text_key(a) + " ") for a in hints.authors if a)
    return (starts_with_author and _NAME_START.match(line) is not None) or (
        _NAME_START.match(line) is not None and _BIO_ROLE.search(line[:200]) is not None
    )


def _is_furniture(line: str, hints: PageHints, header: bool) -> bool:
    key = text_key(line)
    if not _ALNUM.search(line):
        return True
    words = _word_count(line)
    if key in hints.titles or (key in hints.furniture and (header or words >= 4)):
        return True
    if is_embedded(key, hints.embedded):
        return True
    if words <= 12 and (_FURNITURE.match(line) or is_date_line(line)):
        return True
    if words <= 40 and _PROMO_START.match(line):
        return True
    if header and (key in hints.labels or key in hints.author_keys or _is_byline(line, hints)):
        return True
    return False


def _cut_tail(kept: list[int], lines: list[str]) -> list[int]:
    """Drop "Related"/"More from ..." headings, and what follows them when that is teasers only.

    A related-content block is a heading followed by headlines and one-sentence
    blurbs; a long paragraph after the heading means the story goes on (a widget
    inserted mid-article), so then only the heading goes. Works on indices into ``lines``.
    """
    out: list[int] = []
    for position, index in enumerate(kept):
        line = lines[index]
        if _word_count(line) <= 8 and _TAIL_HEADING.match(line):
            if all(_word_count(lines[rest]) < TEASER_MAX_WORDS for rest in kept[position + 1 :]):
                return out
            continue
        out.append(index)
    return out


# A date or time as comment signatures write them: 10/09/2009, 04-07-2006, 12h14, 4:31, 20 novembre 2007, April 7th, 2009.
_STAMP = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{4}\b"
                    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b")
SIGNATURE_MAX_WORDS = 10
_NOTICE = re.compile(r"^\W*[^\W\d_]+(?:['’]s)?(?:\s[^\W\d_]+)?\s*:")
COMMENTS_MAX_SHARE = 0.5  # readers' comments are cut only when shorter than half the story before them


def is_comment_signature(line: str) -> bool:
    """A reader comment's signature: a name with a date or time, not a sentence.

    "Robert, 20 novembre 2007", "Jacques49 le 10/09/2009 à 12h14", "At 4:31 PM, Anonymous said...".
    """
    if len(line.split()) > SIGNATURE_MAX_WORDS or not _STAMP.search(line) or is_date_line(line):
        return False
    if _NOTICE.match(line):  # "Update: February 29, 2024", "Correction: ..."
        return False
    line = line.rstrip()
    return line.endswith(("...", "…")) or not re.search(r"[.!?]\W*$", line)  # a sentence ends with a stop


def _cut_comments(kept: list[int], lines: list[str]) -> list[int]:
    """Cut readers' comments after the story: from the first signature line on, when what follows
    is short lines with at least one more signature (or, for a single signature, at most 3 lines)."""
    words = [_word_count(lines[i]) for i in kept]
    for position, index in enumerate(kept):
        if position == 0 or not is_comment_signature(lines[index]):
            continue
        rest = kept[position:]
        signatures = sum(is_comment_signature(lines[i]) for i in rest)
        short = all(w < TEASER_MAX_WORDS * 2 for w in words[position:])
        few = signatures >= 2 or (len(rest) <= 4 and all(w < TEASER_MAX_WORDS for w in words[position:]))
        if short and few and sum(words[position:]) <= COMMENTS_MAX_SHARE * sum(words[:position]):
            return kept[:position]
    return kept


_CONTACT = re.compile(r"^(?:contact|reach)\s+\w.{0,160}(?:@|\d{3}[-.]\d{4})", re.IGNORECASE)


def _drop_bios(kept: list[int], lines: list[str], hints: PageHints) -> list[int]:
    """Drop "About the author" sentences and "Contact X at x@example.com" lines among the last few lines."""
    tail_start = max(1, len(kept) - 3)
    return kept[:tail_start] + [i for i in kept[tail_start:]
                                if not _is_bio(lines[i], hints) and not _CONTACT.match(lines[i])]


def kept_indices(lines: list[str], hints: PageHints) -> list[int]:
    """Indices of the story paragraphs among extracted ``lines`` (whitespace already collapsed).

    Lines before the first real paragraph (a sentence of 12+ words) are the header
    zone, where labels and bylines are dropped too; on a table layout, the whole header zone.
    """
    kept: list[int] = []
    header = True
    for index, line in enumerate(lines):
        if not line or _is_furniture(line, hints, header):
            continue
        if header and hints.layout_tables and sentence_words(line) < HEADER_MAX_WORDS:
            continue
        kept.append(index)
        header = header and sentence_words(line) < HEADER_MAX_WORDS
    kept = _drop_bios(_cut_comments(_cut_tail(kept, lines), lines), lines, hints)
    return kept[:-2] + [i for i in kept[-2:] if text_key(lines[i]) not in hints.link_footers]


def clean_lines(lines: Iterable[str], hints: PageHints) -> list[str]:
    """The story paragraphs among extracted ``lines``, in order (see :func:`kept_indices`)."""
    lines = list(lines)
    return [lines[i] for i in kept_indices(lines, hints)]
