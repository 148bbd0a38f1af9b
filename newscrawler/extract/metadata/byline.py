"""Bylines in many languages: the people and news agencies an article credits.

A byline is read from the page's markup (elements marked as a byline or an author,
``rel="author"`` links, ``itemprop="author"``) and split into names:

- prefixes go: "By", "Von", "Par", "Por", "Di", "Door", "Av", "Af", "Autor:", "Text:", "文/" ...;
  a photo credit ("Foto: ...", "Photo: ...") is not an author;
- joiners split: "and", "&", "und", "et", "y", "e", "og", "och", "en", "i", "и", "、" ...;
- role words go: "Staff Writer" after a name, "記者", "기자", "特派員" ...;
- news agencies (AP, Reuters, AFP, dpa, SDA, 共同通信 ...) are credits of their own, kept
  beside the reporters;
- a byline that names only a desk or the staff ("Staff Writer", "Redaktion", "編集部") is
  the page's *credit*: kept as written, not as a person.

Names in Chinese, Japanese and Korean carry no spaces: a run of 2-4 Han or Hangul
characters (up to 6 in Japanese) is a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from newscrawler.extract.metadata.names import clean_space, name_key
from newscrawler.extract.metadata.trees import marked_matching

# Known news agencies, as credited (lower case key -> the usual short name).
AGENCIES: dict[str, str] = {
    k.casefold(): v for v, keys in {
        "AP": ("ap", "associated press", "the associated press"),
        "Reuters": ("reuters", "thomson reuters"),
        "AFP": ("afp", "agence france-presse", "agence france presse"),
        "dpa": ("dpa", "deutsche presse-agentur", "dpa-afx"),
        "SDA": ("sda", "keystone-sda", "sda-ats", "ats"),
        "APA": ("apa",), "ANSA": ("ansa",), "EFE": ("efe",), "Europa Press": ("europa press",),
        "NTB": ("ntb",), "TT": ("tt",), "Ritzau": ("ritzau",), "STT": ("stt",), "PAP": ("pap",),
        "KNA": ("kna",), "epd": ("epd",), "ANP": ("anp",), "Belga": ("belga",), "Lusa": ("lusa",),
        "ČTK": ("čtk", "ctk"), "MTI": ("mti",), "AAP": ("aap",), "PA": ("pa", "pa media", "press association"),
        "UPI": ("upi",), "CP": ("the canadian press", "canadian press"), "Bloomberg": ("bloomberg",),
        "Kyodo": ("kyodo", "kyodo news"), "Jiji": ("jiji", "jiji press"), "Xinhua": ("xinhua",),
        "Yonhap": ("yonhap",), "TASS": ("tass",), "ТАСС": ("тасс",), "РИА Новости": ("риа новости",),
        "Интерфакс": ("интерфакс",), "共同通信": ("共同通信", "共同"), "時事通信": ("時事通信",),
        "新华社": ("新华社", "新華社"), "中新社": ("中新社",), "연합뉴스": ("연합뉴스",),
        "Anadolu": ("anadolu", "anadolu agency", "aa"), "IANS": ("ians",), "PTI": ("pti",),
    }.items() for k in keys
}
# A byline that credits a desk or the staff, not a person (lower case, after prefixes go).
_GENERIC = re.compile(
    r"^(?:[\w .'-]{0,30}\s)?(?:staff(?:\s+(?:writer|reporter|report|reports))?|reporters|correspondents|"
    r"news\s*desk|newsdesk|web\s*desk|"
    r"online\s*desk|digital\s*desk|editorial(?:\s+(?:staff|team|board))?|the\s+editors|editors|desk|"
    r"redaktion|red\.|la\s+rédaction|rédaction|redacción|redazione|redactie|redaksjonen|redaktionen|"
    r"redaksjon|redakcja|redakce|redação|toimitus|редакция|編集部|编辑部|本报|本報|新闻中心|편집국|편집부)$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:(?:written|words|reporting|reported|story|text|posted|compiled)\s+by|by|von|vom|par|por|di|door|"
    r"av|af|fra|från|przez|autor(?:in|ka)?|auteur|autore|author|text|texte|testo|texto|tekst|teksti|"
    r"от|автор|текст|文|作者|记者|記者|撰文|글|기자)\s*[:/：／|]?\s+|^(?:文|作者|记者|記者|撰文|글)\s*[:/：／]\s*"
    r"|^(?:本报记者|本報記者|本报通讯员|本報通訊員|特约记者|特約記者|本报讯|本報訊)\s*[:：]?\s*",
    re.IGNORECASE,
)
_PHOTO = re.compile(r"\b(?:foto|photo|photos|fotos|bild|bilder|image|images|video|grafik|illustration|"
                    r"фото|写真|사진|图)\b\s*[:/：]?.*$", re.IGNORECASE)
_JOINERS = re.compile(
    r"\s*(?:,|;|&|\+|/|、|，|・|·|•|\|)\s*|\s+[-–—]\s+"
    r"|\s+(?:and|AND|And|und|UND|et|ET|y|Y|e|og|och|en|i|и|И|oraz|ja|ve|és|a|mit|with|avec|con|com|met|med|z|с)\s+"
)
_LEAD_JOINER = re.compile(r"^(?:and|und|et|y|e|og|och|en|i|и|oraz|mit|with|avec|con|com|met|med|z|с)\s+")
# A byline prefix after a label ("Capital Von Jemima Kelly"): capitalised, before a capitalised name.
_MID_PREFIX = re.compile(r"\s(?:By|BY|Von|VON|Par|Por|Door|Autor|Text|Texte|Tekst):?\s+(?=[A-ZÀ-ÞĀ-Ž])")
_PAREN = re.compile(r"[(（]([^()（）]{2,30})[)）]")
_ROLE_TAIL = re.compile(
    r"(?:\s*[,\-–—]\s*|\s+)(?:staff\s+(?:writer|reporter)|senior\s+\w+|chief\s+\w+|\w+\s+correspondent|"
    r"correspondent|reporter|editor|columnist|contributor|writer|analyst|redakteur(?:in)?|korrespondent(?:in)?|"
    r"journaliste|periodista|giornalista|journalist|reporter\w*|korespondent|redactor|redactora|rédacteur|"
    r"rédactrice|redattore|redattrice|redacteur|redaktør|redaktör|toimittaja|dziennikarz|dziennikarka|"
    r"корреспондент|журналист)s?\b.*$",
    re.IGNORECASE,
)
_CJK_ROLE = re.compile(r"\s*(?:記者|记者|기자|특파원|特派員|特派员|編集委員|论说委员|通讯员|報道|报道|撰稿)\s*$")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]{2,6}$")
_HAN_OR_HANGUL = re.compile(r"[\u3400-\u9fff\uac00-\ud7af]")
_TRAILING = re.compile(
    r"\s+(?:updated|published|posted|on|at|le|am|el|il|den|dnia|publisert|oppdatert|publicerad|uppdaterad|"
    r"offentliggjort|opdateret|julkaistu|päivitetty|veröffentlicht|aktualisiert|publié|publicado|pubblicato|"
    r"aggiornato|gepubliceerd|bijgewerkt|opublikowano|опубликовано|обновлено)\b.*$"
    r"|\s+[^\W\d_]{3,9}\.?\s+\d{1,2}\b.*$|\s*\d.*$|\s*\(.*$",
    re.IGNORECASE)
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\.com\b|\d|[!?©]", re.IGNORECASE)
MAX_NAME_WORDS = 5
BYLINE_MAX_WORDS = 30

# Markup that holds a byline: class/id words, rel=author, itemprop=author.
_BYLINE_MARK = re.compile(r"byline|author|autor|auteur|writer|reporter|contributor|firma|signatur|podpis|assinatura")
# Markup that credits a source: only a news agency is read from it ("(共同通信)", "Quelle: dpa").
_AGENCY_MARK = re.compile(r"credit|agency|agentur|source|quelle|fuente|fonte|bron|kilde|källa|lähde|źródło|"
                          r"источник|出典|来源|출처")
_SOURCE_LABEL = re.compile(r"^[^:：]{1,12}[:：]\s*")
# An unmarked element whose own text opens with a byline prefix and a capital ("By DONNA KESSLER"):
# the byline of older layouts (<b>, <font>, a table cell).
_TEXT_BYLINE = re.compile(r"^\s*(?:By|BY|Von|VON|Por|POR|Par|PAR|Di|DI|Door|DOOR|Av|AV|Af|Fra|Från|Przez|"
                          r"Autor|Text|Texto|Testo|Tekst|Автор|От|by|von|por|par|di|door|av|af|przez|от)"
                          r"\s*:?(?:\s+[A-ZÀ-ÞĀ-ŽА-Я]|\s*$)")
# ... or that names its author after a few words ("posted by Tom Becker at 4:05 PM", "April 7th, 2009 by X").
_LATE_BYLINE = re.compile(r"^(?:[^\s]+\s+){1,4}?(?:by|By|BY|von|par|por|di|door|av)\s+(?=[A-ZÀ-ÞĀ-ŽА-Я])")
_TEXT_BYLINE_TAGS = ("b", "strong", "font", "p", "div", "span", "td", "em", "i", "small")
TEXT_BYLINE_MAX_WORDS = 14
_MEDIA = re.compile(r"image|photo|caption|copyright|media|gallery|video|figure|picture")
MEDIA_DEPTH = 6
# Class words of author *boxes* and lists that are not the article's byline.
_NOT_BYLINE_CLASS = re.compile(r"bio|avatar|image|img|photo|pic|social|follow|more-|other|related|comment|"
                               r"twitter|email|mail|description|about|card|promo|newsletter|tooltip")


@dataclass
class Byline:
    """The names one byline credits."""

    people: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    credit: str | None = None  # the byline as written when it names only a desk or the staff
    order: list[str] = field(default_factory=list)  # people and agencies in byline order

    def __bool__(self) -> bool:
        return bool(self.order or self.credit)


def agency_name(value: str) -> str | None:
    """The usual short name of a news agency credited as ``value``, else None."""
    return AGENCIES.get(_agency_text(value).casefold())


def agency_as_written(value: str) -> str | None:
    """A news agency credited as ``value``, as the page writes it less a leading "The"
    ("The Associated Press" -> "Associated Press"; a name of several words in capitals in title
    case); None when ``value`` is no known agency."""
    if not agency_name(value):
        return None
    text = _agency_text(value)
    text = text[4:] if text[:4].casefold() == "the " else text
    return text.title() if text.isupper() and " " in text else text  # "ASSOCIATED PRESS", not "AFP"


def _agency_text(value: str) -> str:
    return _LEAD_JOINER.sub("", clean_space(value).strip(" .()（）")).strip(" .()（）")


def is_generic_credit(value: str) -> bool:
    """True for a credit that names a desk or the staff rather than a person."""
    return bool(_GENERIC.match(clean_space(_PREFIX.sub("", clean_space(value))).strip(" .:-")))


def _person(part: str) -> str | None:
    """A person's name from one part of a byline, or None."""
    name = _CJK_ROLE.sub("", _ROLE_TAIL.sub("", part)).strip(" .:-–—,")
    name = _TRAILING.sub("", _PREFIX.sub("", name)).strip(" .:-–—,")
    if not name or _NOT_A_NAME.search(name) or len(name) > 60:
        return None
    if _HAN_OR_HANGUL.search(name) or re.search(r"[\u3040-\u30ff]", name):
        squashed = name.replace(" ", "").replace("\u3000", "")
        return squashed if _CJK_NAME.match(squashed) else None
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS or not all(w[0].isupper() or w.islower() and len(w) <= 4 for w in words):
        return None  # a person has two to five words, capitalised except particles (von, de, van der)
    return name.title() if name.isupper() and len(name) > 3 else name


