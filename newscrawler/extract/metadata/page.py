"""Article metadata from an HTML tree: JSON-LD first, then meta tags and markup, then fallbacks.

No trafilatura here: :mod:`newscrawler.extract.extractor` passes trafilatura's own metadata
in as ``fallback``. Priority per field: the JSON-LD article object, ``<meta>``/``<link>``
tags and markup (``<h1>``, ``<title>``, ``<html lang>``, breadcrumbs), the fallback,
and for the publication date htmldate last.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from newscrawler.extract.metadata.byline import (
    agency_as_written,
    agency_name,
    choose_authors,
    is_generic_credit,
    is_site_like,
    page_byline,
    split_byline,
)
from newscrawler.extract.metadata.datelines import dateline_dates, time_elements
from newscrawler.extract.metadata.dates import (
    as_published_locally,
    parse_date,
    parse_date_raw,
    pick_published,
    url_date,
    with_page_zone,
)
from newscrawler.extract.metadata.names import (
    clean_authors,
    clean_section,
    clean_space,
    clean_tags,
    copyright_holder,
    name_key,
    pick_site_name,
    strip_site_suffix,
)
from newscrawler.extract.metadata.jsonld import (
    article_object,
    as_list,
    first_text,
    jsonld_objects,
    keywords,
    people_of,
    resolve,
    types_of,
)
from newscrawler.extract.metadata.paywall import is_paywalled
from newscrawler.extract.metadata.sections import title_section, url_section, visible_section
from newscrawler.extract.metadata.titles import (
    heading_element,
    markup_title,
    strip_host_suffix,
    title_parts,
    visible_title,
)
from newscrawler.extract.metadata.trees import marked_matching, per_tree

__all__ = ["PageMetadata", "clean_authors", "clean_space", "jsonld_objects", "language_code", "page_metadata",
           "parse_date", "strip_site_suffix"]

LOGGER = logging.getLogger(__name__)

_LANG = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$")


@dataclass
class PageMetadata:
    """What a page says about itself; every field may be missing."""

    title: str | None = None
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    image_url: str | None = None
    page_type: str | None = None  # og:type, or the JSON-LD @type of the article object
    date_source: str | None = None  # jsonld, meta, url or text (see metadata_dates)
    title_source: str | None = None  # jsonld, og, twitter, meta, h1, title or trafilatura (metadata_titles)
    is_paywalled: bool | None = None  # see metadata_paywall
    credit: str | None = None  # a byline that names only a desk or the staff, as written (see metadata.byline)


def _from_jsonld(objects: list[dict]) -> tuple[PageMetadata, list[str]]:
    """Metadata of the JSON-LD article object, and its organisation authors."""
    art = article_object(objects)
    if art is None:
        return PageMetadata(), []
    index = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    people, orgs = people_of(art.get("author") or art.get("creator"), index)
    title = clean_space(art.get("headline")) or clean_space(art.get("name")) or None
    meta = PageMetadata(
        title=title,
        title_source="jsonld" if title else None,
        authors=people,
        published_at=parse_date(art.get("datePublished") or art.get("dateCreated")),
        modified_at=parse_date(art.get("dateModified")),
        site_name=first_text(resolve(art.get("publisher"), index)),
        section=next(iter(keywords(art.get("articleSection"))), None),
        tags=keywords(art.get("keywords")),
        language=language_code(first_text(art.get("inLanguage"))),
        description=clean_space(art.get("description")) or None,
        image_url=first_text(resolve(art.get("image"), index), "url"),
        page_type=next(iter(types_of(art)), None),
    )
    return meta, orgs


# --- meta tags and markup ------------------------------------------------------------------

_META_KEYS = {
    "site_name": ("og:site_name", "application-name"),
    "description": ("og:description", "description", "twitter:description", "sailthru.description"),
    "image_url": ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
    "published_at": ("article:published_time", "og:article:published_time", "datepublished",
                     "parsely-pub-date", "sailthru.date", "article.published", "pubdate", "publish-date",
                     "publishdate", "date", "dc.date.issued", "dc.date", "dcterms.created"),
    "modified_at": ("article:modified_time", "og:updated_time", "datemodified", "article.updated",
                    "dcterms.modified", "last-modified"),
    "section": ("article:section", "parsely-section", "section", "category"),
    "page_type": ("og:type",),
}
_AUTHOR_KEYS = ("author", "article:author", "article:author_name", "author_name", "parsely-author", "sailthru.author", "dc.creator", "byl")
_TAG_KEYS = ("article:tag", "parsely-tags", "sailthru.tags", "news_keywords", "keywords")
_BREADCRUMB_MARK = re.compile("breadcrumb")  # candidates among the page's marks ...
_HOME = frozenset({"home", "homepage", "start", "front page"})


def meta_tags(tree: Any) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-cased property/name/itemprop/http-equiv (shared: read only)."""
    return per_tree("meta", tree, _meta_tags)


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for node in tree.iter("meta"):
        content = clean_space(node.get("content"))
        key = node.get("property") or node.get("name") or node.get("itemprop") or node.get("http-equiv")
        if content and key:
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def _first_meta(tags: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    return next((tags[k][0] for k in keys if k in tags), None)


def _from_markup(tree: Any, tags: dict[str, list[str]], url: str) -> PageMetadata:
    meta = PageMetadata()
    for name, keys in _META_KEYS.items():
        value = _first_meta(tags, keys)
        setattr(meta, name, parse_date(value) if name.endswith("_at") else value)
    meta.authors = [a for k in _AUTHOR_KEYS for a in tags.get(k, []) if not a.startswith("http")]
    meta.tags = [t for k in _TAG_KEYS for v in tags.get(k, []) for t in keywords(v)]
    meta.title, meta.title_source = markup_title(tree, tags)
    meta.language = _markup_language(tree, tags)
    meta.canonical_url = canonical_url(tree, url, tags)
    return meta


def _markup_language(tree: Any, tags: dict[str, list[str]]) -> str | None:
    html = tree.getroottree().getroot()
    candidates = [html.get("lang"), html.get("xml:lang"), _first_meta(tags, ("og:locale",)),
                  _first_meta(tags, ("content-language", "language", "dc.language"))]
    return next((code for c in candidates if (code := language_code(c))), None)


def canonical_url(tree: Any, url: str, tags: dict[str, list[str]] | None = None) -> str | None:
    """Absolute rel=canonical (else og:url) of the page, or None."""
    hrefs = [node.get("href") for node in tree.iter("link")
             if "canonical" in (node.get("rel") or "").lower().split()]
    hrefs.append(_first_meta(tags if tags is not None else meta_tags(tree), ("og:url",)))
    for href in filter(None, map(clean_space, hrefs)):
        try:
            absolute = urljoin(url or "", href)
        except ValueError:
            continue
        if absolute.startswith(("http://", "https://")):
            return absolute
    return None


def breadcrumb_section(tree: Any, objects: list[dict], title: str | None) -> str | None:
    """The innermost breadcrumb level above the page itself (JSON-LD BreadcrumbList or markup)."""
    names: list[str] = []
    for obj in objects:
        if "breadcrumblist" in types_of(obj):
            items = [i for i in as_list(obj.get("itemListElement")) if isinstance(i, dict)]
            items.sort(key=lambda i: i.get("position") if isinstance(i.get("position"), int) else 0)
            names = [clean_space(i.get("name")) or first_text(i.get("item")) or "" for i in items]
            break
    if not names:
        names = [clean_space(a.text_content()) for a in _breadcrumb_links(tree)]
    title_key = name_key(title or "")
    names = [n for n in names if n and "/" not in n and n.casefold() not in _HOME and name_key(n) != title_key]
    return names[-1] if names else None


def _breadcrumb_links(tree: Any) -> list[Any]:
    """The links of the first element whose class or id (as written) names a breadcrumb."""
    for node, _marks in marked_matching(tree, _BREADCRUMB_MARK):
        if "breadcrumb" in (node.get("class") or "") or "breadcrumb" in (node.get("id") or ""):
            return list(node.iterdescendants("a"))
    return []


# --- values --------------------------------------------------------------------------------


def language_code(value: Any) -> str | None:
    """ISO 639-1 code from values like ``en-US``, ``en_GB``, ``fr``; else None."""
    match = _LANG.match(value) if isinstance(value, str) else None
    return match.group(1).lower() if match else None


# --- assembly ------------------------------------------------------------------------------


def _merge(sources: list[PageMetadata]) -> PageMetadata:
    """Field by field, the first source that has a value."""
    merged = PageMetadata()
    for f in fields(PageMetadata):
        setattr(merged, f.name, next((v for s in sources if (v := getattr(s, f.name))), getattr(merged, f.name)))
    return merged


_PUBLISHED_MARK = re.compile("datepublished")  # candidates among the page's marks ...


def published_markup(tree: Any) -> list[str]:
    """The ``datetime`` and ``content`` values of ``itemprop="datePublished"`` elements, in page order."""
    return per_tree("published-markup", tree, _published_markup)


def _published_markup(tree: Any) -> list[str]:
    return [value for node, _marks in marked_matching(tree, _PUBLISHED_MARK) if node.get("itemprop") == "datePublished"
            for name, value in node.attrib.items() if name in ("datetime", "content")]


def _set_dates(meta: PageMetadata, tree: Any, objects: list[dict], tags: dict[str, list[str]], url: str,
               fallback: PageMetadata | None, use_htmldate: bool, extensive: bool = False) -> None:
    """``published_at`` with its ``date_source``, and ``modified_at`` (see :mod:`metadata_dates`)."""
    art = article_object(objects) or {}
    ld_published = art.get("datePublished") or art.get("dateCreated")
    markup_published = _first_meta(tags, _META_KEYS["published_at"]) or next(iter(published_markup(tree)), None)
    modified_raw = [art.get("dateModified"), _first_meta(tags, _META_KEYS["modified_at"])]
    candidates = [("jsonld", ld_published), ("meta", markup_published), ("url", url_date(url)),
                  ("text", fallback.published_at if fallback else None)]
    declared = [ld_published, markup_published, *modified_raw]
    if not any(raw for _, raw in candidates[:3]):  # nothing declared: the page's dateline before any guess
        candidates.insert(3, ("text", _dateline_published(tree, meta.language)))
    published, source = pick_published(candidates, declared)
    if published is None and use_htmldate:
        published, source = _htmldate(tree, extensive), "text"
    others = [parse_date_raw(raw) for raw in declared]
    if published is not None and source in ("jsonld", "meta") and published.utcoffset() == timedelta(0) \
            and published.timetz().replace(tzinfo=None) != time(0):
        published = _shown_locally(published, tree, others, url, meta.language)
    meta.published_at, meta.date_source = published, source if published else None
    modified = [with_page_zone(m, others) for raw in modified_raw if (m := parse_date_raw(raw)) is not None]
    meta.modified_at = next((m for m in modified if published is None or m >= published), None)


def _shown_locally(published: datetime, tree: Any, others: list[datetime | None], url: str,
                   language: str | None) -> datetime:
    """``published`` (declared in UTC) in the offset the page shows its readers (same instant).

    Cheapest evidence first: other declared dates, ``<time datetime>`` values, the URL's
    date; the datelines' text only when none of these tells.
    """
    times = time_elements(tree)
    zoned = [*others, *(parse_date_raw(v) for v in published_markup(tree)), *times.zoned]
    url_day = url_date(url)
    local = as_published_locally(published, zoned, [url_day.date()] if url_day else [], times.walls)
    if local is not published or url_day is not None:
        return local
    shown = dateline_dates(tree, language)
    return as_published_locally(published, shown.zoned, shown.days, shown.walls)


def _dateline_published(tree: Any, language: str | None) -> datetime | None:
    """The publication date a dateline shows ("Posted on Tue, Sep. 02, 2008"), or None."""
    shown = dateline_dates(tree, language)
    if shown.zoned or shown.walls:
        return (shown.zoned or shown.walls)[0]
    return datetime.combine(shown.days[0], time(0)) if shown.days else None


def _htmldate(tree: Any, extensive: bool = False) -> datetime | None:
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=extensive, original_date=True, outputformat="%Y-%m-%d")
    except Exception as err:  # htmldate has many failure modes on odd markup
        LOGGER.debug("htmldate failed: %s", err)
        return None
    return parse_date(found)


