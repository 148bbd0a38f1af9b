"""Publisher profiles: per-site selectors that override the general extraction rules.

A profile is data (``[site.profile]`` in sources.toml, see :mod:`newscrawler.sources`)::

    title = "h1.headline"                 # text of the first match
    authors = ".byline a[rel=author]"     # every match is one author
    date = "time.published::attr(datetime)"  # an attribute, else datetime/content, else text
    body = "div.article-body"             # extraction runs only on the matching elements
    section = "nav.breadcrumb li:last-child"
    drop = [".newsletter-signup", "//aside"]  # removed before extraction

A selector is XPath when it starts with ``/``, ``(``, ``./`` or a function call such as
``string(``, else CSS (cssselect). A CSS selector
may end in ``::attr(name)`` or ``/@name`` to select an attribute, or ``::text``. Selectors
are compiled once per profile (:func:`compile_profile`, cached) and validated there:
:class:`SelectorError` names the field and the selector. No Scrapy here: profiles travel
with the pages to the extraction workers.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from cssselect import HTMLTranslator, SelectorError as CssError
from lxml import etree

from newscrawler.extract.metadata.datelines import read_date_text
from newscrawler.extract.metadata.dates import parse_date_raw, with_page_zone
from newscrawler.extract.metadata.names import clean_space

FIELD_SELECTORS = ("title", "authors", "date", "body", "section")
PROFILE_FIELDS = (*FIELD_SELECTORS, "drop")
DATE_ATTRIBUTES = ("datetime", "content")  # read before the text of a date element
MAX_AUTHORS = 20
_CSS_ATTRIBUTE = re.compile(r"(?:::attr\(\s*([\w:.-]+)\s*\)|/@([\w:.-]+))\s*$")
_CSS_TEXT = re.compile(r"::text\s*$")
_XPATH_START = re.compile(r"^(?:[/(]|\.\.?/|[a-z][\w-]*\s*\()")
# A byline prefix: "By", "Par", "Por", "Door", "Av"; "Von" only before two capitalised words ("von der Leyen" stays).
_BY = re.compile(r"^(?:(?i:by|par|por|door|av)|[Vv]on(?=\s+\w+\s+\w)(?!\s+[a-z]))\s*:?\s+")
_EMPTY_PAGE = etree.fromstring("<html><body/></html>")


@dataclass(frozen=True)
class Profile:
    """The raw selectors of one site's profile (hashable, picklable); None/() where not given."""

    title: str | None = None
    authors: str | None = None
    date: str | None = None
    body: str | None = None
    section: str | None = None
    drop: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Profile | None:
        """A profile from its dict (sources.toml or a stored run's arguments); None when empty."""
        if not data:
            return None
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and v is not None}
        values["drop"] = tuple(values.get("drop") or ())
        profile = cls(**values)
        return profile if profile.selectors() else None

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items() if v}

    def selectors(self) -> list[tuple[str, str]]:
        """``(field, selector)`` for every selector given, drop selectors last."""
        given = [(name, value) for name in FIELD_SELECTORS if (value := getattr(self, name))]
        return given + [("drop", value) for value in self.drop]


class SelectorError(ValueError):
    """A selector that does not compile; ``field`` and ``selector`` say which."""

    def __init__(self, field: str, selector: str, message: str) -> None:
        super().__init__(f"bad selector {selector!r}: {message}")
        self.field, self.selector = field, selector


@dataclass(frozen=True)
class Selector:
    """One compiled selector: its text as written and its XPath (CSS translated)."""

    text: str
    xpath: etree.XPath

    def matches(self, tree: Any) -> list[Any]:
        """Elements and strings the selector gives on ``tree`` (an XPath number or boolean as a string)."""
        try:
            found = self.xpath(tree)
        except etree.XPathError:
            return []
        if isinstance(found, list):
            return found
        return [] if found is None or found is False else [str(found)]


@dataclass(frozen=True)
class CompiledProfile:
    profile: Profile
    fields: dict[str, Selector]
    drop: tuple[Selector, ...]

    def get(self, name: str) -> Selector | None:
        return self.fields.get(name)


def compile_selector(text: str, field: str = "selector") -> Selector:
    """``text`` compiled (XPath when it starts like one, see the module, else CSS); raises SelectorError."""
    source = text.strip()
    if not source:
        raise SelectorError(field, text, "empty")
    expression = source if _XPATH_START.match(source) else _css_to_xpath(source, field)
    try:
        xpath = etree.XPath(expression)
        xpath(_EMPTY_PAGE)  # unknown functions and namespace prefixes fail only when evaluated
    except etree.XPathError as exc:
        raise SelectorError(field, text, f"not a valid XPath ({exc})") from exc
    return Selector(source, xpath)