def split_byline(text: str) -> Byline:
    """The people, agencies and generic credit of one byline's text."""
    text = clean_space(text)
    if not text or len(text.split()) > BYLINE_MAX_WORDS:
        return Byline()
    text = _PHOTO.sub("", text).strip()
    text = _PAREN.sub(lambda m: f", {_agency_text(m.group(1))}" if agency_name(m.group(1)) else m.group(0), text)
    mid = _MID_PREFIX.search(text)
    if mid and not _PREFIX.match(text):
        text = text[mid.end():]
    stripped = _PREFIX.sub("", text).strip(" .:-")
    byline = Byline()
    if _GENERIC.match(stripped):
        byline.credit = stripped
        return byline
    seen: set[str] = set()
    for part in _parts(stripped):
        agency = agency_as_written(_TRAILING.sub("", part))
        name = agency or _person(part)
        if name is None:
            if _GENERIC.match(part) and not byline.credit:
                byline.credit = part
            continue
        key = credit_key(name)
        if key in seen:
            continue
        seen.add(key)
        (byline.agencies if agency else byline.people).append(name)
        byline.order.append(name)
    if byline.order:
        byline.credit = None
    return byline


def _parts(text: str) -> list[str]:
    """The parts of a byline between joiners; names in Han or Hangul also split at spaces."""
    out: list[str] = []
    for part in _JOINERS.split(text):
        part = _LEAD_JOINER.sub("", clean_space(part).strip(" .:-–—()"))
        words = part.split()
        if len(words) > 1 and all(_CJK_NAME.match(w) for w in words):
            out.extend(words)
        elif part:
            out.append(part)
    return out