def page_metadata(tree: Any, url: str, fallback: PageMetadata | None = None,
                  use_htmldate: bool = True, extensive_dates: bool = False) -> PageMetadata:
    """Metadata of the page at ``url`` parsed as ``tree`` (an lxml HTML element).

    ``fallback`` (e.g. trafilatura's own findings) fills what the page markup lacks;
    htmldate is consulted for the publication date when nothing else has it.
    """
    objects = jsonld_objects(tree)
    from_ld, org_authors = _from_jsonld(objects)
    tags = meta_tags(tree)
    markup = _from_markup(tree, tags, url)
    markup.section = markup.section or breadcrumb_section(tree, objects, from_ld.title or markup.title)
    sources = [from_ld, markup] + ([fallback] if fallback else [])
    sites = [s.site_name for s in sources] + [_first_meta(tags, ("og:site_name",))]
    not_people = sites + [copyright_holder(_first_meta(tags, ("copyright", "dc.rights")))]
    for source in sources:
        source.tags = clean_tags(source.tags, sites)
        source.section = clean_section(source.section)
    merged = _merge(sources)
    merged.site_name = pick_site_name(sites, _host(url))
    _set_authors(merged, tree, sources, org_authors, not_people, _host(url))
    merged.title_source = next((s.title_source or "trafilatura" for s in sources if s.title), None)
    declared_title = merged.title
    merged.title, merged.title_source = visible_title(tree, merged.title, merged.title_source,
                                                      [*sites, merged.site_name, merged.section])
    merged.title = strip_site_suffix(merged.title, merged.site_name)
    if merged.title_source == "title":
        merged.title = strip_host_suffix(merged.title, _host(url))
    merged.site_name = _site_beside(merged.site_name, merged.title, [*sites, *title_parts(declared_title)],
                                    _host(url))
    shown_section = visible_section(tree, heading_element(tree, merged.title))
    merged.section = (clean_section(shown_section) or merged.section
                      or clean_section(title_section(declared_title, merged.title, sites))
                      or clean_section(url_section(url)))
    _set_dates(merged, tree, objects, tags, url, fallback, use_htmldate, extensive_dates)
    merged.is_paywalled = is_paywalled(tree, article_object(objects), tags)
    if merged.image_url:
        merged.image_url = urljoin(url or "", merged.image_url)
    return merged