def _css_to_xpath(css: str, field: str) -> str:
    attribute = _CSS_ATTRIBUTE.search(css)
    base = _CSS_TEXT.sub("", css[: attribute.start()] if attribute else css).strip()
    try:
        expression = HTMLTranslator().css_to_xpath(base)
    except CssError as exc:
        raise SelectorError(field, css, f"not a valid CSS selector ({exc})") from exc
    if attribute:
        return f"({expression})/@{attribute.group(1) or attribute.group(2)}"
    return expression


@lru_cache(maxsize=128)
def compile_profile(profile: Profile) -> CompiledProfile:
    """Every selector of ``profile`` compiled; raises SelectorError on the first bad one."""
    compiled = {name: compile_selector(value, name) for name, value in profile.selectors() if name != "drop"}
    drop = tuple(compile_selector(value, "drop") for value in profile.drop)
    return CompiledProfile(profile, compiled, drop)


def profile_errors(profile: Profile) -> list[SelectorError]:
    """Every selector of ``profile`` that does not compile."""
    errors = []
    for name, value in profile.selectors():
        try:
            compile_selector(value, name)
        except SelectorError as exc:
            errors.append(exc)
    return errors


# --- applying a profile to a page ---------------------------------------------------------


def pruned(tree: Any, compiled: CompiledProfile) -> Any:
    """A copy of ``tree`` without the elements the drop selectors match (``tree`` itself without any)."""
    if not compiled.drop:
        return tree
    tree = copy.deepcopy(tree)
    for selector in compiled.drop:
        for node in selector.matches(tree):
            if isinstance(node, etree._Element):
                remove_element(node)
    return tree


def remove_element(node: Any) -> None:
    """Take ``node`` out of its tree, keeping the text that follows it (its tail)."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def body_elements(tree: Any, compiled: CompiledProfile) -> list[Any]:
    """The elements the body selector matches, in page order, less those inside an earlier one."""
    selector = compiled.get("body")
    if selector is None:
        return []
    found: list[Any] = []
    kept: set[Any] = set()  # (the proxies stay alive in ``found``, so identity holds)
    for node in selector.matches(tree):
        if not isinstance(node, etree._Element) or callable(node.tag) or node in kept:
            continue
        if not any(ancestor in kept for ancestor in node.iterancestors()):
            found.append(node)
            kept.add(node)
    return found


def restricted(tree: Any, elements: list[Any]) -> Any:
    """A copy of ``tree`` whose ``<body>`` holds only (copies of) ``elements``; the head stays.

    ``tree`` itself when one of them is the whole page or its body.
    """
    if any(element.tag in ("html", "body") for element in elements):
        return tree
    root = copy.deepcopy(tree.getroottree().getroot())
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    for child in list(body):
        body.remove(child)
    body.text = None
    for element in elements:
        inside = copy.deepcopy(element)
        inside.tail = None
        body.append(inside)
    return root


def match_text(match: Any) -> str:
    """The text of an element (whitespace collapsed), or a string result as it is."""
    if isinstance(match, etree._Element):
        return "" if callable(match.tag) else clean_space(match.text_content())  # a comment: no text
    return clean_space(str(match))


def first_text(tree: Any, selector: Selector | None) -> str | None:
    """The text of the first match with any text, or None."""
    if selector is None:
        return None
    return next((text for match in selector.matches(tree) if (text := match_text(match))), None)


def author_names(tree: Any, selector: Selector | None) -> list[str]:
    """One author per match (a leading "By", "Par", "Von"... dropped), duplicates removed, in page order."""
    if selector is None:
        return []
    names: list[str] = []
    for match in selector.matches(tree):
        name = _BY.sub("", match_text(match)).strip(" ,;|")
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names[:MAX_AUTHORS]


def date_value(tree: Any, selector: Selector | None, others: list[datetime | None],
               language: str | None = None) -> datetime | None:
    """The first match that reads as a date: an element's datetime/content attribute, else its text.

    A date without a zone takes the zone of the page's other dates (see
    :func:`newscrawler.extract.metadata.dates.with_page_zone`).
    """
    if selector is None:
        return None
    for match in selector.matches(tree):
        for raw in _date_texts(match):
            found = parse_date_raw(raw) or read_date_text(raw, language)
            if found is not None:
                return with_page_zone(found, others)
    return None


def _date_texts(match: Any) -> list[str]:
    if not isinstance(match, etree._Element):
        return [clean_space(str(match))]
    texts = [clean_space(match.get(name)) for name in DATE_ATTRIBUTES if match.get(name)]
    return [t for t in [*texts, match_text(match)] if t]
