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
from dataclasses import dataclass, field
from typing import Any

from newscrawler.extract.metadata.names import clean_space, name_key
from newscrawler.extract.metadata.trees import marked_elements

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
    r"от|автор|текст|文|作者|记者|記者|撰文|글|기자)\s*[:/：／|]?\s+|^(?:文|作者|记者|記者|撰文|글)\s*[:/：／]\s*",
    re.IGNORECASE,
)
_PHOTO = re.compile(r"\b(?:foto|photo|photos|fotos|bild|bilder|image|images|video|grafik|illustration|"
                    r"фото|写真|사진|图)\b\s*[:/：]?.*$", re.IGNORECASE)
_JOINERS = re.compile(
    r"\s*(?:,|;|&|\+|/|、|，|・|·|\|)\s*"
    r"|\s+(?:and|AND|And|und|UND|et|ET|y|Y|e|og|och|en|i|и|И|oraz|ja|ve|és|a|mit|with|avec|con|com|met|med|z|с)\s+"
)
_LEAD_JOINER = re.compile(r"^(?:and|und|et|y|e|og|och|en|i|и|oraz|mit|with|avec|con|com|met|med|z|с)\s+")
# A byline prefix after a label ("Capital Von Jemima Kelly"): capitalised, before a capitalised name.
_MID_PREFIX = re.compile(r"\s(?:By|BY|Von|VON|Par|Por|Door|Autor|Text|Texte|Tekst):?\s+(?=[A-ZÀ-ÞĀ-Ž])")
_PAREN = re.compile(r"\(([^()]{2,30})\)")
_ROLE_TAIL = re.compile(
    r"(?:\s*[,\-–—]\s*|\s+)(?:staff\s+(?:writer|reporter)|senior\s+\w+|chief\s+\w+|\w+\s+correspondent|"
    r"correspondent|reporter|editor|columnist|contributor|writer|analyst|redakteur(?:in)?|korrespondent(?:in)?|"
    r"journaliste|periodista|giornalista|journalist|reporter\w*|korespondent)\b.*$",
    re.IGNORECASE,
)
_CJK_ROLE = re.compile(r"\s*(?:記者|记者|기자|특파원|特派員|特派员|編集委員|论说委员|通讯员|報道|报道|撰稿)\s*$")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]{2,6}$")
_HAN_OR_HANGUL = re.compile(r"[\u3400-\u9fff\uac00-\ud7af]")
_TRAILING = re.compile(r"\s+(?:updated|published|posted|on|at|le|am|el|il|den|dnia)\b.*$|\s*\d.*$|\s*\(.*$",
                       re.IGNORECASE)
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\.com\b|\d|[!?©]", re.IGNORECASE)
MAX_NAME_WORDS = 5
BYLINE_MAX_WORDS = 30

# Markup that holds a byline: class/id words, rel=author, itemprop=author.
_BYLINE_MARK = re.compile(r"byline|author|autor|auteur|writer|reporter|contributor")
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
    return AGENCIES.get(clean_space(value).strip(" .()").casefold())


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
    text = _PAREN.sub(lambda m: f", {m.group(1)}" if agency_name(m.group(1)) else m.group(0), text)
    mid = _MID_PREFIX.search(text)
    if mid and not _PREFIX.match(text):
        text = text[mid.end():]
    stripped = _PREFIX.sub("", text).strip(" .:-")
    byline = Byline()
    if _GENERIC.match(stripped):
        byline.credit = stripped
        return byline
    seen: set[str] = set()
    for part in _JOINERS.split(stripped):
        part = _LEAD_JOINER.sub("", clean_space(part).strip(" .:-–—()"))
        if not part:
            continue
        agency = agency_name(part)
        name = agency or _person(part)
        if name is None:
            if _GENERIC.match(part) and not byline.credit:
                byline.credit = part
            continue
        key = name_key(name) or name
        if key in seen:
            continue
        seen.add(key)
        (byline.agencies if agency else byline.people).append(name)
        byline.order.append(name)
    if byline.order:
        byline.credit = None
    return byline


def byline_texts(tree: Any) -> list[str]:
    """Candidate byline texts of the page, in page order."""
    out: list[str] = []
    for node, words in marked_elements(tree):
        if not _BYLINE_MARK.search(words) or _NOT_BYLINE_CLASS.search(words):
            continue
        if node.tag in {"meta", "link", "script", "style", "img", "body", "html", "article", "main"}:
            continue
        if _inside_unrelated(node):
            continue
        name_node = node.find(".//*[@itemprop='name']")
        text = clean_space((name_node if name_node is not None else node).text_content())
        if text and len(text.split()) <= BYLINE_MAX_WORDS and text not in out:
            out.append(text)
    return out


def _inside_unrelated(node: Any) -> bool:
    """True inside comments, related-story lists, footers and asides."""
    for parent in node.iterancestors():
        tag = parent.tag if isinstance(parent.tag, str) else ""
        words = f"{parent.get('class') or ''} {parent.get('id') or ''}".casefold()
        if tag in {"footer", "aside", "nav"} or re.search(r"comment|related|recommend|footer|sidebar|teaser", words):
            return True
    return False


def page_byline(tree: Any) -> Byline:
    """The article's byline: the names of the first byline element that names anyone."""
    credit: str | None = None
    merged = Byline()
    for text in byline_texts(tree):
        found = split_byline(text)
        if found.order:
            for name in found.order:
                if name not in merged.order:
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
    data = [n for n in structured if not is_site_like(n, site_names, host)]
    shown = [n for n in byline.order if n in byline.agencies or not is_site_like(n, site_names, host)]
    if not shown:
        return data
    if not data:
        return shown
    spelled = {_loose_key(n): n for n in data}
    if all(_loose_key(n) in {_loose_key(b) for b in shown} for n in data):
        return [spelled.get(_loose_key(n), n) for n in shown]
    known = {name_key(n) for n in data}
    return data + [a for a in byline.agencies if name_key(a) not in known]