def credit_key(name: str) -> str:
    """One key for the ways a name is credited: an agency's short name, else the folded name."""
    return (agency_name(name) or "").casefold() or name_key(name) or name


def byline_texts(tree: Any) -> Iterator[str]:
    """Candidate byline texts of the page, in page order (lazily: the first that names someone ends the search)."""
    out: list[str] = []
    for node, words in marked_matching(tree, _BYLINE_MARK):
        if _NOT_BYLINE_CLASS.search(words):
            continue
        if node.tag in {"meta", "link", "script", "style", "img", "body", "html", "article", "main"}:
            continue
        if _inside_unrelated(node):
            continue
        names = [clean_space(n.text_content()) for n in node.iterfind(".//*[@itemprop='name']")]
        text = ", ".join(filter(None, names)) if names else first_line(node)
        if text and len(text.split()) <= BYLINE_MAX_WORDS and text not in out:
            out.append(text)
            yield text


def _inside_unrelated(node: Any) -> bool:
    """True inside comments, related-story lists, footers and asides."""
    for parent in node.iterancestors():
        if parent.tag in _UNRELATED_TAGS:
            return True
        for value in (parent.get("class"), parent.get("id")):
            if value and _UNRELATED.search(value.casefold()):
                return True
    return False


_UNRELATED_TAGS = frozenset({"footer", "aside", "nav"})
_UNRELATED = re.compile(r"comment|related|recommend|footer|sidebar|teaser")