def _set_authors(meta: PageMetadata, tree: Any, sources: list[PageMetadata], org_authors: list[str],
                 not_people: list[str | None], host: str) -> None:
    """``authors`` and ``credit`` from the structured data and the visible byline (see metadata.byline)."""
    raw = _declared_authors(sources, not_people)
    structured = clean_authors(_split_raw(raw), not_people)
    byline = page_byline(tree)
    agencies = [a for value in [*raw, *org_authors] for a in split_byline(value).agencies]
    agencies += [a for value in raw if (a := agency_as_written(value))]
    for agency in agencies:
        if agency not in byline.order:
            byline.order.append(agency)
            byline.agencies.append(agency)
    chosen = choose_authors(structured, byline, not_people, host)
    if not chosen:
        orgs = clean_authors(org_authors, not_people, people=False)
        chosen = [o for o in orgs if not is_site_like(o, not_people, host)] or orgs
    meta.authors = [a for a in chosen if not is_generic_credit(a)]  # "La rédaction" is no person
    generic = [v for s in sources for v in s.authors if is_generic_credit(v)]
    meta.credit = None if meta.authors else byline.credit or next(iter(generic), None)


def _site_beside(site_name: str | None, title: str | None, sites: list[str | None], host: str) -> str | None:
    """The site name, unless a reader of the title took the headline for it: then another candidate."""
    if not site_name or not title or name_key(site_name) != name_key(title):
        return site_name
    return pick_site_name([s for s in sites if s and name_key(s) != name_key(title)], host)


def _declared_authors(sources: list[PageMetadata], not_people: list[str | None]) -> list[str]:
    """The raw author values of the first source that names a person or an agency, or of a
    later one that names everyone it names and more (a JSON-LD author beside a meta tag that
    lists the whole team)."""
    found = [s.authors for s in sources
             if clean_authors(_split_raw(s.authors), not_people) or any(map(agency_name, s.authors))]
    if not found:
        return []
    first = found[0]
    names = {name_key(n) for n in clean_authors(_split_raw(first), not_people)}
    for later in found[1:]:
        more = {name_key(n) for n in clean_authors(_split_raw(later), not_people)}
        if names < more:
            return later
    return first


def _split_raw(raw: list[str]) -> list[str]:
    """Raw author values split where a byline would be ("Felix Schröder und Jörg Soldwisch")."""
    out: list[str] = []
    for value in raw:
        people = split_byline(value).people
        out.extend(people if len(people) > 1 else [value])
    return out


def _host(url: str | None) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:  # e.g. an unbalanced "[" in the netloc
        return ""


def is_incomplete(meta: PageMetadata) -> bool:
    """True when a core field (title, date, authors, site name) is still unknown."""
    return not (meta.title and meta.published_at and meta.authors and meta.site_name)