def agency_credits(tree: Any) -> list[str]:
    """News agencies named by elements that credit a source ("<span class=agency>(연합뉴스)</span>")."""
    out: list[str] = []
    for node, words in marked_matching(tree, _AGENCY_MARK):
        if _MEDIA.search(words) or node.tag in {"meta", "link", "script", "img"}:
            continue
        if _in_media(node) or _inside_unrelated(node):
            continue
        text = clean_space(node.text_content())
        if not text or len(text.split()) > 6:
            continue
        for part in _JOINERS.split(_SOURCE_LABEL.sub("", text.strip(" ()（）"))):
            if (agency := agency_as_written(part)) and agency not in out:
                out.append(agency)
    return out


def _in_media(node: Any) -> bool:
    """Inside a figure, its caption or an image/video block (where a credit is a photo credit)."""
    for depth, parent in enumerate(node.iterancestors()):
        if depth >= MEDIA_DEPTH:
            return False
        if parent.tag in {"figure", "figcaption", "picture"} or _MEDIA.search(f"{parent.get('class') or ''}".casefold()):
            return True
    return False


def text_byline(tree: Any) -> str | None:
    """The first short unmarked element whose text opens as a byline does, or None."""
    for node in tree.iter(*_TEXT_BYLINE_TAGS):
        if not node.text or not (_TEXT_BYLINE.match(node.text) or _LATE_BYLINE.match(node.text)):
            continue
        text = first_line(node)
        if _MEDIA.search(f"{node.get('class') or ''}".casefold()) or _PHOTO.match(text) or _in_media(node):
            continue  # "Illustration by ...", a photo credit
        if len(text.split()) <= TEXT_BYLINE_MAX_WORDS and not _inside_unrelated(node):
            late = _LATE_BYLINE.match(text)
            return text[late.end():] if late and not _TEXT_BYLINE.match(text) else text
    return None


def first_line(node: Any) -> str:
    """The element's text up to its first ``<br>`` ("By Alicia Monroe<br>Post Staff Writer")."""
    parts: list[str] = []
    for event, element in etree.iterwalk(node, events=("start", "end")):
        if event == "start":
            if element.tag == "br" and clean_space("".join(parts)):
                break
            parts.append(element.text or "")
        elif element is not node:
            parts.append(element.tail or "")
    return clean_space("".join(parts))


def page_byline(tree: Any) -> Byline:
    """The article's byline: the names of the first byline element that names anyone, with the
    agencies credited beside it; an unmarked "By ..." line when no element is marked as a byline."""
    merged = _marked_byline(tree)
    if not merged.order:
        found = split_byline(text) if (text := text_byline(tree)) else Byline()
        if found.order:
            found.credit, merged = None, found
    for agency in agency_credits(tree):
        if credit_key(agency) not in {credit_key(n) for n in merged.order}:
            merged.order.append(agency)
            merged.agencies.append(agency)
            merged.credit = None
    return merged


def _marked_byline(tree: Any) -> Byline:
    credit: str | None = None
    merged = Byline()
    for text in byline_texts(tree):
        found = split_byline(text)
        if found.order:
            for name in found.order:
                if credit_key(name) not in {credit_key(n) for n in merged.order}:
                    merged.order.append(name)
                    (merged.agencies if name in found.agencies else merged.people).append(name)
            if len(merged.people) >= 1:
                break
        credit = credit or found.credit
    merged.credit = None if merged.order else credit
    return merged


_LETTERS = re.compile(r"\W+")


def is_site_like(name: str, site_names: list[str | None], host: str) -> bool:
    """True when ``name`` is the site's own name rather than a person ("Mdr De" on mdr.de,
    "Deutsche Welle" on dw.com, the og:site_name)."""
    key = name_key(name)
    if not key or key in {name_key(s) for s in site_names if s}:
        return True
    labels = [part for part in host.casefold().removeprefix("www.").split(".") if part]
    squashed = _LETTERS.sub("", name.casefold()).replace("_", "")
    words = [w for w in name_key(name).split() if w]
    initials = "".join(w[0] for w in words) if len(words) >= 2 else ""
    site_label = labels[0] if labels else ""
    return bool(squashed and (squashed in "".join(labels) or (len(site_label) >= 4 and site_label in squashed))
                or (initials and initials == site_label))


def _loose_key(name: str) -> str:
    """First letter and last word of a name ("Jane A. Doe" and "Jane Doe" meet)."""
    words = name_key(name).split()
    return f"{words[0][0]} {words[-1]}" if len(words) >= 2 else name_key(name)


def choose_authors(structured: list[str], byline: Byline, site_names: list[str | None], host: str) -> list[str]:
    """The article's authors from its structured data (JSON-LD, meta) and its visible byline.

    The byline decides when it names everyone the data names (it adds the agencies beside
    the reporters, in its own order, with the data's spelling of each person), and when the
    data names no one but the site; otherwise the data's names stand, with the byline's
    agencies added.
    """
    data = [agency_as_written(n) or n for n in structured
            if agency_name(n) or not is_site_like(n, site_names, host)]
    shown = [n if n in byline.agencies else _without_site_tail(n, site_names, host) for n in byline.order]
    shown = [n for n in shown if n in byline.agencies or not is_site_like(n, site_names, host)]
    if not shown:
        return _unique(data)
    if not data:
        return _unique(shown)
    spelled = {_loose_key(n): n for n in data}
    if all(_loose_key(n) in {_loose_key(b) for b in shown} for n in data):
        return _unique([_spelling(n, spelled.get(_loose_key(n))) for n in shown])
    return _unique(data + byline.agencies)


def _without_site_tail(name: str, site_names: list[str | None], host: str) -> str:
    """A name less the site's name after it ("Timothy H.J. Nerozzi Fox News" on foxnews.com)."""
    words = name.split()
    keys = {name_key(s) for s in site_names if s}
    label = host.casefold().removeprefix("www.").split(".")[0]
    for tail in (1, 2, 3):
        end = " ".join(words[-tail:])
        if len(words) - tail >= 2 and (name_key(end) in keys or _LETTERS.sub("", end.casefold()) == label):
            return " ".join(words[:-tail])
    return name


def _spelling(shown: str, data: str | None) -> str:
    """The byline's spelling of a name ("Timothy H.J. Nerozzi"), the data's when they differ only
    in case (a byline in capitals)."""
    return data if data and data.casefold() == shown.casefold() else shown


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if not (credit_key(n) in seen or seen.add(credit_key(n)))]
